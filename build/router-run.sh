#!/usr/bin/env bash
# A router's web stack in a folder of its own, with dockerman as the CGI program and as rpcd's
# plugin, as the package sets them up on a router: the project's stand-ins for ubusd, rpcd and
# uhttpd's /ubus (out/standins, `make standins`) and Debian's lighttpd in uhttpd's place, running
# at most three requests at once as uhttpd -n 3 does (the same setup as the tests' RouterStack).
#   build/router-run.sh start DIR DOCKER_HOST   the stack; the port in DIR/port (ROUTER_PORT, else a
#                                               free one), a login 'admin' (password in DIR/password)
#   build/router-run.sh login DIR               a new LuCI session: its id on stdout
#   build/router-run.sh stop DIR
# DIR/config is what dockerman and rpcd read as /etc/config (DOCKERMAN_CONFIG_DIR), so nothing
# outside DIR changes. DIR/www/cgi-bin holds the program; more CGI scripts may be put beside it;
# DIR/www/dockerman/ the console page.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
standins=${DOCKERMAN_STANDINS:-$root/out/standins/dockerman-standins}
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

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

case $cmd in
start)
    docker_host=${3:?DOCKER_HOST}
    [ -x "$standins" ] || { echo "no stand-ins at $standins: run 'make standins'" >&2; exit 1; }
    command -v lighttpd >/dev/null || { echo "lighttpd not found: apt-get install lighttpd" >&2; exit 1; }
    mkdir -p "$dir"/{config,acl.d,plugins,www/cgi-bin,jobs,spool}
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
    cat >"$dir/acl.d/unauthenticated.json" <<'EOF'
{
	"unauthenticated": {
		"description": "Access controls for unauthenticated requests",
		"read": {
			"ubus": {
				"session": [ "access", "login" ]
			}
		}
	}
}
EOF
    cp "$root/opkg/files/usr/share/rpcd/acl.d/dockerman.json" "$dir/acl.d/"
    cp "$bin" "$dir/www/cgi-bin/dockerman"
    # The console page, where the package installs it (/www/dockerman/).
    mkdir -p "$dir/www/dockerman"
    cp "$root"/console/* "$dir/www/dockerman/"
    for link in "$root"/opkg/files/usr/libexec/rpcd/*; do
        ln -sf "$dir/www/cgi-bin/dockerman" "$dir/plugins/$(basename "$link")"
    done
    port=${ROUTER_PORT:-$(free_port)}
    ubus_port=$(free_port)
    echo "$port" >"$dir/port"

    # The plugins get the stand-ins' environment: a router's PATH and the stack's /etc/config.
    env -i PATH=/sbin:/usr/sbin:/bin:/usr/bin HOME=/ DOCKERMAN_CONFIG_DIR="$dir/config" ${DOTNET_ROOT:+DOTNET_ROOT=$DOTNET_ROOT} \
        "$standins" --ubus-socket "$dir/ubus.sock" --config "$dir/config" --acl "$dir/acl.d" --plugins "$dir/plugins" \
        --http "127.0.0.1:$ubus_port" >"$dir/standins.out" 2>>"$dir/standins.log" &
    echo $! >"$dir/standins.pid"
    for _ in $(seq 1 100); do grep -q '^ready' "$dir/standins.out" 2>/dev/null && break; sleep 0.05; done
    # uhttpd -n 3: lighttpd takes three connections at once and closes each after its request.
    cat >"$dir/lighttpd.conf" <<EOF
server.document-root = "$dir/www"
server.bind = "127.0.0.1"
server.port = $port
server.modules = ("mod_setenv", "mod_cgi", "mod_proxy")
server.max-connections = 3
server.max-keep-alive-requests = 0
server.stream-request-body = 2
server.stream-response-body = 2
server.max-read-idle = 30
server.max-write-idle = 30
server.upload-dirs = ("$dir/spool")
server.errorlog = "$dir/lighttpd.log"
index-file.names = ("index.html")
mimetype.assign = (".html" => "text/html; charset=utf-8", ".js" => "text/javascript", ".css" => "text/css", ".json" => "application/json")
setenv.add-environment = ("DOCKERMAN_CONFIG_DIR" => "$dir/config", "PATH" => "/sbin:/usr/sbin:/bin:/usr/bin")
\$HTTP["url"] =~ "^/cgi-bin/" { cgi.assign = ("" => "") }
\$HTTP["url"] =~ "^/ubus(\$|[/?])" { proxy.server = ("" => (("host" => "127.0.0.1", "port" => $ubus_port))) }
EOF
    lighttpd -D -f "$dir/lighttpd.conf" 2>>"$dir/lighttpd.log" &
    echo $! >"$dir/lighttpd.pid"
    for _ in $(seq 1 100); do
        curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$port/" && login >/dev/null 2>&1 && exit 0
        sleep 0.1
    done
    echo "the router stack in $dir did not start:" >&2
    tail -n 5 "$dir"/*.log >&2 || true
    exit 1
    ;;
login)
    login
    ;;
stop)
    for p in lighttpd standins; do
        [ -f "$dir/$p.pid" ] && kill "$(cat "$dir/$p.pid")" 2>/dev/null || true
    done
    sleep 0.2
    for p in lighttpd standins; do
        [ -f "$dir/$p.pid" ] && kill -9 "$(cat "$dir/$p.pid")" 2>/dev/null || true
        rm -f "$dir/$p.pid"
    done
    ;;
*)
    echo "usage: $0 start DIR DOCKER_HOST | login DIR | stop DIR" >&2
    exit 2
    ;;
esac
