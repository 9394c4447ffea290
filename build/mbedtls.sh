#!/bin/bash
# Builds mbedTLS 3.6 (../shared/tls/mbedtls-3.6.6.tar.gz) with build/tls/config.h, plus the shim
# build/tls/dmtls.c, into one static library: out/tls/<rid>/libdmtls.a, linked into the program.
# Usage: build/mbedtls.sh linux-x64|linux-arm64. Does nothing when the inputs' hashes match the
# stamp of the last build. Reproducible: no paths in the objects, a deterministic archive.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
rid=${1:?usage: build/mbedtls.sh linux-x64|linux-arm64}
case $rid in
  linux-x64) target=x86_64-linux-gnu; ar=ar ;;
  linux-arm64) target=aarch64-linux-gnu; ar=aarch64-linux-gnu-ar ;;
  *) echo "unknown rid $rid" >&2; exit 2 ;;
esac
# MBEDTLS_TARBALL: the source elsewhere (a checkout outside the work tree, as build/check-reproducible.sh makes).
tarball=${MBEDTLS_TARBALL:-$root/../shared/tls/mbedtls-3.6.6.tar.gz}
out=$root/out/tls/$rid
lib=$out/libdmtls.a
stamp=$(cat "$tarball" "$root/build/tls/config.h" "$root/build/tls/dmtls.c" "$0" | sha256sum | cut -d' ' -f1)
if [ -f "$lib" ] && [ "$(cat "$out/stamp" 2>/dev/null)" = "$stamp" ]; then
  exit 0
fi

src=$root/out/tls/src
if [ ! -f "$src/.complete" ] || [ "$(cat "$src/.complete")" != "$(sha256sum <"$tarball")" ]; then
  rm -rf "$src"; mkdir -p "$src"
  tar -xzf "$tarball" -C "$src" --strip-components=1
  sha256sum <"$tarball" >"$src/.complete"
fi

rm -rf "$out"; mkdir -p "$out/obj"
flags=(--target=$target -Os -g0 -fPIC -ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables
  -fdebug-prefix-map="$root"=/src -ffile-prefix-map="$root"=/src -Wno-unused-command-line-argument
  -I"$src/include" -I"$src/library" -DMBEDTLS_CONFIG_FILE="\"$root/build/tls/config.h\"")
# Objects are named after their sources and archived in sorted order.
files=()
for f in "$src"/library/*.c; do files+=("$f"); done
files+=("$root/build/tls/dmtls.c")
printf '%s\n' "${files[@]}" | sort | xargs -P 2 -I{} sh -c 'clang "$@" -c "{}" -o "'"$out"'/obj/$(basename "{}" .c).o"' _ "${flags[@]}"
(cd "$out/obj" && ls *.o | LC_ALL=C sort | xargs $ar rcsD "$lib")
rm -rf "$out/obj"
echo "$stamp" >"$out/stamp"
ls -l "$lib"
