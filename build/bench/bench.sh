#!/usr/bin/env bash
# Benchmarks: dockerman against the direct socket and the alternatives, side by side in one run,
# on one private dockerd. Writes out/bench/results.md and out/bench/chart.svg (build/bench/report.py).
# `make bench` builds both binaries first and installs what is missing; run alone it needs them.
#
#   paths compared, all to the same daemon:
#     direct        curl --unix-socket straight to the daemon (the limit)
#     nginx         nginx as a reverse proxy to the daemon's socket
#     sh+curl/bb    a sh CGI that runs curl --unix-socket, under busybox httpd
#     sh+curl/lt    the same script under lighttpd (mod_cgi)
#     dockerman/bb  dockerman under busybox httpd
#     dockerman/lt  dockerman under lighttpd (mod_cgi)
#   and, in build/bench/router.sh and tls.sh: under the router's web server (lighttpd running three
#   CGIs at once, as uhttpd -n 3) with a LuCI session from rpcd (the stand-ins), as rpcd's plugin, and over TLS against curl with the same certificates.
#
#   BENCH_SMALL_ROUNDS x BENCH_SMALL_BATCH  small calls per path (default 30 x 20)
#   BENCH_BIG_RUNS      512 MiB transfers per path and direction (default 11)
#   BENCH_BIG_MIB       size of the big transfers (default 512)
#   BENCH_HYPERFINE_RUNS  runs per hyperfine measurement (default 500)
#   BENCH_ROUTER_RUNS   512 MiB transfers per path under the router's server (default 5)
#   BENCH_TLS_RUNS      512 MiB exports per variant over TLS (default 5)
#   BENCH_CONSOLE_MINUTES  minutes the console page follows a container's logs (default 10)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=$root/out/linux-x64/dockerman
arm_bin=$root/out/linux-arm64/dockerman
out=$root/out/bench
small_rounds=${BENCH_SMALL_ROUNDS:-30}
small_batch=${BENCH_SMALL_BATCH:-20}
big_runs=${BENCH_BIG_RUNS:-11}
big_mib=${BENCH_BIG_MIB:-512}
hf_runs=${BENCH_HYPERFINE_RUNS:-500}

[ -x "$bin" ] || { echo "bench: $bin is missing: run 'make bench' (it builds first)" >&2; exit 1; }
for tool in busybox curl nginx lighttpd hyperfine cc python3 tar /usr/bin/time; do
    command -v "$tool" >/dev/null || { echo "bench: $tool not found: run 'make bench' (it installs what it needs)" >&2; exit 1; }
done

# Short directory: it holds Unix sockets (108-byte path limit).
dir=$(mktemp -d /tmp/dmbench.XXXXXX)
# The web servers spool request bodies to temporary files (nginx always, lighttpd when the CGI falls
# behind). On OpenWrt those live in /tmp, which is RAM: here they get RAM too, when /dev/shm has room
# for two whole uploads (a container's /dev/shm is often 64 MiB), else the disk.
spool=
if [ "$(df --output=avail -k /dev/shm 2>/dev/null | tail -1)" -gt $((2 * big_mib * 1024 + 65536)) ] 2>/dev/null; then
    spool=$(mktemp -d /dev/shm/dmbench.XXXXXX 2>/dev/null) || spool=
