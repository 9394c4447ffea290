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
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

# The version has one home: <Version> in Directory.Build.props.
version=$(sed -n 's|.*<Version>\([^<]*\)</Version>.*|\1|p' Directory.Build.props | head -1)
[ -n "$version" ] || { echo "mkipk: no <Version> in Directory.Build.props" >&2; exit 1; }
epoch=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || true)}
[ -n "$epoch" ] || { echo "mkipk: set SOURCE_DATE_EPOCH (no git history here)" >&2; exit 1; }
outdir=${MKIPK_OUT:-$root/out}

# The runtime identifier whose binary goes into a package of this OpenWrt architecture.
rid_of() {
    case $1 in
    x86_64) echo linux-x64 ;;
    aarch64_*) echo linux-arm64 ;; # one armv8.0 binary serves every aarch64 target
    *) echo "mkipk: unknown architecture '$1'" >&2; return 1 ;;
    esac
}

# tar of the current directory's contents, fixed for reproducibility, gzip'd to $1.
pack() {
    tar --format=gnu --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$epoch" \
        -cf - . | gzip -9n >"$1"
}

build_one() {
    local arch=$1 rid bin work data control size ipk
    rid=$(rid_of "$arch")
    bin=$root/out/$rid/dockerman
    [ -x "$bin" ] || { echo "mkipk: $bin is missing (make build / make arm64)" >&2; return 1; }
    work=$(mktemp -d)
    trap 'rm -rf "$work"' RETURN
    data=$work/data
    control=$work/control
    mkdir -p "$data" "$control" "$work/pkg"
    # Modes are set one by one so that the umask and the checkout never matter.
    install -d -m 0755 "$data/www" "$data/www/cgi-bin" "$data/etc" "$data/etc/config" \
        "$data/usr" "$data/usr/share" "$data/usr/share/rpcd" "$data/usr/share/rpcd/acl.d" \
        "$data/usr/libexec" "$data/usr/libexec/rpcd"
    install -m 0755 "$bin" "$data/www/cgi-bin/dockerman"
    # rpcd's exec plugins: one link per ubus object to the one program, which knows the object by
    # the name it was started by. Relative, so that they also hold in an image's root (IPKG_INSTROOT).
    for obj in docker docker.container docker.exec docker.image docker.network docker.volume; do
        ln -s ../../../www/cgi-bin/dockerman "$data/usr/libexec/rpcd/$obj"
    done
    # OpenWrt installs UCI files with INSTALL_CONF (mode 0600).
    install -m 0600 opkg/files/etc/config/dockerman "$data/etc/config/dockerman"
    install -m 0644 opkg/files/usr/share/rpcd/acl.d/dockerman.json "$data/usr/share/rpcd/acl.d/dockerman.json"
    chmod 0755 "$data"
    (cd "$data" && pack "$work/pkg/data.tar.gz")

    # Installed-Size as ipkg-build counts it: the bytes of the uncompressed data tarball.
    size=$(gzip -dc "$work/pkg/data.tar.gz" | wc -c)
    sed -e "s|@VERSION@|$version|" -e "s|@ARCH@|$arch|" -e "s|@INSTALLED_SIZE@|$size|" \
        opkg/control >"$control/control"
    install -m 0644 opkg/conffiles "$control/conffiles"
    install -m 0755 opkg/postinst opkg/prerm opkg/postrm "$control/"
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
