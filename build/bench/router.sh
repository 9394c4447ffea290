# Sourced by bench.sh: the path a router takes, under a web server that runs three CGIs at once as
# uhttpd -n 3 does (lighttpd), with a LuCI session from rpcd (the stand-ins; build/router-run.sh),
# against the daemon of bench.sh.
#   (g) container/list over HTTP: dockerman with the session, a sh+curl CGI under the same server
#       (no auth), and curl straight to the socket; then BENCH_ROUTER_RUNS 512 MiB exports and
#       put_archives through that server with the session, beside the sh+curl CGI and the direct socket.
#       Where the time over the direct socket goes: the C CGI that prints a fixed reply under the
#       same server (its fork, exec and relay), and dockerman by hand (hyperfine) with and without
#       the session check against the same rpcd.
#   (h) docker.container list as the pages make it: a JSON-RPC call to /ubus (uhttpd's), rpcd
#       running dockerman as its plugin, beside the same list over the HTTP route and the socket.
# Uses from bench.sh: dir, sock, small_rounds, small_batch, big_mib, record_stats, rotate, log, write_sh_cgi,
# small_calls, hf, hf_rounds, gw, url_for and curl_on (which know the paths sh_uh, dm_uh, rpc_uh
# and floor_uh).
router_runs=${BENCH_ROUTER_RUNS:-5}
ow=$dir/ow
log "(g) and (h): starting lighttpd and the stand-ins for ubusd, rpcd and /ubus"
stop_router() { "$root/build/router-run.sh" stop "$ow" >/dev/null 2>&1 || true; }
trap 'stop_router; cleanup' EXIT
DOCKERMAN_BIN=$bin "$root/build/router-run.sh" start "$ow" "unix://$sock"
ow_port=$(cat "$ow/port")
ow_sid=$("$root/build/router-run.sh" login "$ow")
write_sh_cgi "$ow/www/cgi-bin/docker.sh" "$sock"
cp "$dir/floorcgi" "$ow/www/cgi-bin/floor"
ow_auth=(-H "Authorization: Bearer $ow_sid")
# The JSON-RPC call LuCI's rpc.declare() sends for docker.container list.
printf '{"jsonrpc":"2.0","id":1,"method":"call","params":["%s","docker.container","list",{"query":{"all":true}}]}' \
    "$ow_sid" >"$dir/rpc-list.json"

router_paths=(direct sh_uh dm_uh rpc_uh floor_uh)
for p in direct sh_uh dm_uh rpc_uh; do
    curl_on "$p" -s -o "$dir/check.json" "$(url_for "$p" /containers/json?all=1 /container/list?all=1)"
    # rpc: {"result":[0,{"code":200,"headers":…,"body":[…]}]}
    grep -q '"Id"' "$dir/check.json" && { [ "$p" != rpc_uh ] || grep -q '"code":200' "$dir/check.json"; } || {
        echo "bench: $p under the router's server does not answer container/list:" >&2
        head -c 600 "$dir/check.json" >&2
        tail -n 5 "$ow"/*.log >&2 || true
        exit 1
    }
done

# router.small: a new connection for each request (Connection: close), as a client without
# keep-alive makes them; router.ka: one kept-alive connection per batch, as a browser holds one.
# The server closes each connection after its request (server.max-keep-alive-requests 0, as
# RouterStack runs it), so a kept-alive client opens the next connection when it sees the close.
log "(g) and (h): container/list, $small_rounds rounds of $small_batch requests per path, a connection each"
small_calls router.small "$small_rounds" "${router_paths[@]}" -- -H 'Connection: close'
ka_rounds=$(((small_rounds + 2) / 3))
log "(g) and (h): the same on kept-alive connections, $ka_rounds rounds"
small_calls router.ka "$ka_rounds" "${router_paths[@]}"

# The same request by hand, no web server: dockerman alone against this daemon, and with the
# session checked against this rpcd (what the web server adds is then the rest).
mkdir -p "$ow/luci-byhand"
printf "config dockerman 'main'\n\toption auth 'luci'\n\toption ubus_socket '%s'\n" "$ow/ubus.sock" >"$ow/luci-byhand/dockerman"
log "(g) by hand: dockerman with and without the session check against rpcd, $hf_runs runs each"
byhand=(REQUEST_METHOD=GET PATH_INFO=/admin/docker/container/list QUERY_STRING=all=1 DOCKER_HOST="unix://$sock")
for ((r = 0; r < hf_rounds; r++)); do
    for id in $(rotate "$r" router.hf.none router.hf.luci); do
        case $id in
            router.hf.none) hf "$id" "$bin" "${byhand[@]}" DOCKERMAN_CONFIG_DIR="$dir/none" ;;
            router.hf.luci) hf "$id" "$bin" "${byhand[@]}" "${gw[@]}" DOCKERMAN_CONFIG_DIR="$ow/luci-byhand" HTTP_AUTHORIZATION="Bearer $ow_sid" ;;
        esac
    done
done
env -i "${byhand[@]}" "${gw[@]}" DOCKERMAN_CONFIG_DIR="$ow/luci-byhand" HTTP_AUTHORIZATION="Bearer $ow_sid" "$bin" | head -1 | grep -q '^Status: 200' || {
    echo "bench: dockerman by hand with rpcd's session check did not answer 200" >&2
    exit 1
}
for id in router.hf.none router.hf.luci; do
    record_stats "$id" "$dir/hf.$id.ms" ms
done

big_paths=(direct sh_uh dm_uh)
log "(g) $big_mib MiB export and put_archive through the router's server: $router_runs runs per path"
for ((r = 0; r < router_runs; r++)); do
    for p in $(rotate "$r" "${big_paths[@]}"); do
        url=$(url_for "$p" "/containers/big$big_mib/export" "/container/export/big$big_mib")
        read -r code bytes secs < <(curl_on "$p" -s -o /dev/null -w '%{http_code} %{size_download} %{time_total}\n' "$url")
        [ "$code" = 200 ] && [ "$bytes" -gt $((big_mib * 1048576)) ] || {
            echo "bench: $p export under the router's server: HTTP $code, $bytes bytes" >&2
            exit 1
        }
        echo "$bytes $secs" | awk '{ print $1 / 1048576 / $2 }' >>"$dir/router.export.$p"

        url=$(url_for "$p" "/containers/sink/archive?path=/tmp" "/container/put_archive/sink?path=/tmp")
        read -r code bytes secs < <(curl_on "$p" -s -o "$dir/put.reply" -w '%{http_code} %{size_upload} %{time_total}\n' \
            -X PUT -H 'Expect:' -H 'Content-Type: application/x-tar' -T "$dir/put.tar" "$url")
        [ "$code" = 200 ] && [ "$bytes" = "$big_len" ] || {
            echo "bench: $p put_archive under the router's server: HTTP $code, $bytes bytes sent; reply:" >&2
            cat "$dir/put.reply" >&2
            exit 1
        }
        echo "$bytes $secs" | awk '{ print $1 / 1048576 / $2 }' >>"$dir/router.put.$p"
    done
done
for p in "${big_paths[@]}"; do
    record_stats "router.export.$p" "$dir/router.export.$p" MiB/s
    record_stats "router.put.$p" "$dir/router.put.$p" MiB/s
done
stop_router
trap cleanup EXIT
