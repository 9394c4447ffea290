#!/usr/bin/env bash
# Writes out/size-report.txt: for each published binary its size against the 3.5 MiB budget,
# its largest sections, and the biggest contributors by component and by symbol (read from
# the symbol file dockerman.dbg that the publish step keeps next to the stripped binary).
# Run it (make size) before and after a change to see what grew.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
budget=$((3584 * 1024)) # 3.5 MiB
report=$root/out/size-report.txt
mkdir -p "$root/out"
# mawk has no strtonum: a hex-to-number function for the awk programs below.
hex='function hex(s,  i, n) { n = 0; s = tolower(s); for (i = 1; i <= length(s); i++) n = n * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1; return n }'

one() {
    local rid=$1 prefix=$2 bin dbg size
    bin=$root/out/$rid/dockerman
    dbg=$root/out/$rid/dockerman.dbg
    [ -f "$bin" ] || { echo "== $rid: not built"; echo; return; }
    size=$(stat -c %s "$bin")
    echo "== $rid: $size bytes ($(awk -v s="$size" -v b="$budget" 'BEGIN { printf "%.1f%% of the %d-byte budget", 100 * s / b, b }'))"
    [ "$size" -le "$budget" ] || echo "!! over budget by $((size - budget)) bytes"
    echo
    echo "-- largest sections (bytes)"
    readelf -S -W "$bin" | sed -n 's/^ *\[ *[0-9]*\] //p' | awk "$hex"'
        { size = hex($5); if (size > 0 && $2 != "NOBITS") print size, $1 }' |
        sort -rn | sed -n 1,12p | awk '{ printf "%10d  %s\n", $1, $2 }'
    echo
    if [ ! -f "$dbg" ]; then
        echo "(no $dbg: contributors unknown)"
        echo
        return
    fi
    # Managed code is named <assembly>_<namespace>_..., e.g. S_P_CoreLib_System_..., and
    # dockerman_Dockerman_Relay_...; the rest is the runtime (C++, WKS:: = the GC) and libc.
    "${prefix}nm" -S --size-sort -C "$dbg" 2>/dev/null | awk "$hex"'
        NF >= 4 && $3 !~ /^[bB]$/ {
            size = hex($2); name = $4; for (i = 5; i <= NF; i++) name = name " " $i
            if (name ~ /^dockerman_Dockerman_/) { split(name, p, "_"); group = "dockerman " p[3] }
            else if (name ~ /^(unbox_)?S_P_CoreLib_/) group = "System.Private.CoreLib"
            else if (name ~ /^(unbox_)?S_P_/) { sub(/^unbox_/, "", name); split(name, p, "_"); group = "System.Private." p[3] }
            else if (name ~ /^(unbox_)?System_/) {
                n = name; sub(/^unbox_/, "", n)
                # The assembly name ends where the namespace starts again (System_Net_Sockets_System_...).
                if (match(n, /_(System|Interop|Internal|Microsoft)_/)) n = substr(n, 1, RSTART - 1)
                gsub(/_/, ".", n); group = n
            }
            else if (name ~ /::|^WKS|^SVR|^Rhp|^Rh|^g_|^Pal|^RhP/) group = "runtime (native)"
            else group = "libc and other native"
            total[group] += size
            print size, name > "/dev/stderr"
        }
        END { for (g in total) printf "%10d  %s\n", total[g], g }' 2>"$dbg.syms" | sort -rn >"$dbg.groups"
    echo "-- contributors by component (bytes of code and data symbols; .bss left out)"
    sed -n 1,25p "$dbg.groups"
    echo
    echo "-- largest symbols"
    sort -rn "$dbg.syms" | sed -n 1,25p | awk '{ s = $1; $1 = ""; printf "%10d %s\n", s, $0 }'
    rm -f "$dbg.syms" "$dbg.groups"
    echo
}

{
    echo "dockerman binary sizes — $(date -u +%Y-%m-%d) $(git -C "$root" rev-parse --short HEAD 2>/dev/null || true)"
    echo
    one linux-x64 ""
    one linux-arm64 aarch64-linux-gnu-
} >"$report"
cat "$report"
