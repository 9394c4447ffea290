#!/usr/bin/env bash
# The router's web stack from out/openwrt (build/openwrt-stack.sh) running in a folder of its own,
# with dockerman as the CGI program and as rpcd's plugin, as the package sets them up on a router:
#   build/openwrt-run.sh start DIR DOCKER_HOST   ubusd, rpcd and uhttpd (-t 60 -T 30 -n 3); the port in
#                                                DIR/port, a login 'admin' (password in DIR/password)
#   build/openwrt-run.sh login DIR               a new LuCI session: its id on stdout
#   build/openwrt-run.sh stop DIR
# rpcd and uhttpd run in a private mount namespace where DIR/config is /etc/config and DIR's ACL
# and plugin folders are rpcd's, so nothing outside DIR changes. Needs root (unshare, mount).
# DIR/www/cgi-bin holds the program; more CGI scripts may be put beside it.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
prefix=${OPENWRT_PREFIX:-$root/out/openwrt}
bin=${DOCKERMAN_BIN:-$root/out/linux-x64/dockerman}
cmd=${1:-}
dir=${2:-}
[ -n "$dir" ] || { echo "usage: $0 start DIR DOCKER_HOST | login DIR | stop DIR" >&2; exit 2; }

login() {
    local body reply
    body=$(printf '{"jsonrpc":"2.0","id":1,"method":"call","params":["00000000000000000000000000000000","session","login",{"username":"admin","password":"%s"}]}' \
        "$(cat "$dir/password")")
    reply=$(curl -s --max-time 10 -H 'Content-Type: application/json' -d "$body" "http://127.0.0.1:$(cat "$dir/port")/ubus")
    python3 -c 'import json, sys; print(json.loads(sys.argv[1])["result"][1]["ubus_rpc_session"])' "$reply"
}

case $cmd in
start)
    docker_host=${3:?DOCKER_HOST}
    [ -x "$prefix/sbin/rpcd" ] && [ -x "$prefix/bin/uhttpd" ] || { echo "no OpenWrt stack in $prefix: run 'make openwrt'" >&2; exit 1; }
    mkdir -p "$dir"/{config,acl.d,plugins,www/cgi-bin,jobs,etc.upper/config,etc.work,run.upper,run.work}
    dir=$(cd "$dir" && pwd)
    password=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
    (umask 077 && echo "$password" >"$dir/password")
    printf "config rpcd\n\toption socket /var/run/ubus/ubus.sock\n\toption timeout 30\n\nconfig login\n\toption username 'admin'\n\toption password '%s'\n\tlist read '*'\n\tlist write '*'\n" \
        "$(openssl passwd -1 "$password")" >"$dir/config/rpcd"
    printf "config dockerman 'main'\n\toption auth 'luci'\n\toption ubus_socket '%s'\n\toption jobs_dir '%s'\n" \
        "$dir/ubus.sock" "$dir/jobs" >"$dir/config/dockerman"
    printf "config globals 'globals'\n\tlist hosts '%s'\n" "$docker_host" >"$dir/config/dockerd"
    printf "config uhttpd 'main'\n\toption max_requests '3'\n\toption script_timeout '60'\n\toption network_timeout '30'\n" >"$dir/config/uhttpd"
    # rpcd's ACL for logged-out callers (session.login), as OpenWrt's rpcd package installs it, and the package's.
    cp "$prefix/share/rpcd/unauthenticated.json" "$root/opkg/files/usr/share/rpcd/acl.d/dockerman.json" "$dir/acl.d/"
    cp "$bin" "$dir/www/cgi-bin/dockerman"
    for link in "$root"/opkg/files/usr/libexec/rpcd/*; do
        ln -sf "$dir/www/cgi-bin/dockerman" "$dir/plugins/$(basename "$link")"
    done
    : >"$dir/httpd.conf"
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    echo "$port" >"$dir/port"

    "$prefix/sbin/ubusd" -s "$dir/ubus.sock" 2>>"$dir/ubusd.log" &
    echo $! >"$dir/ubusd.pid"
    for _ in $(seq 1 100); do [ -S "$dir/ubus.sock" ] && break; sleep 0.05; done
    # shellcheck disable=SC2016
    setsid unshare --mount --propagation private sh -c '
        set -e
        d=$1; p=$2; port=$3
        mount -t overlay overlay -o "lowerdir=/etc,upperdir=$d/etc.upper,workdir=$d/etc.work" /etc
        mount --bind "$d/config" /etc/config
        mount -t overlay overlay -o "lowerdir=/run,upperdir=$d/run.upper,workdir=$d/run.work" /run
        mount --bind "$d/acl.d" "$p/share/rpcd/acl.d"
        mount --bind "$d/plugins" "$p/libexec/rpcd"
        "$p/sbin/rpcd" -s "$d/ubus.sock" 2>>"$d/rpcd.log" &
        echo $! >"$d/rpcd.pid"
        for _ in $(seq 1 100); do "$p/bin/ubus" -s "$d/ubus.sock" -t 1 list session >/dev/null 2>&1 && break; sleep 0.05; done
        exec "$p/bin/uhttpd" -f -h "$d/www" -p "127.0.0.1:$port" -x /cgi-bin -t 60 -T 30 -n 3 \
            -c "$d/httpd.conf" -u /ubus -U "$d/ubus.sock" 2>>"$d/uhttpd.log"
    ' openwrt-ns "$dir" "$prefix" "$port" &
    echo $! >"$dir/uhttpd.pid"
    for _ in $(seq 1 100); do
        curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$port/" && login >/dev/null 2>&1 && exit 0
        sleep 0.1
    done
    echo "the OpenWrt stack in $dir did not start:" >&2
    tail -n 5 "$dir"/*.log >&2 || true
    exit 1
    ;;
login)
    login
    ;;
stop)
    for p in uhttpd rpcd ubusd; do
        [ -f "$dir/$p.pid" ] && kill "$(cat "$dir/$p.pid")" 2>/dev/null || true
    done
    sleep 0.2
    for p in uhttpd rpcd ubusd; do
        [ -f "$dir/$p.pid" ] && kill -9 "$(cat "$dir/$p.pid")" 2>/dev/null || true
        rm -f "$dir/$p.pid"
    done
    ;;
*)
    echo "usage: $0 start DIR DOCKER_HOST | login DIR | stop DIR" >&2
    exit 2
    ;;
esac
