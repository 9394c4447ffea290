"""Sections (g), (h) and (i) of results.md: the router's own stack (build/bench/router.sh) and TLS
(build/bench/tls.sh). report.py passes its helpers in; the budgets found here join its list."""

R_NAMES = {
    "direct": "curl --unix-socket (direct)",
    "sh_uh": "sh + curl CGI under the router's server, no auth",
    "dm_uh": "dockerman under the router's server, LuCI session",
    "rpc_uh": "docker.container list: /ubus → rpcd → dockerman plugin",
    "floor_uh": "C CGI printing a fixed reply under the router's server (no daemon)",
}


def sections(h):
    get, spread, fmt, mark, paired, ratio_text, budgets = (
        h["get"], h["spread"], h["fmt"], h["mark"], h["paired"], h["ratio_text"], h["budgets"])
    md = []
    direct, sh, dm, rpc = (get("router.small." + p) for p in ("direct", "sh_uh", "dm_uh", "rpc_uh"))
    if direct and sh and dm:
        md.append(f"## (g) The router's path: a web server running three CGIs at once (uhttpd -n 3) with a LuCI session from rpcd ({dm['n']} requests per path)")
        md.append("")
        md.append("lighttpd in uhttpd's place and the project's stand-ins for ubusd, rpcd and uhttpd's /ubus "
                  "(build/router-run.sh), a login made with "
                  "session.login; dockerman checks the session with rpcd's session.access on every request. "
                  "One curl process per batch of requests, a new connection for each request.")
        md.append("")
        md.append("| path | ms per request | vs direct | vs sh+curl under the same server |")
        md.append("|---|---|---|---|")
        for p in ("direct", "sh_uh", "dm_uh", "rpc_uh", "floor_uh"):
            r = get("router.small." + p)
            if r:
                vd = f"{r['med'] - direct['med']:+.2f} ms" if p != "direct" else ""
                vs = f"{r['med'] / sh['med']:.2f}×" if p in ("dm_uh", "rpc_uh") else ""
                md.append(f"| {R_NAMES[p]} | {spread(r)} | {vd} | {vs} |")
        ka = {p: get("router.ka." + p) for p in ("direct", "sh_uh", "dm_uh", "rpc_uh")}
        if all(ka.values()):
            md.append("")
            md.append("The same requests on one kept-alive connection per batch, as a browser keeps one: " +
                      "; ".join(f"{R_NAMES[p]} {spread(ka[p])} ms" for p in ("direct", "sh_uh", "dm_uh", "rpc_uh")) +
                      ". The server closes each connection after its request (that is how it holds to three CGIs at "
                      "once), so the client opens a new one for the next request.")
        floor, none, luci = get("router.small.floor_uh"), get("router.hf.none"), get("router.hf.luci")
        if floor and none and luci:
            md.append("")
            md.append(f"Where dockerman's {fmt(dm['med'])} ms under the router's server go. The server running a CGI at all (accept, "
                      f"parse, fork, exec, pipes, relay), measured with the C CGI above: {fmt(floor['med'])} ms, "
                      f"{floor['med'] - direct['med']:+.2f} ms against the direct socket before any program of ours runs. "
                      f"dockerman by hand, start to exit with the daemon's answer (hyperfine, {none['n']} runs): "
                      f"{fmt(none['med'])} ms without a session check, {fmt(luci['med'])} ms with rpcd's session.access, "
                      f"so the session check through ubusd and rpcd is {luci['med'] - none['med']:+.2f} ms. The fixed "
                      f"reply of the C CGI costs its own exec too, so the parts add up to a little more than the whole.")
        ratio, delta = dm["med"] / sh["med"], dm["med"] - direct["med"]
        budgets.append(("(g) container/list under the router's server with a LuCI session: ≤ 0.6× sh+curl", f"{ratio:.2f}×", ratio <= 0.6))
        budgets.append(("(g) container/list under the router's server with a LuCI session: ≤ direct + 1.5 ms", f"+{delta:.2f} ms", delta <= 1.5))
        rows = []
        for p in ("direct", "sh_uh", "dm_uh"):
            e, u = get("router.export." + p), get("router.put." + p)
            if e and u:
                rows.append(f"| {R_NAMES[p]} | {spread(e)} | {spread(u)} |")
        if rows:
            md.append("")
            md.append(f"{h['big']} MiB export and put_archive through the router's server, MiB/s ({get('router.export.dm_uh')['n']} runs per path):")
            md.append("")
            md.append("| path | export | put_archive |")
            md.append("|---|---|---|")
            md += rows
            if get("router.export.sh_uh") and get("router.export.dm_uh"):
                re_ = paired("router.export", "dm_uh", "sh_uh")
                ru = paired("router.put", "dm_uh", "sh_uh")
                md.append("")
                md.append(f"dockerman against the sh+curl CGI under the same server, paired by round: export {ratio_text(re_)}, "
                          f"put_archive {ratio_text(ru)}.")
        md.append("")
    if rpc and dm and direct:
        md.append("## (h) As rpcd's plugin: `docker.container list`")
        md.append("")
        md.append("The JSON-RPC call LuCI's `rpc.declare()` sends, POSTed to /ubus: the front asks rpcd's "
                  "session.access, ubusd hands the call to rpcd, rpcd runs the plugin (`docker.container call list`), "
                  "which makes the same daemon request as the HTTP route and wraps the reply in `{code, headers, body}`.")
        md.append("")
        md.append("| path | ms per request | vs the HTTP route | vs direct |")
        md.append("|---|---|---|---|")
        for p in ("rpc_uh", "dm_uh", "direct"):
            r = get("router.small." + p)
            md.append(f"| {R_NAMES[p]} | {spread(r)} | {r['med'] / dm['med']:.2f}× | +{r['med'] - direct['med']:.2f} ms |")
        md.append("")
    tls, curl, unix = get("tls.list.dm"), get("tls.list.curl"), get("tls.list.dm_unix")
    if tls and curl and unix:
        md.append("## (i) Over TLS: dockerman against curl with the same certificates")
        md.append("")
        md.append("By hand (no web server), hyperfine without a shell, to the test daemon's `--tlsverify` port "
                  "(RSA 2048 certificates); each request makes its own connection and handshake.")
        md.append("")
        md.append("| what | ms per request |")
        md.append("|---|---|")
        md.append(f"| dockerman, container/list over TLS | {spread(tls)} |")
        md.append(f"| curl --cacert --cert --key, /containers/json | {spread(curl)} |")
        md.append(f"| dockerman, container/list over the Unix socket | {spread(unix)} |")
        pt, pu = get("tls.ping.dm"), get("tls.ping.dm_unix")
        if pt and pu:
            md.append(f"| dockerman, _ping over TLS | {spread(pt)} |")
            md.append(f"| dockerman, _ping over the Unix socket | {spread(pu)} |")
        md.append("")
        h["budgets"].append(("(i) container/list over TLS, dockerman: ≤ curl", f"{tls['med'] / curl['med']:.2f}×",
                             tls["med"] <= curl["med"]))
        md.append(f"container/list over TLS takes {tls['med'] / curl['med']:.2f}× curl's time, "
                  f"{tls['med'] / unix['med']:.1f}× its own over the Unix socket.")
        if pt and pu:
            md.append(f"The handshake's share of a TLS request (the _ping over TLS less the _ping over the socket): "
                      f"{(pt['med'] - pu['med']) / pt['med'] * 100:.0f}% of the time.")
        ct, cu = get("cg.tls.ping.tls"), get("cg.tls.ping.unix")
        if ct and cu:
            md.append(f"In instructions (callgrind): {ct['med'] / 1e6:.1f} M over TLS against {cu['med'] / 1e6:.2f} M "
                      f"over the socket, {(ct['med'] - cu['med']) / ct['med'] * 100:.1f}% of them the connection's set-up.")
        cg = get("cg.dm")
        if cg:
            md.append(f"A request that does not use TLS (container/list over the socket) runs {cg['med'] / 1e6:.3f} M "
                      "instructions: the TLS code is linked in but not started.")
        rows = []
        for v, name in (("dm", "dockerman over TLS"), ("curl", "curl over TLS"), ("dm_unix", "dockerman over the Unix socket")):
            e, rss = get("tls.export." + v), get("tls.rss." + v)
            if e:
                rows.append(f"| {name} | {spread(e)} | {fmt(rss['med']) if rss else '–'} MiB |")
        if rows:
            md.append("")
            md.append(f"{h['big']} MiB export by hand, MiB/s and peak RSS:")
            md.append("")
            md.append("| what | MiB/s | peak RSS |")
            md.append("|---|---|---|")
            md += rows
            e, c = get("tls.export.dm"), get("tls.export.curl")
            if e and c:
                md.append("")
                h["budgets"].append(("(i) 512 MiB export over TLS, dockerman: ≥ 0.9× curl", f"{e['med'] / c['med']:.2f}×",
                                     e["med"] >= 0.9 * c["med"]))
                rss = get("tls.rss.dm")
                if rss:
                    h["budgets"].append(("(i) peak RSS of the TLS export, dockerman: ≤ 4 MiB", f"{rss['med']:.1f} MiB",
                                         rss["med"] <= 4))
                md.append(f"dockerman's TLS export runs at {e['med'] / c['med']:.2f}× curl's rate (Debian's mbedTLS "
                          "2.28 decrypts AES-GCM one 16-byte block per call, with AES-NI and PCLMUL; ChaCha20-Poly1305 "
                          "is C; OpenSSL's AES-GCM works on many blocks at once), "
                          + (f"with {get('tls.rss.dm')['med'] / get('tls.rss.curl')['med']:.2f}× curl's peak memory."
                             if get("tls.rss.dm") and get("tls.rss.curl") else ""))
        md.append("")
    req, byt, lst = get("console.load.requests"), get("console.load.bytes"), get("console.list_ms")
    if req and byt and lst:
        md.append("## (j) The console page in headless chromium")
        md.append("")
        md.append("Debian's chromium driven by Playwright (build/bench/ConsoleBench) under the router's server with the "
                  "stand-ins; the daemon holds 100 containers.")
        md.append("")
        md.append("| what | measured |")
        md.append("|---|---|")
        md.append(f"| first load: requests | {req['med']:.0f} |")
        md.append(f"| first load: bytes on the wire (headers and bodies) | {byt['med']:.0f} |")
        md.append(f"| from pressing Enter on the login form to 100 containers listed | {lst['med']:.0f} ms |")
        heaps = []
        m = 0
        while get(f"console.heap.{m}"):
            heaps.append(get(f"console.heap.{m}")["med"])
            m += 1
        if len(heaps) > 1 and heaps[0] > 0:
            md.append(f"| JS heap following logs: at the start, after 1 min, after {m - 1} min (peak) | "
                      f"{heaps[0] / 1048576:.2f} / {heaps[1] / 1048576:.2f} / {heaps[-1] / 1048576:.2f} MiB "
                      f"({max(heaps) / 1048576:.2f}) |")
        lines = get("console.log_lines")
        if lines:
            md.append(f"| log lines kept on the page at the end | {lines['med']:.0f} (the page keeps the last 5000) |")
        md.append("")
    return md
