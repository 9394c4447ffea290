# Sourced by bench.sh: dockerman to the same daemon over TLS (the test daemon's --tlsverify port,
# certificates by build/testcerts.sh) against `curl --cacert --cert --key` straight to it.
#   (i) container/list, ms per request, by hand: dockerman over TLS, curl over TLS, dockerman over
#       the Unix socket; _ping over TLS and over the socket, whose difference is the handshake's
#       share; callgrind instructions of both pings; BENCH_TLS_RUNS 512 MiB exports over TLS.
# Uses from bench.sh: dir, bin, big_mib, hf_runs, record_stats, rotate, log, hf, cg, timed, last_time.
tls_runs=${BENCH_TLS_RUNS:-5}
tls_port=$(cat "$dir/tls-port")
certs=$dir/certs
tls_env=(DOCKER_HOST="tcp://127.0.0.1:$tls_port" DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH="$certs" DOCKERMAN_CONFIG_DIR="$dir/none")
unix_env=(DOCKER_HOST="unix://$sock" DOCKERMAN_CONFIG_DIR="$dir/none")
tls_curl=(curl -s --cacert "$certs/ca.pem" --cert "$certs/cert.pem" --key "$certs/key.pem")
list_cgi=(REQUEST_METHOD=GET PATH_INFO=/admin/docker/container/list QUERY_STRING=all=1)
ping_cgi=(REQUEST_METHOD=GET PATH_INFO=/admin/docker/ping QUERY_STRING=)

for v in tls unix; do
    if [ $v = tls ]; then e=("${tls_env[@]}"); else e=("${unix_env[@]}"); fi
    env -i PATH=/usr/bin:/bin "${e[@]}" "${list_cgi[@]}" "$bin" | head -1 | grep -q '^Status: 200' || {
        echo "bench: dockerman over $v does not answer container/list" >&2
        exit 1
    }
done
"${tls_curl[@]}" -f "https://127.0.0.1:$tls_port/containers/json?all=1" | grep -q '"Id"' || {
    echo "bench: curl over TLS does not answer /containers/json" >&2
    exit 1
}

log "(i) TLS: container/list and _ping, $hf_runs runs each"
tls_ids=(tls.list.dm tls.list.curl tls.list.dm_unix tls.ping.dm tls.ping.dm_unix)
for ((r = 0; r < hf_rounds; r++)); do
    for id in $(rotate "$r" "${tls_ids[@]}"); do
        case $id in
            tls.list.dm) hf "$id" "$bin" "${tls_env[@]}" "${list_cgi[@]}" ;;
            tls.list.curl) hf "$id" "${tls_curl[*]} https://127.0.0.1:$tls_port/containers/json?all=1" ;;
            tls.list.dm_unix) hf "$id" "$bin" "${unix_env[@]}" "${list_cgi[@]}" ;;
            tls.ping.dm) hf "$id" "$bin" "${tls_env[@]}" "${ping_cgi[@]}" ;;
            tls.ping.dm_unix) hf "$id" "$bin" "${unix_env[@]}" "${ping_cgi[@]}" ;;
        esac
    done
done
for id in "${tls_ids[@]}"; do
    record_stats "$id" "$dir/hf.$id.ms" ms
done

if command -v valgrind >/dev/null; then
    cg cg.tls.ping.tls "${tls_env[@]}" "${ping_cgi[@]}"
    cg cg.tls.ping.unix "${unix_env[@]}" "${ping_cgi[@]}"
fi

log "(i) TLS: $big_mib MiB export, $tls_runs runs each"
tls_export() { # dm | curl | dm_unix
    case $1 in
        dm) env -i PATH=/usr/bin:/bin "${tls_env[@]}" REQUEST_METHOD=GET PATH_INFO="/admin/docker/container/export/big$big_mib" \
            "${timed[@]}" "$bin" | wc -c >"$dir/tls.bytes" ;;
        dm_unix) env -i PATH=/usr/bin:/bin "${unix_env[@]}" REQUEST_METHOD=GET PATH_INFO="/admin/docker/container/export/big$big_mib" \
            "${timed[@]}" "$bin" | wc -c >"$dir/tls.bytes" ;;
        curl) "${timed[@]}" "${tls_curl[@]}" "https://127.0.0.1:$tls_port/containers/big$big_mib/export" | wc -c >"$dir/tls.bytes" ;;
    esac
    [ "$(cat "$dir/tls.bytes")" -gt $((big_mib * 1048576)) ] || { echo "bench: $1 TLS export: $(cat "$dir/tls.bytes") bytes" >&2; exit 1; }
    last_time | awk -v m="$big_mib" -v f="$dir/tls.export.$1" '{ print m / $2 >> (f ".rate"); print $1 / 1024 >> (f ".rss") }'
}
for ((r = 0; r < tls_runs; r++)); do
    for v in $(rotate "$r" dm curl dm_unix); do
        tls_export "$v"
    done
done
for v in dm curl dm_unix; do
    record_stats "tls.export.$v" "$dir/tls.export.$v.rate" MiB/s
    record_stats "tls.rss.$v" "$dir/tls.export.$v.rss" MiB
done
