#!/usr/bin/env bash
# A private Docker daemon for tests and the demo, never the user's own.
#   build/testdaemon.sh start DIR   start dockerd with its socket at DIR/docker.sock, wait for it,
#                                   and load the local test image testbox:1 (busybox-static).
#                                   It also listens with TLS (--tlsverify) on tcp://127.0.0.1:PORT,
#                                   PORT in DIR/tls-port, certificates by build/testcerts.sh in DIR/certs
#   build/testdaemon.sh start DIR swarm
#                                   the same, as a node for a test swarm on loopback: swarm addresses
#                                   default to 127.0.0.1, tasks use the local images without trying a
#                                   registry first, and testbox:2 is a second tag of the test image
#   build/testdaemon.sh stop DIR    stop it by the pid in DIR/docker.pid (SIGTERM; SIGKILL after 10 s)
#   build/testdaemon.sh kill DIR    SIGKILL it by that pid at once, as a crash or the OOM killer would
set -euo pipefail
cmd=${1:?start|stop}
dir=${2:?directory}
mode=${3:-}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
sock=$dir/docker.sock

ping() { curl -sf --max-time 2 --unix-socket "$sock" http://d/_ping >/dev/null 2>&1; }

case $cmd in
start)
    if ping; then exit 0; fi
    command -v dockerd >/dev/null || { echo "dockerd not found: apt-get install docker.io" >&2; exit 1; }
    certs=$dir/certs
    "$(dirname "$0")/testcerts.sh" "$certs"
    # Short paths: a Unix socket path must fit in 108 bytes.
    extra=()
    if [ "$mode" = swarm ]; then
        # Without a registry a task's pull would fail anyway; this skips the attempt.
        export DOCKER_SERVICE_PREFER_OFFLINE_IMAGE=1
        extra=(--swarm-default-advertise-addr 127.0.0.1)
    fi
    # The TLS listener's port: below the kernel's ephemeral range (where outgoing connections take
    # theirs), one that nothing answers on; taken meanwhile by another listener, another is tried.
    low=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range)
    for _ in 1 2 3; do
        for _ in $(seq 1 50); do
            port=$((10000 + RANDOM % (low - 10000)))
            (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || break
        done
        echo "$port" >"$dir/tls-port"
        dockerd --host "unix://$sock" --host "tcp://127.0.0.1:$port" --tlsverify --tlscacert "$certs/ca.pem" \
            --tlscert "$certs/server-cert.pem" --tlskey "$certs/server-key.pem" --data-root "$dir/root" --exec-root "$dir/exec" \
            --pidfile "$dir/docker.pid" --storage-driver vfs --iptables=false --ip6tables=false --bridge=none \
            --ip-forward=false --ip-masq=false --userland-proxy=false "${extra[@]}" \
            >"$dir/dockerd.log" 2>&1 &
        pid=$!
        for _ in $(seq 1 150); do
            ping && break 2
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.2
        done
        grep -q 'address already in use' "$dir/dockerd.log" || break
    done
    ping || { echo "dockerd did not start; its log:" >&2; tail -20 "$dir/dockerd.log" >&2; exit 1; }
    # The test image: busybox-static and its applets, imported as testbox:1.
    if ! curl -sf --unix-socket "$sock" http://d/images/testbox:1/json >/dev/null; then
        bb=$(command -v busybox)
        rootfs=$(mktemp -d)
        mkdir -p "$rootfs/bin" "$rootfs/tmp" "$rootfs/etc" "$rootfs/data"
        cp "$bb" "$rootfs/bin/busybox"
        for a in sh ls cat echo sleep dd head mkdir printf sha256sum wc tr yes true false env id hostname seq kill; do
            ln -s busybox "$rootfs/bin/$a"
        done
        echo "root:x:0:0:root:/root:/bin/sh" >"$rootfs/etc/passwd"
        tar -C "$rootfs" -cf "$dir/rootfs.tar" .
        rm -rf "$rootfs"
        curl -sf --unix-socket "$sock" -X POST -H 'Content-Type: application/x-tar' \
            --data-binary "@$dir/rootfs.tar" 'http://d/images/create?fromSrc=-&repo=testbox&tag=1' >/dev/null
    fi
    if [ "$mode" = swarm ]; then
        curl -sf --unix-socket "$sock" -X POST 'http://d/images/testbox:1/tag?repo=testbox&tag=2' >/dev/null
    fi
    ;;
stop | kill)
    if [ -f "$dir/docker.pid" ]; then
        pid=$(cat "$dir/docker.pid")
        if [ "$cmd" = stop ]; then
            kill "$pid" 2>/dev/null || true
            for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        fi
        kill -9 "$pid" 2>/dev/null || true
        for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        rm -f "$dir/docker.pid" # a killed daemon leaves it, and a daemon does not start beside one
    fi
    ;;
*)
    echo "usage: $0 start|stop|kill DIR" >&2
    exit 2
    ;;
esac
