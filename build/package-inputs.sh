# Sourced by the package builders (build/mkipk.sh, build/mkapk.sh): what goes into a package, in
# one place, so that the .ipk and the .apk of one commit hold the same payload and the same scripts.
#   $pkg_root          the repository
#   $pkg_version       <Version> from Directory.Build.props (its one home)
#   $pkg_epoch         SOURCE_DATE_EPOCH, else the last commit's time, else (a tree without git
#                      history, such as a release tarball) pkg_version_epoch of the version
#   pkg_version_epoch V  the date fixed by version V: 2000-01-01 00:00 UTC plus one day per patch
#                      release, 100 per minor and 10000 per major (0.1.0 -> 2000-04-10)
#   pkg_rid ARCH       the runtime identifier whose binary serves an OpenWrt architecture
#   pkg_stage DIR ARCH fills DIR (created) with the files the package installs
#   pkg_scripts        the maintainer scripts there are, of preinst postinst prerm postrm
pkg_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
pkg_version=$(sed -n 's|.*<Version>\([^<]*\)</Version>.*|\1|p' "$pkg_root/Directory.Build.props" | head -1)
[ -n "$pkg_version" ] || { echo "package: no <Version> in Directory.Build.props" >&2; exit 1; }

pkg_version_epoch() {
    local major minor patch
    [[ $1 =~ ^([0-9]+)\.([0-9]+)\.([0-9]+) ]] || { echo "package: version '$1' is not N.N.N" >&2; return 1; }
    major=$((10#${BASH_REMATCH[1]})) minor=$((10#${BASH_REMATCH[2]})) patch=$((10#${BASH_REMATCH[3]}))
    [ "$minor" -lt 100 ] && [ "$patch" -lt 100 ] || { echo "package: version '$1': minor and patch must be < 100" >&2; return 1; }
    echo $((946684800 + 86400 * (major * 10000 + minor * 100 + patch)))
}

# Only the repository's own history counts: a tarball unpacked inside another checkout has none.
pkg_epoch=${SOURCE_DATE_EPOCH:-}
if [ -z "$pkg_epoch" ] && [ "$(git -C "$pkg_root" rev-parse --show-toplevel 2>/dev/null)" = "$pkg_root" ]; then
    pkg_epoch=$(git -C "$pkg_root" log -1 --format=%ct 2>/dev/null || true)
fi
[ -n "$pkg_epoch" ] || pkg_epoch=$(pkg_version_epoch "$pkg_version") || exit 1

pkg_rid() {
    case $1 in
    x86_64) echo linux-x64 ;;
    aarch64_*) echo linux-arm64 ;; # one armv8.0 binary serves every aarch64 target
    *) echo "package: unknown architecture '$1'" >&2; return 1 ;;
    esac
}

# Everything under opkg/files (files, folders, symbolic links as they are) plus the published
# binary as /www/cgi-bin/dockerman and the console page's files (console/) under /www/dockerman/.
# Modes are set one by one so that neither the umask nor the
# checkout matters: folders 0755, UCI files under /etc/config 0600 (OpenWrt's INSTALL_CONF),
# files that are executable in the checkout 0755, all others 0644.
pkg_stage() {
    local dir=$1 arch=$2 rid bin rel src
    rid=$(pkg_rid "$arch")
    bin=$pkg_root/out/$rid/dockerman
    [ -x "$bin" ] || { echo "package: $bin is missing (make build / make arm64)" >&2; return 1; }
    install -d -m 0755 "$dir"
    while IFS= read -r -d '' rel; do
        rel=${rel#./}
        src=$pkg_root/opkg/files/$rel
        if [ -L "$src" ]; then
            cp -P "$src" "$dir/$rel"
        elif [ -d "$src" ]; then
            install -d -m 0755 "$dir/$rel"
        elif [[ $rel == etc/config/* ]]; then
            install -m 0600 "$src" "$dir/$rel"
        elif [ -x "$src" ]; then
            install -m 0755 "$src" "$dir/$rel"
        else
            install -m 0644 "$src" "$dir/$rel"
        fi
    done < <(cd "$pkg_root/opkg/files" && find . -mindepth 1 -print0 | LC_ALL=C sort -z)
    install -d -m 0755 "$dir/www" "$dir/www/cgi-bin"
    install -m 0755 "$bin" "$dir/www/cgi-bin/dockerman"
    # The console page (console/), served by uhttpd as /dockerman/.
    install -d -m 0755 "$dir/www/dockerman"
    for src in "$pkg_root"/console/*; do
        install -m 0644 "$src" "$dir/www/dockerman/${src##*/}"
    done
}

pkg_scripts() {
    local s
    for s in preinst postinst prerm postrm; do
        [ -f "$pkg_root/opkg/$s" ] && echo "$s"
    done
    return 0
}
