#!/usr/bin/env bash
# Builds OpenWrt .ipk packages from opkg/ and the published binaries, the way OpenWrt's
# scripts/ipkg-build does: a gzip'd tar (not ar) of ./debian-binary, ./data.tar.gz and
# ./control.tar.gz, in that order.
#   build/mkipk.sh [ARCH...]   ARCH: x86_64, aarch64_generic, aarch64_cortex-a53 (default: all)
#   out/dockerman_<version>_<arch>.ipk
# Reproducible: the same commit gives the same bytes. Every time stamp is SOURCE_DATE_EPOCH
# (default: the last commit's date), owners are 0:0, entries sorted by name, gzip without
# name or time.
set -euo pipefail
# shellcheck source=build/package-inputs.sh
. "$(dirname "$0")/package-inputs.sh"
root=$pkg_root
cd "$root"
version=$pkg_version
epoch=$pkg_epoch
outdir=${MKIPK_OUT:-$root/out}

# tar of the current directory's contents, fixed for reproducibility, gzip'd to $1.
pack() {
    tar --format=gnu --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$epoch" \
        -cf - . | gzip -9n >"$1"
}

build_one() {
    local arch=$1 work data control size ipk script
    work=$(mktemp -d)
    trap 'rm -rf "$work"' RETURN
    data=$work/data
    control=$work/control
    mkdir -p "$control" "$work/pkg"
    pkg_stage "$data" "$arch"
    chmod 0755 "$data"
    (cd "$data" && pack "$work/pkg/data.tar.gz")

    # Installed-Size as ipkg-build counts it: the bytes of the uncompressed data tarball.
    size=$(gzip -dc "$work/pkg/data.tar.gz" | wc -c)
    sed -e "s|@VERSION@|$version|" -e "s|@ARCH@|$arch|" -e "s|@INSTALLED_SIZE@|$size|" \
        opkg/control >"$control/control"
    install -m 0644 opkg/conffiles "$control/conffiles"
    for script in $(pkg_scripts); do
        install -m 0755 "opkg/$script" "$control/$script"
    done
    chmod 0644 "$control/control"
    chmod 0755 "$control"
    (cd "$control" && pack "$work/pkg/control.tar.gz")

    printf '2.0\n' >"$work/pkg/debian-binary"
    chmod 0644 "$work/pkg/debian-binary" "$work/pkg/data.tar.gz" "$work/pkg/control.tar.gz"
    mkdir -p "$outdir"
    ipk=$outdir/dockerman_${version}_${arch}.ipk
    # Named members keep this order (--sort only orders what tar finds in directories).
    (cd "$work/pkg" && tar --format=gnu --owner=0 --group=0 --numeric-owner --mtime="@$epoch" \
        -cf - ./debian-binary ./data.tar.gz ./control.tar.gz | gzip -9n >"$ipk.tmp")
    mv "$ipk.tmp" "$ipk"
    echo "$ipk $(stat -c %s "$ipk") bytes"
}

archs=("$@")
[ ${#archs[@]} -gt 0 ] || archs=(x86_64 aarch64_generic aarch64_cortex-a53)
for a in "${archs[@]}"; do
    build_one "$a"
done
