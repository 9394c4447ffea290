# Sourced by the package builders (build/mkipk.sh): what goes into a package, in one place, so
# that every package of one commit holds the same payload and the same scripts.
#   $pkg_root          the repository
#   $pkg_version       <Version> from Directory.Build.props (its one home)
#   $pkg_epoch         SOURCE_DATE_EPOCH, or the last commit's time
#   pkg_rid ARCH       the runtime identifier whose binary serves an OpenWrt architecture
#   pkg_stage DIR ARCH fills DIR (created) with the files the package installs
#   pkg_scripts        the maintainer scripts there are, of preinst postinst prerm postrm
pkg_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
pkg_version=$(sed -n 's|.*<Version>\([^<]*\)</Version>.*|\1|p' "$pkg_root/Directory.Build.props" | head -1)
[ -n "$pkg_version" ] || { echo "package: no <Version> in Directory.Build.props" >&2; exit 1; }
pkg_epoch=${SOURCE_DATE_EPOCH:-$(git -C "$pkg_root" log -1 --format=%ct 2>/dev/null || true)}
[ -n "$pkg_epoch" ] || { echo "package: set SOURCE_DATE_EPOCH (no git history here)" >&2; exit 1; }

pkg_rid() {
    case $1 in
    x86_64) echo linux-x64 ;;
    aarch64_*) echo linux-arm64 ;; # one armv8.0 binary serves every aarch64 target
    *) echo "package: unknown architecture '$1'" >&2; return 1 ;;
    esac
}

# Everything under opkg/files (files, folders, symbolic links as they are) plus the published
# binary as /www/cgi-bin/dockerman. Modes are set one by one so that neither the umask nor the
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
}

pkg_scripts() {
    local s
    for s in preinst postinst prerm postrm; do
        [ -f "$pkg_root/opkg/$s" ] && echo "$s"
    done
    return 0
}
