#!/usr/bin/env bash
# Builds the committed HEAD twice, in two checkouts at different paths, and compares the
# binaries and the packages byte for byte: the same commit must give the same bytes.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for side in a bb; do
    git clone -q "$root" "$work/$side"
    make -C "$work/$side" -s ipk >/dev/null # the packages, and so both binaries
done
status=0
for f in out/linux-x64/dockerman out/linux-arm64/dockerman out/*.ipk; do
    for path in "$work"/a/$f; do
        rel=${path#"$work/a/"}
        if cmp -s "$path" "$work/bb/$rel"; then
            echo "same: $rel $(sha256sum <"$path" | cut -c1-16)"
        else
            echo "DIFFERENT: $rel" >&2
            status=1
        fi
    done
done
exit $status
