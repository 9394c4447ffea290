# Sourced by bench.sh: (j) the console page in Debian's headless chromium (build/bench/ConsoleBench,
# Playwright with the system browser) under the router's server with the stand-ins: the requests
# and bytes of the first load, the time from login to a list of 100 containers rendered, and the
# page's JS heap while it follows a container's logs for BENCH_CONSOLE_MINUTES (default 10).
console_minutes=${BENCH_CONSOLE_MINUTES:-10}
con=$dir/con
log "(j) the console page: login to 100 containers, logs followed for $console_minutes min"
have=$(api "http://d/containers/json?all=1" | python3 -c 'import json, sys; print(len([c for c in json.load(sys.stdin) if c["Names"] != ["/talker"]]))')
for ((i = have; i < 99; i++)); do
    api -X POST -H 'Content-Type: application/json' "http://d/containers/create?name=list$i" \
        -d '{"Image":"testbox:1","Cmd":["true"],"NetworkDisabled":true}' >/dev/null
done
api -X DELETE 'http://d/containers/talker?force=1' >/dev/null 2>&1 || true
api -X POST -H 'Content-Type: application/json' 'http://d/containers/create?name=talker' \
    -d '{"Image":"testbox:1","Cmd":["sh","-c","i=0; while :; do echo line $i of a container that talks; i=$((i+1)); sleep 0.1; done"],"NetworkDisabled":true}' >/dev/null
api -X POST http://d/containers/talker/start >/dev/null
dotnet build "$root/build/bench/ConsoleBench/ConsoleBench.csproj" -c Release -o "$dir/console-bench" --nologo -v quiet >/dev/null
DOCKERMAN_BIN=$bin "$root/build/router-run.sh" start "$con" "unix://$sock"
dotnet "$dir/console-bench/console-bench.dll" "http://127.0.0.1:$(cat "$con/port")/dockerman/" admin "$(cat "$con/password")" \
    100 talker "$console_minutes" "$dir/console.txt" || { "$root/build/router-run.sh" stop "$con"; echo "bench: console-bench failed" >&2; exit 1; }
"$root/build/router-run.sh" stop "$con"
while read -r id value; do
    record "$id" "$value" "" "" "" 1
done <"$dir/console.txt"
