#!/usr/bin/env bash
# Makes throwaway signing keys for make test's feed in DIR (default out/test-keys), once:
#   apk.pem               ECDSA P-256 private key (the key type of OpenWrt 25.12's own builds)
#   opkg.sec, opkg.pub    signify (Ed25519) pair without a passphrase, the format usign reads
# They sign nothing that leaves the machine; a real feed uses keys kept elsewhere.
set -euo pipefail
dir=${1:-$(cd "$(dirname "$0")/.." && pwd)/out/test-keys}
mkdir -p "$dir"
[ -s "$dir/apk.pem" ] || openssl ecparam -name prime256v1 -genkey -noout -out "$dir/apk.pem"
[ -s "$dir/opkg.sec" ] || signify-openbsd -G -n -c "dockerman test feed" -p "$dir/opkg.pub" -s "$dir/opkg.sec"
