#!/bin/bash
# The TLS shim build/tls/dmtls.c, compiled against Debian's libmbedtls-dev headers into
# out/tls/<rid>/libdmtls.a. The program links it with Debian's own static mbedTLS archives
# (libmbedtls.a, libmbedx509.a, libmbedcrypto.a of the package for that architecture: Cgi.csproj).
# Usage: build/tls.sh linux-x64|linux-arm64. Reproducible: no paths in the object, a deterministic archive.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
rid=${1:?usage: build/tls.sh linux-x64|linux-arm64}
case $rid in
  linux-x64) target=x86_64-linux-gnu; ar=ar ;;
  linux-arm64) target=aarch64-linux-gnu; ar=aarch64-linux-gnu-ar ;;
  *) echo "unknown rid $rid" >&2; exit 2 ;;
esac
for a in libmbedtls.a libmbedx509.a libmbedcrypto.a; do
  [ -f "/usr/lib/$target/$a" ] || { echo "build/tls.sh: /usr/lib/$target/$a missing: install libmbedtls-dev for $target (make toolchain)" >&2; exit 1; }
done
out=$root/out/tls/$rid
mkdir -p "$out"
clang --target=$target -O2 -g0 -Wall -Wextra -Werror -ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables \
  -ffile-prefix-map="$root"=/src -c "$root/build/tls/dmtls.c" -o "$out/dmtls.o"
rm -f "$out/libdmtls.a"
$ar rcsD "$out/libdmtls.a" "$out/dmtls.o"
rm -f "$out/dmtls.o"
