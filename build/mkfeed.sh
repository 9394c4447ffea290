#!/usr/bin/env bash
# Writes a package feed that routers install and upgrade from, one folder per architecture:
#   out/feed/apk/<arch>/  dockerman-<version>-r1.apk and packages.adb (OpenWrt 25.12, apk)
#   out/feed/ipk/<arch>/  dockerman_<version>_<arch>.ipk, Packages, Packages.gz, Packages.sig
#                         (OpenWrt 24.10 and older, opkg)
#   out/feed/keys/        dockerman.pem (apk's public key), <fingerprint> (usign's public key)
#   build/mkfeed.sh [ARCH...]   (default: x86_64 aarch64_generic aarch64_cortex-a53;
#                               MKFEED_OUT replaces out/feed)
# APK_SIGN_KEY=<PEM private key, ECDSA P-256> signs the .apk files and each packages.adb.
# OPKG_SIGN_KEY=<signify secret key, no passphrase> signs each Packages (Packages.sig); its public
# key is OPKG_SIGN_PUBKEY, or the .pub beside the .sec as signify -G writes them.
# Without a key that half of the feed is unsigned: apk refuses the index without
# --allow-untrusted, opkg with check_signature (OpenWrt's default) drops the list.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
feed=$(realpath -m "${MKFEED_OUT:-$root/out/feed}") # the builders it runs work from $root
version=$(sed -n 's|.*<Version>\([^<]*\)</Version>.*|\1|p' "$root/Directory.Build.props" | head -1)
ndx_sign=()
if [ -n "${APK_SIGN_KEY:-}" ]; then
    ndx_sign=(--sign-key "$APK_SIGN_KEY")
else
    echo "mkfeed: no APK_SIGN_KEY: the apk feed is unsigned" >&2
fi
opkg_pub=
if [ -n "${OPKG_SIGN_KEY:-}" ]; then
    opkg_pub=${OPKG_SIGN_PUBKEY:-${OPKG_SIGN_KEY%.sec}.pub}
    [ -r "$opkg_pub" ] || { echo "mkfeed: no public key $opkg_pub for OPKG_SIGN_KEY (set OPKG_SIGN_PUBKEY)" >&2; exit 1; }
else
    echo "mkfeed: no OPKG_SIGN_KEY: the opkg feed has no Packages.sig" >&2
fi


# The opkg index, as OpenWrt's scripts/ipkg-make-index.sh writes it: each package's control
# file with Filename, Size and SHA256sum before its Description, and a blank line after it.
packages_index() {
    local dir=$1 ipk name
    for ipk in "$dir"/*.ipk; do
        name=$(basename "$ipk")
        tar -xzOf "$ipk" ./control.tar.gz | tar -xzOf - ./control |
            awk -v f="$name" -v s="$(stat -c %s "$ipk")" -v h="$(sha256sum <"$ipk" | cut -d' ' -f1)" '
                /^Description:/ { print "Filename: " f; print "Size: " s; print "SHA256sum: " h }
                { print }'
        echo
    done
}

build_arch() {
    local arch=$1 apkdir=$feed/apk/$1 ipkdir=$feed/ipk/$1
    rm -rf "$apkdir" "$ipkdir"
    mkdir -p "$apkdir" "$ipkdir"
    MKAPK_OUT=$feed/apk "$root/build/mkapk.sh" "$arch" >/dev/null
    /usr/bin/python3 -B "$root/build/apk/mkndx.py" "${ndx_sign[@]}" --description "dockerman $version $arch" \
        --output "$apkdir/packages.adb" "$apkdir"/*.apk
    MKIPK_OUT=$ipkdir "$root/build/mkipk.sh" "$arch" >/dev/null
    packages_index "$ipkdir" >"$ipkdir/Packages"
    gzip -9n <"$ipkdir/Packages" >"$ipkdir/Packages.gz"
    if [ -n "$opkg_pub" ]; then
        signify-openbsd -S -s "$OPKG_SIGN_KEY" -m "$ipkdir/Packages" -x "$ipkdir/Packages.sig"
        signify-openbsd -V -q -p "$opkg_pub" -m "$ipkdir/Packages" -x "$ipkdir/Packages.sig" ||
            { echo "mkfeed: $opkg_pub does not verify what OPKG_SIGN_KEY signed" >&2; exit 1; }
    fi
    echo "$apkdir: $(cd "$apkdir" && echo *)"
    echo "$ipkdir: $(cd "$ipkdir" && echo *)"
}

archs=("$@")
[ ${#archs[@]} -gt 0 ] || archs=(x86_64 aarch64_generic aarch64_cortex-a53)
rm -rf "$feed/keys"
mkdir -p "$feed/keys"
[ -z "${APK_SIGN_KEY:-}" ] || openssl pkey -in "$APK_SIGN_KEY" -pubout -out "$feed/keys/dockerman.pem"
[ -z "$opkg_pub" ] || install -m 0644 "$opkg_pub" "$feed/keys/$("$root/build/usign-fingerprint.sh" "$opkg_pub")"
for a in "${archs[@]}"; do
    build_arch "$a"
done
