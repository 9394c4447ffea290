#!/usr/bin/env bash
# dockerman as a router serves it, on this machine: Debian's lighttpd in uhttpd's place serves the
# console page (/dockerman/) and the published binary (/cgi-bin/dockerman) on 127.0.0.1, with
# LuCI logins checked by the project's stand-ins for ubusd and rpcd (build/router-run.sh), in
# front of a private dockerd (or the daemon DOCKER_HOST names). Stays in the foreground until
# Ctrl-C, then stops what it started. `make demo` builds first; run alone, it needs
# out/linux-x64/dockerman and out/standins/dockerman-standins.
#   DEMO_PORT   the port to try first (default 8080; the next free one is taken if it is busy)
#   DEMO_IMAGE  the image for the example container (default testbox:1, which the private daemon has)
#   DOCKER_HOST use this daemon instead of starting a private one
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${DOCKERMAN_BIN:-$root/out/linux-x64/dockerman}
[ -x "$bin" ] || { echo "demo: $bin is missing: run 'make demo' (it builds first)" >&2; exit 1; }
for tool in lighttpd curl od python3 openssl; do
    command -v "$tool" >/dev/null || { echo "demo: $tool not found: run 'make demo' (it installs what it needs)" >&2; exit 1; }
done

# Each run gets its own directory (short: it holds the daemon's and ubusd's Unix sockets), so a
# second run, even beside the first, never shares a socket, a login or a port with it.
dir=$(mktemp -d /tmp/dmdemo.XXXXXX)
router=$dir/router
own_daemon=""
started=""

cleanup() {
    trap - EXIT INT TERM
    [ -z "$started" ] || "$root/build/router-run.sh" stop "$router" || true
    if [ -n "$own_daemon" ]; then
        echo "demo: stopping the private dockerd"
        "$root/build/testdaemon.sh" stop "$dir" || true
    fi
    rm -rf "$dir" 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ -n "${DOCKER_HOST:-}" ]; then
    echo "demo: using the daemon at DOCKER_HOST=$DOCKER_HOST"
    host=$DOCKER_HOST
else
    echo "demo: starting a private dockerd in $dir (its first start takes a few seconds)"
    own_daemon=1
    "$root/build/testdaemon.sh" start "$dir"
    host=unix://$dir/docker.sock
fi

# The first port from DEMO_PORT that nothing listens on.
port=$(python3 - "${DEMO_PORT:-8080}" <<'EOF'
import socket, sys
first = int(sys.argv[1])
for port in range(first, first + 20):
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", port))
    except OSError:
        print(f"demo: port {port} is busy; trying {port + 1}", file=sys.stderr)
        continue
    finally:
        s.close()
    print(port)
    break
EOF
)
[ -n "$port" ] || { echo "demo: no free port from ${DEMO_PORT:-8080}" >&2; exit 1; }

started=1
DOCKERMAN_BIN=$bin ROUTER_PORT=$port "$root/build/router-run.sh" start "$router" "$host"
password=$(cat "$router/password")
base=http://127.0.0.1:$port
url=$base/cgi-bin/dockerman/admin/docker
if [ "$(curl -s -o /dev/null -w '%{http_code}' "$url/ping")" != 401 ]; then
    echo "demo: dockerman at $url does not answer as it should; lighttpd said:" >&2
    tail -5 "$router/lighttpd.log" >&2
    exit 1
fi

image=${DEMO_IMAGE:-testbox:1}
name=demo-$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')

cat <<EOF

dockerman is served as on a router, by lighttpd with LuCI logins (the stand-ins for rpcd and ubusd):

  the console:  $base/dockerman/
  user admin, password $password

and by hand, at $url/... Paste these into a shell:

export DM_URL=$url
# no session: 401
curl -si "\$DM_URL/version"
# log in as the console does (rpcd's session.login): the session id
export DM_SID=\$(curl -s -d username=admin -d password=$password "\$DM_URL/session/login" | sed -n 's/.*"session":"\\([0-9a-f]*\\)".*/\\1/p')
# the daemon's version; the containers; the images
curl -s -H "Authorization: Bearer \$DM_SID" "\$DM_URL/version"
curl -s -H "Authorization: Bearer \$DM_SID" "\$DM_URL/container/list?all=1"
curl -s -H "Authorization: Bearer \$DM_SID" "\$DM_URL/image/list"
# create a container, start it, read its output as plain text
curl -s -H "Authorization: Bearer \$DM_SID" -H 'Content-Type: application/json' \\
  -d '{"Image":"$image","Cmd":["sh","-c","echo hello from $name; sleep 300"]}' "\$DM_URL/container/create?name=$name"
curl -si -d "" -H "Authorization: Bearer \$DM_SID" "\$DM_URL/container/start/$name"
curl -s -H "Authorization: Bearer \$DM_SID" "\$DM_URL/container/logs/$name?stdout=1&stderr=1&format=text"
# remove it again
curl -s -X DELETE -H "Authorization: Bearer \$DM_SID" "\$DM_URL/container/remove/$name?force=1"

A session ends after 300 s without a request (rpcd's default); log in again then.
All routes: $bin --routes
Press Ctrl-C to stop$([ -n "$own_daemon" ] && echo " (the private dockerd stops too)")
EOF

# Until Ctrl-C (the traps clean up) or lighttpd ends.
while kill -0 "$(cat "$router/lighttpd.pid")" 2>/dev/null; do sleep 1; done
