#!/usr/bin/env bash
# dockerman behind a real web server, on this machine: busybox httpd serves the published binary
# as /cgi-bin/dockerman on 127.0.0.1 with token authentication, in front of a private dockerd
# (or the daemon DOCKER_HOST names). Stays in the foreground until Ctrl-C, then stops what it
# started. `make demo` builds first; run alone, it needs out/linux-x64/dockerman.
#   DEMO_PORT   the port to try first (default 8080; the next free one is taken if it is busy)
#   DEMO_IMAGE  the image for the example container (default testbox:1, which the private daemon has)
#   DOCKER_HOST use this daemon instead of starting a private one
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$root/out/linux-x64/dockerman
[ -x "$bin" ] || { echo "demo: $bin is missing: run 'make demo' (it builds first)" >&2; exit 1; }
for tool in busybox curl od; do
    command -v "$tool" >/dev/null || { echo "demo: $tool not found: run 'make demo' (it installs what it needs)" >&2; exit 1; }
done

# Each run gets its own directory (short: it holds the daemon's Unix socket), so a second run,
# even beside the first, never shares a socket, a token or a port with it.
dir=$(mktemp -d /tmp/dmdemo.XXXXXX)
httpd_pid=""
own_daemon=""

cleanup() {
    trap - EXIT INT TERM
    if [ -n "$httpd_pid" ]; then
        kill "$httpd_pid" 2>/dev/null || true
        wait "$httpd_pid" 2>/dev/null || true
    fi
    if [ -n "$own_daemon" ]; then
        echo "demo: stopping the private dockerd"
        "$root/build/testdaemon.sh" stop "$dir" || true
    fi
    rm -rf "$dir" 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The daemon.
conf=$dir/config
mkdir -p "$conf"
if [ -n "${DOCKER_HOST:-}" ]; then
    echo "demo: using the daemon at DOCKER_HOST=$DOCKER_HOST"
    host=$DOCKER_HOST
else
    echo "demo: starting a private dockerd in $dir (its first start takes a few seconds)"
    own_daemon=1
    "$root/build/testdaemon.sh" start "$dir"
    host=unix://$dir/docker.sock
fi

# Settings, as on a router: /etc/config/dockerman and /etc/config/dockerd, here in $conf.
token=$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')
(umask 077 && printf '%s\n' "$token" >"$dir/token")
cat >"$conf/dockerman" <<EOF
config dockerman 'main'
	option auth 'token'
	option token_file '$dir/token'
	option jobs_dir '$dir/jobs'
EOF
cat >"$conf/dockerd" <<EOF
config globals 'globals'
	list hosts '$host'
EOF
if [ -n "${DOCKER_API_VERSION:-}" ]; then
    printf "\toption api_version '%s'\n" "$DOCKER_API_VERSION" >>"$conf/dockerd"
fi

# The web root, as on a router: the binary itself is the CGI program.
www=$dir/www
mkdir -p "$www/cgi-bin"
cp "$bin" "$www/cgi-bin/dockerman"

# busybox httpd hands its own environment on to every CGI program it runs (plus the CGI
# variables), so the one thing the binary needs from outside, where its UCI files are, goes in
# here. Nothing else of this shell leaks in: the CGI sees what it would see under uhttpd.
start_httpd() {
    env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DOCKERMAN_CONFIG_DIR="$conf" \
        busybox httpd -f -p "127.0.0.1:$1" -h "$www" 2>>"$dir/httpd.log" &
    httpd_pid=$!
}

port=${DEMO_PORT:-8080}
url=""
for _ in $(seq 1 20); do
    start_httpd "$port"
    # A busy port makes httpd exit at once; a live one answers the ping through the CGI.
    for _ in $(seq 1 20); do
        kill -0 "$httpd_pid" 2>/dev/null || break
        if [ "$(curl -s --max-time 5 -H "Authorization: Bearer $token" \
            "http://127.0.0.1:$port/cgi-bin/dockerman/admin/docker/ping" 2>/dev/null)" = "OK" ]; then
            url=http://127.0.0.1:$port/cgi-bin/dockerman/admin/docker
            break 2
        fi
        sleep 0.1
    done
    kill "$httpd_pid" 2>/dev/null || true
    wait "$httpd_pid" 2>/dev/null || true
    httpd_pid=""
    echo "demo: port $port is busy or does not answer; trying $((port + 1))"
    port=$((port + 1))
done
if [ -z "$url" ]; then
    echo "demo: could not serve on any port from ${DEMO_PORT:-8080}; httpd said:" >&2
    tail -5 "$dir/httpd.log" >&2
    exit 1
fi

image=${DEMO_IMAGE:-testbox:1}
name=demo-$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
if [ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "$url/image/inspect/$image")" != 200 ]; then
    echo "demo: note: the daemon has no image $image; set DEMO_IMAGE to one it has for the container example"
fi

cat <<EOF

dockerman is served by busybox httpd (pid $httpd_pid) at
  $url/...
with token authentication. Paste these into a shell:

export DM_URL=$url
export DM_TOKEN=$token

# no token: 401
curl -si "\$DM_URL/version"
# the daemon's version; the containers; the images
curl -s -H "Authorization: Bearer \$DM_TOKEN" "\$DM_URL/version"
curl -s -H "Authorization: Bearer \$DM_TOKEN" "\$DM_URL/container/list?all=1"
curl -s -H "Authorization: Bearer \$DM_TOKEN" "\$DM_URL/image/list"
# create a container, start it, read its output as plain text
curl -s -H "Authorization: Bearer \$DM_TOKEN" -H 'Content-Type: application/json' \\
  -d '{"Image":"$image","Cmd":["sh","-c","echo hello from $name; sleep 300"]}' "\$DM_URL/container/create?name=$name"
curl -si -X POST -H "Authorization: Bearer \$DM_TOKEN" "\$DM_URL/container/start/$name"
curl -s -H "Authorization: Bearer \$DM_TOKEN" "\$DM_URL/container/logs/$name?stdout=1&stderr=1&format=text"
# remove it again
curl -s -X DELETE -H "Authorization: Bearer \$DM_TOKEN" "\$DM_URL/container/remove/$name?force=1"

All routes: $bin --help
Press Ctrl-C to stop$([ -n "$own_daemon" ] && echo " (the private dockerd stops too)")
EOF

# Wait for httpd; Ctrl-C (or httpd ending) leads to cleanup through the traps.
wait "$httpd_pid" || true
