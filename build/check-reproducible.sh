#!/usr/bin/env bash
# Builds the committed HEAD twice, in two checkouts at different paths, and compares the
# binaries, the packages and the feed byte for byte: the same commit must give the same bytes.
# Unsigned: ECDSA signatures (apk) draw a new nonce each time (Debian's openssl 3.0 has no
# RFC 6979 option), so only the unsigned bytes can match; the tests check that a signed package
# differs from another signing of it in its SIG block alone.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for side in a bb; do
    git clone -q "$root" "$work/$side"
    # the packages and the feed, and so both binaries
    env -u APK_SIGN_KEY -u OPKG_SIGN_KEY make -C "$work/$side" -s ipk apk feed >/dev/null
done
status=0
# The file names come from the first build (the caller's own out/ may hold more, signed files).
cd "$work/a"
for f in out/linux-x64/dockerman out/linux-arm64/dockerman out/*.ipk out/apk/*/*.apk out/feed/*/*/*; do
    if cmp -s "$f" "$work/bb/$f"; then
        echo "same: $f $(sha256sum <"$f" | cut -c1-16)"
    else
        echo "DIFFERENT: $f" >&2
        status=1
    fi
done
cd /
exit $status
