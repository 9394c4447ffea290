#!/usr/bin/env bash
# The router's own web stack, built from the OpenWrt sources in ../shared/openwrt:
# libubox, ubus (ubusd), uci (libuci), rpcd and uhttpd, installed into one prefix.
#   build/openwrt-stack.sh [PREFIX]    default: out/openwrt
# Rebuilds only when a tarball, this script or the prefix changed (PREFIX/.stamp).
# rpcd compiles its ACL folder (PREFIX/share/rpcd/acl.d) and exec plugin folder
# (PREFIX/libexec/rpcd) in from the prefix; the tests mount their own folders over them.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
src=${OPENWRT_SRC:-$root/../shared/openwrt}
prefix=${1:-$root/out/openwrt}
mkdir -p "$prefix"
prefix=$(cd "$prefix" && pwd)
projects=(libubox ubus uci rpcd uhttpd)

tarball() { local t=("$src/$1"-*.tar.gz); [ -f "${t[0]}" ] || { echo "no $1 tarball in $src" >&2; exit 1; }; echo "${t[0]}"; }

stamp=$( { for p in "${projects[@]}"; do sha256sum "$(tarball "$p")" | cut -d' ' -f1; done
           sha256sum "$0" | cut -d' ' -f1; echo "$prefix"; } | sha256sum | cut -d' ' -f1)
if [ -f "$prefix/.stamp" ] && [ "$(cat "$prefix/.stamp")" = "$stamp" ] \
   && [ -x "$prefix/sbin/rpcd" ] && [ -x "$prefix/bin/uhttpd" ] && [ -x "$prefix/sbin/ubusd" ]; then
    exit 0
fi

for tool in cmake pkg-config gcc make; do
    command -v "$tool" >/dev/null || { echo "$tool not found (make deps installs it)" >&2; exit 1; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/openwrt-build.XXXXXX")
trap 'rm -rf "$work"' EXIT
find "$prefix" -mindepth 1 -delete

common=(-DCMAKE_INSTALL_PREFIX="$prefix" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_INSTALL_RPATH="$prefix/lib"
        -DCMAKE_BUILD_TYPE=Release)
declare -A flags=(
    [libubox]="-DBUILD_LUA=OFF -DBUILD_EXAMPLES=OFF"
    [ubus]="-DBUILD_LUA=OFF -DBUILD_EXAMPLES=OFF"
    [uci]="-DBUILD_LUA=OFF"
    [rpcd]="-DFILE_SUPPORT=OFF -DIWINFO_SUPPORT=OFF -DRPCSYS_SUPPORT=OFF -DUCODE_SUPPORT=OFF -DCMAKE_BUILD_WITH_INSTALL_RPATH=ON"
    [uhttpd]="-DTLS_SUPPORT=OFF -DLUA_SUPPORT=OFF -DUCODE_SUPPORT=OFF -DUBUS_SUPPORT=ON"
)
for p in "${projects[@]}"; do
    mkdir -p "$work/$p"
    tar -xzf "$(tarball "$p")" -C "$work/$p" --strip-components=1
    extra=()
    # gcc 12 warns falsely (stringop-overread) in uhttpd's client.c, and uhttpd builds with -Werror.
    [ "$p" = uhttpd ] && extra=(-DCMAKE_C_FLAGS=-Wno-error=stringop-overread)
    # shellcheck disable=SC2086
    cmake -S "$work/$p" -B "$work/$p/build" "${common[@]}" ${flags[$p]} "${extra[@]}" >"$work/$p.log" 2>&1 \
        && make -C "$work/$p/build" -j"$(nproc)" >>"$work/$p.log" 2>&1 \
        && make -C "$work/$p/build" install >>"$work/$p.log" 2>&1 \
        || { echo "building $p failed; its log:" >&2; tail -30 "$work/$p.log" >&2; exit 1; }
done
# Mount points for the folders the tests mount over (see the header), and rpcd's ACL file for
# logged-out callers (OpenWrt's rpcd package installs it into acl.d; here beside it, to copy).
mkdir -p "$prefix/share/rpcd/acl.d" "$prefix/libexec/rpcd" "$prefix/lib/rpcd"
cp "$work/rpcd/unauthenticated.json" "$prefix/share/rpcd/unauthenticated.json"
echo "$stamp" >"$prefix/.stamp"
echo "built the OpenWrt stack into $prefix"
