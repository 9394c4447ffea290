#!/usr/bin/env bash
# Builds OpenWrt 25.12 packages (apk v3, the ADB format) with the project's own writer
# (build/apk/mkpkg.py), from the same inputs as build/mkipk.sh (build/package-inputs.sh), laid
# out as OpenWrt's include/package-pack.mk does:
#   build/mkapk.sh [ARCH...]   ARCH: x86_64, aarch64_generic, aarch64_cortex-a53 (default: all)
#   out/apk/<arch>/dockerman-<version>-r<release>.apk   (MKAPK_OUT replaces out/apk)
# APK_SIGN_KEY=<PEM private key> (ECDSA P-256, as OpenWrt's own builds use) signs each package;
# without it they are unsigned.
# The payload also holds /lib/apk/packages/dockerman.list (every file and link),
# .conffiles and .conffiles_static (conffile and its sha256, which sysupgrade reads).
# Scripts: postinst runs as post-install and, with PKG_UPGRADE=1, as post-upgrade; prerm as
# pre-deinstall (apk does not run it on upgrade); postrm as post-deinstall.
# Reproducible: SOURCE_DATE_EPOCH (see package-inputs.sh) for every mtime and the build time,
# owners root; an unsigned package is the same bytes every time.
set -euo pipefail
# shellcheck source=build/package-inputs.sh
. "$(dirname "$0")/package-inputs.sh"
root=$pkg_root
sign=()
if [ -n "${APK_SIGN_KEY:-}" ]; then
    [ -r "$APK_SIGN_KEY" ] || { echo "mkapk: APK_SIGN_KEY $APK_SIGN_KEY is not readable" >&2; exit 1; }
    sign=(--sign-key "$(realpath "$APK_SIGN_KEY")") # relative to where it was given, not to $root
fi
outdir=$(realpath -m "${MKAPK_OUT:-$root/out/apk}")
cd "$root"
name=dockerman

# apk wants <version>-r<release> ("0.1.0-1" is refused): a trailing -N becomes -rN, none is
# -r1. MKAPK_RELEASE sets the release, as OpenWrt's PKG_RELEASE does, for a rebuild of one version.
if [[ $pkg_version =~ ^(.+)-([0-9]+)$ ]]; then
    version=${BASH_REMATCH[1]}-r${MKAPK_RELEASE:-${BASH_REMATCH[2]}}
else
    version=$pkg_version-r${MKAPK_RELEASE:-1}
fi

# A field of opkg/control; continuation lines join the first one with a space.
field() {
    awk -v f="$1" '
        $0 ~ "^" f ":" { sub("^" f ":[ \t]*", ""); v = $0; on = 1; next }
        on && /^ / { sub(/^ +/, ""); v = v " " $0; next }
        { on = 0 }
        END { print v }' opkg/control
}

# The script body without its #! line(s), for the ones that get a line put in front.
body() { sed '/^[[:space:]]*#!/d' "opkg/$1"; }

build_one() {
    local arch=$1 work data scripts meta conf out script
    work=$(mktemp -d)
    trap 'rm -rf "$work"' RETURN
    data=$work/data
    scripts=$work/scripts
    meta=$data/lib/apk/packages
    pkg_stage "$data" "$arch"
    chmod 0755 "$data"
    install -d -m 0755 "$data/lib" "$data/lib/apk" "$meta"
    (cd "$data" && find . \( -type f -o -type l \) -printf '/%P\n' | LC_ALL=C sort) >"$work/list"
    install -m 0644 "$work/list" "$meta/$name.list"
    install -m 0644 opkg/conffiles "$meta/$name.conffiles"
    : >"$work/static"
    while IFS= read -r conf; do
        [ -n "$conf" ] && [ -f "$data$conf" ] || continue
        echo "$conf $(sha256sum <"$data$conf" | cut -d' ' -f1)" >>"$work/static"
    done <opkg/conffiles
    install -m 0644 "$work/static" "$meta/$name.conffiles_static"

    mkdir -p "$scripts"
    local args=()
    for script in $(pkg_scripts); do
        case $script in
        preinst)
            install -m 0755 opkg/preinst "$scripts/pre-install"
            { printf '#!/bin/sh\nexport PKG_UPGRADE=1\n'; body preinst; } >"$scripts/pre-upgrade"
            args+=(--script "pre-install:$scripts/pre-install" --script "pre-upgrade:$scripts/pre-upgrade") ;;
        postinst)
            install -m 0755 opkg/postinst "$scripts/post-install"
            { printf '#!/bin/sh\nexport PKG_UPGRADE=1\n'; body postinst; } >"$scripts/post-upgrade"
            args+=(--script "post-install:$scripts/post-install" --script "post-upgrade:$scripts/post-upgrade") ;;
        prerm)
            install -m 0755 opkg/prerm "$scripts/pre-deinstall"
            args+=(--script "pre-deinstall:$scripts/pre-deinstall") ;;
        postrm)
            install -m 0755 opkg/postrm "$scripts/post-deinstall"
            args+=(--script "post-deinstall:$scripts/post-deinstall") ;;
        esac
    done

    mkdir -p "$outdir/$arch"
    out=$outdir/$arch/$name-$version.apk
    /usr/bin/python3 -B "$root/build/apk/mkpkg.py" \
        --info "name:$(field Package)" \
        --info "version:$version" \
        --info "description:$(field Description)" \
        --info "arch:$arch" \
        --info "license:$(field License)" \
        --info "origin:$(field Source)" \
        --info "build-time:$pkg_epoch" \
        --info "depends:$(field Depends | tr -d ' ' | tr ',' ' ')" \
        "${args[@]}" "${sign[@]}" \
        --mtime "$pkg_epoch" \
        --files "$data" \
        --output "$out"
    echo "$out $(stat -c %s "$out") bytes"
}

archs=("$@")
[ ${#archs[@]} -gt 0 ] || archs=(x86_64 aarch64_generic aarch64_cortex-a53)
for a in "${archs[@]}"; do
    build_one "$a"
done
