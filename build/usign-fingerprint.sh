#!/bin/sh
# Prints the name usign looks a key up by in /etc/opkg/keys: the 8-byte fingerprint of a
# usign/signify public key, secret key or signature file, read big-endian and printed as
# %PRIx64, that is lower-case hex without leading zeros (openwrt/usign main.c, fingerprint_u64).
# A public key's payload is "Ed", the fingerprint, the key; a secret key's has 32 (algorithms, KDF rounds, salt, checksum) before it.
#   build/usign-fingerprint.sh FILE
set -eu
skip=2
[ "$(sed -n 2p "$1" | base64 -d | head -c 4)" = "EdBK" ] && skip=32
hex=$(sed -n 2p "$1" | base64 -d | od -An -tx1 -j$skip -N8 | tr -d ' \n' | sed 's/^0*//')
echo "${hex:-0}"