fi
[ -n "$spool" ] || spool=$(mktemp -d "$dir/spool.XXXXXX")
pids=()
cleanup() {
    trap - EXIT INT TERM
    for p in "${pids[@]}"; do
        kill "$p" 2>/dev/null || true
    done
    for p in "${pids[@]}"; do
        wait "$p" 2>/dev/null || true
    done
    "$root/build/testdaemon.sh" stop "$dir" >/dev/null 2>&1 || true
    rm -rf "$dir" "$spool" 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { printf 'bench: %s\n' "$*" >&2; }
mkdir -p "$out"
results=$dir/results.tsv
: >"$results"
# One measurement: id, median, min, max, unit, samples.
record() { printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$results"; }
# Median, min and max of the numbers in a file (one per line), scaled by $2.
stats() {
    sort -g "$1" | awk -v k="${2:-1}" '{ v[NR] = $1 * k }
        END { if (NR == 0) { print "nan nan nan 0"; exit }
              m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
              printf "%.6g %.6g %.6g %d\n", m, v[1], v[NR], NR }'
}

# One measurement from a file of samples: id, file, unit[, scale].
record_stats() {
    local med lo hi n
    read -r med lo hi n < <(stats "$2" "${4:-1}")
    record "$1" "$med" "$lo" "$hi" "$3" "$n"
}

log "working in $dir"
cc -O2 -Wall -o "$dir/stubd" "$root/build/bench/stubd.c"
cc -O2 -Wall -o "$dir/fakeubusd" "$root/build/bench/fakeubusd.c"
cc -O2 -Wall -static -o "$dir/floorcgi" "$root/build/bench/floorcgi.c"

# ---------------------------------------------------------------- the daemon and its containers
log "starting a private dockerd"
"$root/build/testdaemon.sh" start "$dir"
sock=$dir/docker.sock
api() { curl -sf --unix-socket "$sock" "$@"; }
# A stopped container holding /data/big of $2 MiB written by dd.
make_filled() {
    api -X POST -H 'Content-Type: application/json' "http://d/containers/create?name=$1" \
        -d "{\"Image\":\"testbox:1\",\"Cmd\":[\"dd\",\"if=/dev/zero\",\"of=/data/big\",\"bs=1M\",\"count=$2\"],\"NetworkDisabled\":true}" >/dev/null
    api -X POST "http://d/containers/$1/start" >/dev/null
    api -X POST "http://d/containers/$1/wait" >/dev/null
}
log "creating containers with 64, $big_mib and 1024 MiB files"
make_filled big64 64
make_filled big$big_mib "$big_mib"
[ "$big_mib" = 1024 ] || make_filled big1024 1024
api -X POST -H 'Content-Type: application/json' 'http://d/containers/create?name=sink' \
    -d '{"Image":"testbox:1","Cmd":["true"],"NetworkDisabled":true}' >/dev/null

# Tar archives for put_archive: one file of zeros each, from sparse files (no disk for the source).
mkdir -p "$dir/src"
for m in 64 "$big_mib" 1024; do truncate -s "${m}M" "$dir/src/f$m"; done
tar -C "$dir/src" -cf "$dir/put.tar" "f$big_mib"
tar_len() { tar -C "$dir/src" -cf - "f$1" | wc -c; }

# ---------------------------------------------------------------- settings and the web root
conf=$dir/config
mkdir -p "$conf"
token=$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')
(umask 077 && printf '%s\n' "$token" >"$dir/token")
printf "config dockerman 'main'\n\toption auth 'token'\n\toption token_file '%s'\n" "$dir/token" >"$conf/dockerman"
printf "config globals 'globals'\n\tlist hosts 'unix://%s'\n" "$sock" >"$conf/dockerd"

www=$dir/www
mkdir -p "$www/cgi-bin"
cp "$bin" "$www/cgi-bin/dockerman"
cp "$dir/floorcgi" "$www/cgi-bin/floor"
# What a user would write: hand the path to the daemon with curl. busybox httpd gives a request
# body only to POST, so an upload arrives as POST and goes on as the PUT the daemon wants.
write_sh_cgi() {
    cat >"$1" <<EOF
#!/bin/sh
sock=$2
m=\$REQUEST_METHOD
case "\$m:\$PATH_INFO" in POST:*/archive) m=PUT ;; esac
url="http://d\$PATH_INFO\${QUERY_STRING:+?\$QUERY_STRING}"
echo "Content-Type: application/octet-stream"
echo
if [ -n "\$CONTENT_LENGTH" ]; then
    exec curl -s --unix-socket "\$sock" -X "\$m" -H "Content-Type: \$CONTENT_TYPE" -T - "\$url"
fi
exec curl -s --unix-socket "\$sock" -X "\$m" "\$url"
EOF
    chmod 755 "$1"
}
write_sh_cgi "$www/cgi-bin/docker.sh" "$sock"

# ---------------------------------------------------------------- the web servers
free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
wait_port() {
    for _ in $(seq 1 100); do
        curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$1/" && return 0
        sleep 0.1
    done
    echo "bench: nothing answers on port $1" >&2
    return 1
}
bb_port=$(free_port)
env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DOCKERMAN_CONFIG_DIR="$conf" \
    busybox httpd -f -p "127.0.0.1:$bb_port" -h "$www" 2>>"$dir/httpd.log" &
pids+=($!)

lt_port=$(free_port)
cat >"$dir/lighttpd.conf" <<EOF
server.document-root = "$www"
server.bind = "127.0.0.1"
server.port = $lt_port
server.modules = ("mod_cgi", "mod_setenv")
server.pid-file = "$dir/lighttpd.pid"
server.errorlog = "$dir/lighttpd.log"
server.upload-dirs = ("$spool")
# Stream bodies both ways instead of spooling whole uploads and downloads to temporary files.
server.stream-request-body = 2
server.stream-response-body = 2
server.max-read-idle = 600
server.max-write-idle = 600
setenv.add-environment = ("DOCKERMAN_CONFIG_DIR" => "$conf")
\$HTTP["url"] =~ "^/cgi-bin/" { cgi.assign = ("" => "") }
EOF
lighttpd -D -f "$dir/lighttpd.conf" 2>>"$dir/lighttpd.log" &
pids+=($!)

ng_port=$(free_port)
mkdir -p "$dir/nginx"
cat >"$dir/nginx.conf" <<EOF
user root;
worker_processes 1;
daemon off;
pid $dir/nginx.pid;
error_log $dir/nginx.log warn;
events { worker_connections 64; }
http {
    access_log off;
    client_body_temp_path $spool/body;
    proxy_temp_path $dir/nginx/proxy;
    fastcgi_temp_path $dir/nginx/fastcgi;
    uwsgi_temp_path $dir/nginx/uwsgi;
    scgi_temp_path $dir/nginx/scgi;
    server {
        listen 127.0.0.1:$ng_port;
        client_max_body_size 0;
        location / {
            proxy_pass http://unix:$sock:;
            proxy_http_version 1.1;
            proxy_read_timeout 600s;
        }
    }
}
EOF
nginx -p "$dir/nginx" -c "$dir/nginx.conf" 2>>"$dir/nginx.log" &
pids+=($!)
wait_port "$bb_port"
wait_port "$lt_port"
wait_port "$ng_port"

paths=(direct nginx sh_bb sh_lt dm_bb dm_lt)
auth=(-H "Authorization: Bearer $token")
# The URL of the daemon path $2 (dockerman route $3) on path $1, and the curl options it needs.
url_for() {
    case $1 in
        direct) echo "http://d$2" ;;
        nginx) echo "http://127.0.0.1:$ng_port$2" ;;
        sh_bb) echo "http://127.0.0.1:$bb_port/cgi-bin/docker.sh$2" ;;
        sh_lt) echo "http://127.0.0.1:$lt_port/cgi-bin/docker.sh$2" ;;
        dm_bb) echo "http://127.0.0.1:$bb_port/cgi-bin/dockerman/admin/docker$3" ;;
        dm_lt) echo "http://127.0.0.1:$lt_port/cgi-bin/dockerman/admin/docker$3" ;;
        floor_bb) echo "http://127.0.0.1:$bb_port/cgi-bin/floor$2" ;;
        floor_lt) echo "http://127.0.0.1:$lt_port/cgi-bin/floor$2" ;;
        # build/bench/router.sh: under the router's server, and its /ubus
        sh_uh) echo "http://127.0.0.1:$ow_port/cgi-bin/docker.sh$2" ;;
        dm_uh) echo "http://127.0.0.1:$ow_port/cgi-bin/dockerman/admin/docker$3" ;;
        floor_uh) echo "http://127.0.0.1:$ow_port/cgi-bin/floor" ;;
        rpc_uh) echo "http://127.0.0.1:$ow_port/ubus" ;;
    esac
}
curl_on() { # path, curl arguments...
    local p=$1
    shift
    case $p in
        direct) curl --unix-socket "$sock" "$@" ;;
        dm_uh) curl "${ow_auth[@]}" "$@" ;;
        dm_*) curl "${auth[@]}" "$@" ;;
        rpc_uh) curl -H 'Content-Type: application/json' --data-binary "@$dir/rpc-list.json" "$@" ;;
        *) curl "$@" ;;
    esac
}
# Each path answers a small call before anything is measured.
for p in "${paths[@]}"; do
    code=$(curl_on "$p" -s -o "$dir/check.json" -w '%{http_code}' "$(url_for "$p" /containers/json?all=1 /container/list?all=1)")
    [ "$code" = 200 ] && grep -q '"Id"' "$dir/check.json" || {
        echo "bench: $p does not answer container/list (HTTP $code):" >&2
        cat "$dir/check.json" >&2
        tail -n 5 "$dir"/*.log >&2
        exit 1
    }
done

# Rounds rotate the order of the paths, so that a slow spell of the machine is spread over all.
rotate() { # round, names...
    local r=$1 i
    shift
    for ((i = 0; i < $#; i++)); do echo "${@:$(((r + i) % $# + 1)):1}"; done
}

# ---------------------------------------------------------------- (a) a small call, end to end
# floor_*: a C program that prints a fixed reply, the least any CGI costs under that server
# (build/bench/floorcgi.c; (b) uses it too).
all_paths=("${paths[@]}" floor_bb floor_lt)
# Rounds of container/list calls, $small_batch per curl process, on each path; recorded as ID.<path>.
#   small_calls ID ROUNDS PATH... [-- CURL-ARGUMENT...]
small_calls() {
    local id=$1 rounds=$2 r p i url bad args paths=()
    shift 2
    while [ $# -gt 0 ] && [ "$1" != -- ]; do
        paths+=("$1")
        shift
    done
    [ $# -eq 0 ] || shift
    for ((r = 0; r < rounds; r++)); do
        for p in $(rotate "$r" "${paths[@]}"); do
            url=$(url_for "$p" /containers/json?all=1 /container/list?all=1)
            args=()
            for ((i = 0; i < small_batch; i++)); do args+=(-o /dev/null "$url"); done
            curl_on "$p" -s "$@" -w '%{http_code} %{time_total}\n' "${args[@]}" >>"$dir/$id.$p"
        done
    done
    for p in "${paths[@]}"; do
        bad=$(awk '$1 != 200' "$dir/$id.$p" | wc -l)
        [ "$bad" = 0 ] || { echo "bench: $p: $bad small calls failed" >&2; exit 1; }
        awk '{ print $2 }' "$dir/$id.$p" >"$dir/$id.$p.t"
        record_stats "$id.$p" "$dir/$id.$p.t" ms 1000
    done
}
log "(a) container/list: $small_rounds rounds of $small_batch requests per path"
small_calls small "$small_rounds" "${all_paths[@]}"

# ---------------------------------------------------------------- (b) big export and put_archive
# floor_*: the C CGI writing the bytes itself (export) or throwing the body away (put_archive), no
# daemon: about the most a CGI gets through that server on this machine, the server's ceiling.
big_len=$(stat -c %s "$dir/put.tar")
record config.big_mib "$big_mib" "" "" MiB 1
log "(b) $big_mib MiB export and put_archive ($big_len bytes): $big_runs runs per path"
for ((r = 0; r < big_runs; r++)); do
    for p in $(rotate "$r" "${all_paths[@]}"); do
        url=$(url_for "$p" "/containers/big$big_mib/export" "/container/export/big$big_mib")
        least=$((big_mib * 1048576 + 1))
        case $p in floor_*) url=$(url_for "$p" "/source/$big_mib") least=$((big_mib * 1048576)) ;; esac
        read -r code bytes secs < <(curl_on "$p" -s -o /dev/null -w '%{http_code} %{size_download} %{time_total}\n' "$url")
        [ "$code" = 200 ] && [ "$bytes" -ge "$least" ] || {
            echo "bench: $p export: HTTP $code, $bytes bytes" >&2
            exit 1
        }
        echo "$bytes $secs" | awk '{ print $1 / 1048576 / $2 }' >>"$dir/export.$p"

        # busybox httpd passes a request body only with POST (dockerman takes POST or PUT here).
        method=PUT
        case $p in *_bb) method=POST ;; esac
        url=$(url_for "$p" "/containers/sink/archive?path=/tmp" "/container/put_archive/sink?path=/tmp")
        case $p in floor_*) url=$(url_for "$p" /sink) ;; esac
        read -r code bytes secs < <(curl_on "$p" -s -o "$dir/put.reply" -w '%{http_code} %{size_upload} %{time_total}\n' \
            -X "$method" -H 'Expect:' -H 'Content-Type: application/x-tar' -T "$dir/put.tar" "$url")
        # The ceiling CGI answers with the number of bytes it read: the whole body, or it does not count.
        case $p in floor_*) [ "$(tr -d '\r\n' <"$dir/put.reply")" = "$big_len" ] || code="$code/short" ;; esac
        [ "$code" = 200 ] && [ "$bytes" = "$big_len" ] || {
            echo "bench: $p put_archive: HTTP $code, $bytes bytes sent; reply:" >&2
            cat "$dir/put.reply" >&2
            exit 1
        }
        echo "$bytes $secs" | awk '{ print $1 / 1048576 / $2 }' >>"$dir/put.$p"
    done
done
# The sh CGI answers 200 whatever the daemon said: check that the last upload really landed.
api "http://d/containers/sink/archive?path=/tmp/f$big_mib" -I | grep -qi 'X-Docker-Container-Path-Stat' || {
    echo "bench: put_archive did not leave /tmp/f$big_mib in the container" >&2
    exit 1
}
for p in "${all_paths[@]}"; do
    record_stats "export.$p" "$dir/export.$p" MiB/s
    record_stats "put.$p" "$dir/put.$p" MiB/s
done

# ---------------------------------------------------------------- (c) peak RSS against size
# By hand, with the CGI environment a web server gives and a pipe on each side. The same runs
# give the relay's own throughput and CPU time without a web server, beside curl's.
log "(c) dockerman's peak RSS for 64, $big_mib and 1024 MiB; the relay by hand beside curl"
cgi_env=(env -i PATH=/usr/bin:/bin DOCKER_HOST="unix://$sock")
timed=(/usr/bin/time -f '%M %e %U %S' -a -o "$dir/time.out")
last_time() { tail -1 "$dir/time.out"; } # peak KiB, wall s, user s, sys s
small_dm() { "${cgi_env[@]}" REQUEST_METHOD=GET PATH_INFO=/admin/docker/container/list "${timed[@]}" "$bin" | cat >/dev/null; }
export_dm() { # MiB
    "${cgi_env[@]}" REQUEST_METHOD=GET PATH_INFO="/admin/docker/container/export/big$1" "${timed[@]}" "$bin" | cat >/dev/null
}
put_dm() { # MiB, archive length
    tar -C "$dir/src" -cf - "f$1" | "${cgi_env[@]}" REQUEST_METHOD=PUT PATH_INFO=/admin/docker/container/put_archive/sink \
        QUERY_STRING=path=/tmp CONTENT_TYPE=application/x-tar CONTENT_LENGTH="$2" "${timed[@]}" "$bin" | cat >/dev/null
}
# The same upload as a browser sends it: the archive as the file of a multipart/form-data body.
form_head="--dmbench\r\nContent-Disposition: form-data; name=\"upload-archive\"; filename=\"f.tar\"\r\nContent-Type: application/x-tar\r\n\r\n"
form_tail="\r\n--dmbench--\r\n"
put_form_dm() { # MiB, archive length
    local len=$(($(printf %b "$form_head" | wc -c) + $2 + $(printf %b "$form_tail" | wc -c)))
    { printf %b "$form_head"; tar -C "$dir/src" -cf - "f$1"; printf %b "$form_tail"; } |
        "${cgi_env[@]}" REQUEST_METHOD=POST PATH_INFO=/admin/docker/container/put_archive/sink QUERY_STRING=path=/tmp \
            CONTENT_TYPE="multipart/form-data; boundary=dmbench" CONTENT_LENGTH="$len" "${timed[@]}" "$bin" | cat >"$dir/form.reply"
    head -1 "$dir/form.reply" | grep -q '^Status: 200' || { echo "bench: multipart put_archive failed:" >&2; cat "$dir/form.reply" >&2; exit 1; }
}
export_curl() { "${timed[@]}" curl -s --unix-socket "$sock" "http://d/containers/big$1/export" | cat >/dev/null; }
put_curl() {
    tar -C "$dir/src" -cf - "f$1" | "${timed[@]}" curl -s -o /dev/null --unix-socket "$sock" -X PUT -H 'Expect:' \
        -H 'Content-Type: application/x-tar' -T - "http://d/containers/sink/archive?path=/tmp"
}
rss_of() { last_time | awk '{ printf "%.2f", $1 / 1024 }'; }
small_dm
record rss.small "$(rss_of)" "" "" MiB 1
sizes=(64 "$big_mib" 1024)
[ "$big_mib" = 1024 ] && sizes=(64 1024)
for m in "${sizes[@]}"; do
    export_dm "$m"
    record "rss.export.$m" "$(rss_of)" "" "" MiB 1
    put_dm "$m" "$(tar_len "$m")"
    record "rss.put.$m" "$(rss_of)" "" "" MiB 1
done
for ((r = 0; r < 3; r++)); do
    for what in export_dm export_curl put_dm put_form_dm put_curl; do
        "$what" "$big_mib" "$big_len"
        last_time | awk -v m="$big_mib" -v f="$dir/byhand.$what" '{
            print m / $2 >> (f ".rate"); print $3 + $4 >> (f ".cpu"); print $1 / 1024 >> (f ".rss") }'
    done
done
for what in export_dm export_curl put_dm put_form_dm put_curl; do
    record_stats "byhand.$what" "$dir/byhand.$what.rate" MiB/s
    record_stats "cpu.$what" "$dir/byhand.$what.cpu" s
done
record_stats rssruns.export "$dir/byhand.export_dm.rss" MiB
record_stats rssruns.put "$dir/byhand.put_dm.rss" MiB
record_stats rssruns.put_form "$dir/byhand.put_form_dm.rss" MiB

# How busybox httpd relays a CGI's output: its syscalls during one 64 MiB export through dockerman,
# one strace file per process, leaving out the process that runs dockerman (it polls and writes too).
if command -v strace >/dev/null; then
    st_port=$(free_port)
    rm -rf "$dir/strace-bb" && mkdir -p "$dir/strace-bb"
    env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DOCKERMAN_CONFIG_DIR="$conf" \
        strace -ff -o "$dir/strace-bb/p" busybox httpd -f -p "127.0.0.1:$st_port" -h "$www" 2>>"$dir/httpd.log" &
    st_pid=$!
    wait_port "$st_port"
    curl -s -o /dev/null "${auth[@]}" "http://127.0.0.1:$st_port/cgi-bin/dockerman/admin/docker/container/export/big64"
    kill "$(pgrep -P "$st_pid" -x busybox)" 2>/dev/null || true
    wait "$st_pid" 2>/dev/null || true
    for call in read poll write; do
        n=0
        for f in "$dir"/strace-bb/p.*; do
            grep -q '^execve(".*dockerman"' "$f" && continue
            n=$((n + $(grep -c "^$call(" "$f" || true)))
        done
        record "bbrelay.$call" "$n" "" "" calls 1
    done
fi

# ---------------------------------------------------------------- (d) cost per request, (f) LuCI sessions
log "(d) and (f): cost per request against a stub daemon, by hand, $hf_runs runs each"
stub=$dir/stub.sock
ubus=$dir/ubus.sock
"$dir/stubd" "$stub" &
pids+=($!)
"$dir/fakeubusd" "$ubus" &
pids+=($!)
for _ in $(seq 1 50); do [ -S "$stub" ] && [ -S "$ubus" ] && break; sleep 0.1; done
write_sh_cgi "$dir/stub-curl.sh" "$stub"
mkdir -p "$dir/luci" "$dir/tokenconf"
printf "config dockerman 'main'\n\toption auth 'luci'\n\toption ubus_socket '%s'\n" "$ubus" >"$dir/luci/dockerman"
printf "config dockerman 'main'\n\toption auth 'token'\n\toption token_file '%s'\n" "$dir/token" >"$dir/tokenconf/dockerman"
sid=0123456789abcdef0123456789abcdef
# hyperfine with no shell in between; each variant gets exactly the environment a CGI gets.
# The variants take turns in rounds, so that a slow spell of the machine is shared by all.
hf_rounds=5
hf() { # id, command, then NAME=VALUE...
    local id=$1 cmd=$2
    shift 2
    env -i PATH=/usr/bin:/bin "$@" hyperfine -N --style none --warmup 5 --runs $((hf_runs / hf_rounds)) \
        --export-json "$dir/hf.json" "$cmd" >/dev/null 2>>"$dir/hyperfine.log"
    python3 -c 'import json, sys
for t in json.load(open(sys.argv[1]))["results"][0]["times"]: print(t * 1000)' "$dir/hf.json" >>"$dir/hf.$id.ms"
}
cgi=(REQUEST_METHOD=GET PATH_INFO=/admin/docker/container/list QUERY_STRING= DOCKER_HOST="unix://$stub")
gw=(GATEWAY_INTERFACE=CGI/1.1 SERVER_SOFTWARE=uhttpd)
hf_ids=(cost.floor cost.version cost.dm cost.dm_token cost.dm_luci cost.curl cost.sh)
for ((r = 0; r < hf_rounds; r++)); do
    for id in $(rotate "$r" "${hf_ids[@]}"); do
        case $id in
            cost.floor) hf "$id" "$dir/floorcgi" ;;
            cost.version) hf "$id" "$bin --version" ;;
            cost.dm) hf "$id" "$bin" "${cgi[@]}" DOCKERMAN_CONFIG_DIR="$dir/none" ;;
            cost.dm_token) hf "$id" "$bin" "${cgi[@]}" "${gw[@]}" DOCKERMAN_CONFIG_DIR="$dir/tokenconf" HTTP_AUTHORIZATION="Bearer $token" ;;
            cost.dm_luci) hf "$id" "$bin" "${cgi[@]}" "${gw[@]}" DOCKERMAN_CONFIG_DIR="$dir/luci" HTTP_AUTHORIZATION="Bearer $sid" ;;
            cost.curl) hf "$id" "curl -s --unix-socket $stub http://d/containers/json" ;;
            cost.sh) hf "$id" "/bin/sh $dir/stub-curl.sh" REQUEST_METHOD=GET PATH_INFO=/containers/json QUERY_STRING= ;;
        esac
    done
done
for id in "${hf_ids[@]}"; do
    record_stats "$id" "$dir/hf.$id.ms" ms
done
# Every variant really answered 200 (hyperfine does not look at the output).
for v in "cost.dm:${dir}/none:" "cost.dm_luci:${dir}/luci:Bearer $sid"; do
    IFS=: read -r id cdir authz <<<"$v"
    extra=()
    [ -n "$authz" ] && extra=("${gw[@]}" HTTP_AUTHORIZATION="$authz")
    env -i "${cgi[@]}" DOCKERMAN_CONFIG_DIR="$cdir" "${extra[@]}" "$bin" | head -1 | grep -q '^Status: 200' || {
        echo "bench: $id did not answer 200" >&2
        exit 1
    }
done

# Instruction counts (repeatable where times are not), when valgrind is there.
if command -v valgrind >/dev/null; then
    log "(d) callgrind instruction counts"
    cg() { # id, then NAME=VALUE... ; runs the binary (args in CG_ARGS)
        local id=$1
        shift
        env -i PATH=/usr/bin:/bin "$@" valgrind --tool=callgrind --callgrind-out-file="$dir/cg.$id.out" \
            "$www/cgi-bin/dockerman" ${CG_ARGS:-} >/dev/null 2>"$dir/cg.$id.log" || true
        local ir
        ir=$(sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$dir/cg.$id.log" | tail -1)
        [ -n "$ir" ] && record "$id" "$ir" "" "" instructions 1
        return 0
    }
    CG_ARGS=--version cg cg.version
    cg cg.dm "${cgi[@]}" DOCKERMAN_CONFIG_DIR="$dir/none"
    cg cg.dm_luci "${cgi[@]}" "${gw[@]}" DOCKERMAN_CONFIG_DIR="$dir/luci" HTTP_AUTHORIZATION="Bearer $sid"
    cp "$dir/cg.cg.dm.out" "$out/callgrind.dm.out" 2>/dev/null || true
fi

# Syscalls of one small request and of one big export (per 64 KiB chunk), when strace is there.
if command -v strace >/dev/null; then
    env -i "${cgi[@]}" DOCKERMAN_CONFIG_DIR="$dir/none" strace -f -c -o "$out/strace.small.txt" "$bin" >/dev/null 2>&1 || true
    "${cgi_env[@]}" REQUEST_METHOD=GET PATH_INFO="/admin/docker/container/export/big64" \
        strace -f -c -o "$out/strace.export64.txt" "$bin" 2>/dev/null | cat >/dev/null || true
    total=$(awk '/total$/ { print $4 }' "$out/strace.small.txt")
    [ -n "$total" ] && record syscalls.small "$total" "" "" calls 1
    total=$(awk '/total$/ { print $4 }' "$out/strace.export64.txt")
    [ -n "$total" ] && record syscalls.export64 "$total" "" "" calls 1
fi

# ---------------------------------------------------------------- (g), (h) the router's path; (i) TLS
# shellcheck source=build/bench/router.sh
. "$root/build/bench/router.sh"
# shellcheck source=build/bench/tls.sh
. "$root/build/bench/tls.sh"
# shellcheck source=build/bench/console.sh
. "$root/build/bench/console.sh"

# ---------------------------------------------------------------- (e) sizes
record size.x64 "$(stat -c %s "$bin")" "" "" bytes 1
[ -x "$arm_bin" ] && record size.arm64 "$(stat -c %s "$arm_bin")" "" "" bytes 1

cp "$results" "$out/results.tsv"
rm -rf "$out/raw"
mkdir -p "$out/raw"
for p in "${all_paths[@]}"; do
    cp "$dir/export.$p" "$dir/put.$p" "$out/raw/"
done
for p in "${big_paths[@]}"; do
    cp "$dir/router.export.$p" "$dir/router.put.$p" "$out/raw/"
done
{
    echo "machine: $(nproc) cores, $(uname -r); $(busybox | head -1 | cut -d' ' -f1-2), $(lighttpd -v 2>&1 | head -1 | cut -d' ' -f1),"
    echo "$(nginx -v 2>&1 | sed 's/.*: //'), $(curl --version | head -1 | cut -d' ' -f1-2), dockerd $(dockerd --version | cut -d' ' -f3 | tr -d ,)"
} >"$out/machine.txt"
python3 "$root/build/bench/report.py" "$out"
log "wrote $out/results.md and $out/chart.svg"
