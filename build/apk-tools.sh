#!/usr/bin/env bash
# Builds apk-tools (the package manager of OpenWrt 25.12, used unmodified as a build tool)
# from ../shared/apk/apk-tools-<version>.tar.gz into out/apk-tools/apk: a static binary that
# writes and reads .apk (ADB) packages. Rebuilds only when the tarball or this script changed.
#   build/apk-tools.sh   prints the binary's path
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tarball=$root/../shared/apk/apk-tools-3.0.6.tar.gz
dest=$root/out/apk-tools
bin=$dest/apk
[ -f "$tarball" ] || { echo "apk-tools: $tarball is missing" >&2; exit 1; }

stamp=$(cat "$tarball" "$0" | sha256sum | cut -d' ' -f1)
if [ -x "$bin" ] && [ "$(cat "$dest/stamp" 2>/dev/null)" = "$stamp" ]; then
    echo "$bin"
    exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tar -xzf "$tarball" -C "$work"
src=$(echo "$work"/apk-tools-*)
# Its old Makefile does not build on Debian 12; meson does. A static binary with only what
# packing and installing need: no docs, help, bindings, tests or zstd; wget for URLs.
(
    cd "$src"
    meson setup build --buildtype=release -Ddefault_library=static -Dprefer_static=true \
        -Dc_link_args=-static -Ddocs=disabled -Dhelp=disabled -Dlua=disabled -Dpython=disabled \
        -Dtests=disabled -Dzstd=disabled -Dcrypto_backend=openssl -Durl_backend=wget >"$work/setup.log" 2>&1 ||
        { cat "$work/setup.log" >&2; exit 1; }
    ninja -C build src/apk >"$work/ninja.log" 2>&1 || { cat "$work/ninja.log" >&2; exit 1; }
)
mkdir -p "$dest"
install -m 0755 "$src/build/src/apk" "$bin.tmp"
mv "$bin.tmp" "$bin"
echo "$stamp" >"$dest/stamp"
echo "$bin"
