namespace Dockerman.Routing;

/// <summary>
/// Every operation dockerman allows, as data. Anything not here is 404 and never reaches
/// the daemon. Paths and names follow the reference rpcd plugin; <see cref="Pages"/> are the
/// endpoints the LuCI pages call.
/// </summary>
internal static class RouteTable
{
    private const Verbs Get = Verbs.Get;
    private const Verbs Post = Verbs.Post;
    private const Verbs PostPut = Verbs.Post | Verbs.Put;
    private const Verbs PostDelete = Verbs.Post | Verbs.Delete;

    private const string Filters = "filters:filters";
    private const string SignalTime = "signal:signal t:uint";

    public static readonly Route[] Routes =
    [
        // core
        new("version", Get, "GET", "/version"),
        new("info", Get, "GET", "/info"),
        new("ping", Get | Verbs.Head, "GET", "/_ping"),
        new("df", Get, "GET", "/system/df"),
        new("events", Get, "GET", "/events", Params: "since:time until:time " + Filters, Reply: ReplyKind.Stream),

        // container
        new("container/list", Get, "GET", "/containers/json", Params: "all:bool limit:int size:bool " + Filters),
        new("container/create", Post, "POST", "/containers/create", Params: "name:name platform:text", Body: BodyKind.Json),
        new("container/inspect", Get, "GET", "/containers/{id}/json", IdKind.Single, "size:bool"),
        new("container/top", Get, "GET", "/containers/{id}/top", IdKind.Single, "ps_args:text"),
        new("container/logs", Get, "GET", "/containers/{id}/logs", IdKind.Single,
            "follow:bool stdout:bool stderr:bool since:time until:time timestamps:bool tail:tail", Reply: ReplyKind.Logs),
        new("container/changes", Get, "GET", "/containers/{id}/changes", IdKind.Single),
        new("container/export", Get, "GET", "/containers/{id}/export", IdKind.Single, Reply: ReplyKind.Download,
            Attachment: "{id}.tar"),
        new("container/stats", Get, "GET", "/containers/{id}/stats", IdKind.Single, "stream:bool one-shot:bool",
            Reply: ReplyKind.Stream),
        new("container/resize", Post, "POST", "/containers/{id}/resize", IdKind.Single, "h:uint w:uint"),
        new("container/start", Post, "POST", "/containers/{id}/start", IdKind.Single, "detachKeys:text"),
        new("container/stop", Post, "POST", "/containers/{id}/stop", IdKind.Single, SignalTime),
        new("container/restart", Post, "POST", "/containers/{id}/restart", IdKind.Single, SignalTime),
        new("container/kill", Post, "POST", "/containers/{id}/kill", IdKind.Single, "signal:signal"),
        new("container/update", Post, "POST", "/containers/{id}/update", IdKind.Single, Body: BodyKind.Json),
        new("container/rename", Post, "POST", "/containers/{id}/rename", IdKind.Single, "name:name"),
        new("container/pause", Post, "POST", "/containers/{id}/pause", IdKind.Single),
        new("container/unpause", Post, "POST", "/containers/{id}/unpause", IdKind.Single),
        new("container/wait", Post, "POST", "/containers/{id}/wait", IdKind.Single, "condition:text"),
        new("container/remove", PostDelete, "DELETE", "/containers/{id}", IdKind.Single, "v:bool force:bool link:bool"),
        new("container/info_archive", Get | Verbs.Head, "HEAD", "/containers/{id}/archive", IdKind.Single, "path:path"),
        new("container/get_archive", Get, "GET", "/containers/{id}/archive", IdKind.Single, "path:path",
            Reply: ReplyKind.Download, Attachment: "{path}.tar"),
        new("container/put_archive", PostPut, "PUT", "/containers/{id}/archive", IdKind.Single,
            "path:path noOverwriteDirNonDir:bool copyUIDGID:bool", Body: BodyKind.Upload),
        new("container/exec", Post, "POST", "/containers/{id}/exec", IdKind.Single, Body: BodyKind.Json),
        new("container/prune", Post, "POST", "/containers/prune", Params: Filters),
        new("container/ttyd_start", Post, "GET", "/containers/{id}/json", IdKind.Single, Local: LocalAction.TtydStart),

        // exec
        new("exec/start", Post, "POST", "/exec/{id}/start", IdKind.Exec, Body: BodyKind.JsonOptional,
            Reply: ReplyKind.Hijack),
        new("exec/resize", Post, "POST", "/exec/{id}/resize", IdKind.Exec, "h:uint w:uint"),
        new("exec/inspect", Get, "GET", "/exec/{id}/json", IdKind.Exec),

        // image
        new("image/list", Get, "GET", "/images/json", Params: "all:bool digests:bool shared-size:bool manifests:bool " + Filters),
        new("image/build", Post, "POST", "/build",
            Params: "dockerfile:path t:text extrahosts:text q:bool nocache:bool cachefrom:json pull:text rm:bool forcerm:bool " +
                    "memory:uint memswap:int cpushares:uint cpusetcpus:text cpuperiod:uint cpuquota:uint buildargs:json " +
                    "shmsize:uint squash:bool labels:json networkmode:text platform:text target:text version:text remote:url",
            Body: BodyKind.UploadUnlessRemote, Reply: ReplyKind.Stream),
        new("image/build_prune", Post, "POST", "/build/prune", Params: "all:bool keep-storage:uint " + Filters),
        new("image/create", Post, "POST", "/images/create",
            Params: "fromImage:image fromSrc:text repo:image tag:text platform:text message:text changes:text",
            Body: BodyKind.UploadWhenFromSrc, Reply: ReplyKind.Stream, RegistryAuth: true),
        new("image/inspect", Get, "GET", "/images/{id}/json", IdKind.Image),
        new("image/history", Get, "GET", "/images/{id}/history", IdKind.Image),
        new("image/push", Post, "POST", "/images/{id}/push", IdKind.Image, "tag:text platform:text", Reply: ReplyKind.Stream,
            RegistryAuth: true),
        new("image/tag", Post, "POST", "/images/{id}/tag", IdKind.Image, "repo:image tag:text"),
        new("image/remove", PostDelete, "DELETE", "/images/{id}", IdKind.Image, "force:bool noprune:bool"),
        new("image/search", Get, "GET", "/images/search", Params: "term:text limit:uint " + Filters),
        new("image/prune", Post, "POST", "/images/prune", Params: Filters),
        new("image/get", Get, "GET", "/images/{id}/get", IdKind.OptionalImage, "names:image*",
            Reply: ReplyKind.Download, Attachment: "{id}.tar", DockerPathWithoutId: "/images/get"),
        new("image/load", Post, "POST", "/images/load", Params: "quiet:bool", Body: BodyKind.Upload, Reply: ReplyKind.Stream),

        // network
        new("network/list", Get, "GET", "/networks", Params: Filters),
        new("network/inspect", Get, "GET", "/networks/{id}", IdKind.Single, "verbose:bool scope:text"),
        new("network/remove", PostDelete, "DELETE", "/networks/{id}", IdKind.Single),
        new("network/create", Post, "POST", "/networks/create", Body: BodyKind.Json),
        new("network/connect", Post, "POST", "/networks/{id}/connect", IdKind.Single, Body: BodyKind.Json),
        new("network/disconnect", Post, "POST", "/networks/{id}/disconnect", IdKind.Single, Body: BodyKind.Json),
        new("network/prune", Post, "POST", "/networks/prune", Params: Filters),

        // volume
        new("volume/list", Get, "GET", "/volumes", Params: Filters),
        new("volume/create", Post, "POST", "/volumes/create", Body: BodyKind.JsonOptional),
        new("volume/inspect", Get, "GET", "/volumes/{id}", IdKind.Single),
        new("volume/update", PostPut, "PUT", "/volumes/{id}", IdKind.Single, "version:uint", Body: BodyKind.Json),
        new("volume/remove", PostDelete, "DELETE", "/volumes/{id}", IdKind.Single, "force:bool"),
        new("volume/prune", Post, "POST", "/volumes/prune", Params: Filters),

        // swarm: Docker's own cluster. Join tokens and the unlock key are secrets: write callers only.
        new("swarm/inspect", Get, "GET", "/swarm", WriterOnlyField: "JoinTokens"),
        new("swarm/init", Post, "POST", "/swarm/init", Body: BodyKind.Json),
        new("swarm/join", Post, "POST", "/swarm/join", Body: BodyKind.Json),
        new("swarm/leave", Post, "POST", "/swarm/leave", Params: "force:bool"),
        new("swarm/update", Post, "POST", "/swarm/update",
            Params: "version:uint rotateWorkerToken:bool rotateManagerToken:bool rotateManagerUnlockKey:bool", Body: BodyKind.Json),
        new("swarm/unlockkey", Get, "GET", "/swarm/unlockkey", NeedsWrite: true),
        new("swarm/unlock", Post, "POST", "/swarm/unlock", Body: BodyKind.Json),
        new("node/list", Get, "GET", "/nodes", Params: Filters),
        new("node/inspect", Get, "GET", "/nodes/{id}", IdKind.Single),
        new("node/update", Post, "POST", "/nodes/{id}/update", IdKind.Single, "version:uint", Body: BodyKind.Json),
        new("node/remove", PostDelete, "DELETE", "/nodes/{id}", IdKind.Single, "force:bool"),
        new("service/list", Get, "GET", "/services", Params: "status:bool " + Filters),
        new("service/create", Post, "POST", "/services/create", Body: BodyKind.Json, RegistryAuth: true),
        new("service/inspect", Get, "GET", "/services/{id}", IdKind.Single, "insertDefaults:bool"),
        new("service/update", Post, "POST", "/services/{id}/update", IdKind.Single,
            "version:uint registryAuthFrom:=spec|previous-spec rollback:=previous", Body: BodyKind.Json, RegistryAuth: true),
        new("service/remove", PostDelete, "DELETE", "/services/{id}", IdKind.Single),
        new("service/logs", Get, "GET", "/services/{id}/logs", IdKind.Single,
            "details:bool follow:bool stdout:bool stderr:bool since:time timestamps:bool tail:tail", Reply: ReplyKind.Logs),
        new("task/list", Get, "GET", "/tasks", Params: Filters),
        new("task/inspect", Get, "GET", "/tasks/{id}", IdKind.Single),
        new("task/logs", Get, "GET", "/tasks/{id}/logs", IdKind.Single,
            "details:bool follow:bool stdout:bool stderr:bool since:time timestamps:bool tail:tail", Reply: ReplyKind.Logs),
        new("secret/list", Get, "GET", "/secrets", Params: Filters),
        new("secret/create", Post, "POST", "/secrets/create", Body: BodyKind.Json),
        new("secret/inspect", Get, "GET", "/secrets/{id}", IdKind.Single),
        new("secret/update", Post, "POST", "/secrets/{id}/update", IdKind.Single, "version:uint", Body: BodyKind.Json),
        new("secret/remove", PostDelete, "DELETE", "/secrets/{id}", IdKind.Single),
        new("config/list", Get, "GET", "/configs", Params: Filters),
        new("config/create", Post, "POST", "/configs/create", Body: BodyKind.Json),
        new("config/inspect", Get, "GET", "/configs/{id}", IdKind.Single),
        new("config/update", Post, "POST", "/configs/{id}/update", IdKind.Single, "version:uint", Body: BodyKind.Json),
        new("config/remove", PostDelete, "DELETE", "/configs/{id}", IdKind.Single),

        // background jobs (pulls and pushes): dockerman's own, no daemon request
        new("job/list", Get, "", "", Local: LocalAction.JobList),
        new("job/get", Get, "", "", IdKind.Job, Reply: ReplyKind.Stream, Local: LocalAction.JobGet),
        new("job/cancel", Post | Verbs.Delete, "", "", IdKind.Job, Local: LocalAction.JobCancel),

        // the daemons this router reaches (endpoint=<name> picks one for any route)
        new("endpoint/list", Get, "", "", Local: LocalAction.EndpointList),

        // a LuCI session for a page that is not LuCI's own (the console): user name and password in the body
        new("session/login", Post, "", "", Local: LocalAction.SessionLogin, Anonymous: true),
    ];

    /// <summary>
    /// The endpoints luci-app-dockerman's pages call (the "function" entries of its menu.d file),
    /// each standing for a route above, with the methods menu.d allows: <c>"post": true</c> is
    /// POST only; without it, what the pages send (GET for downloads, PUT for the archive upload).
    /// </summary>
    public static readonly (string Path, string Canonical, Verbs Verbs)[] Pages =
    [
        ("containers/prune", "container/prune", Post),
        ("container/export", "container/export", Get),
        ("container/archive/get", "container/get_archive", Get),
        ("container/archive/put", "container/put_archive", PostPut),
        ("images/build", "image/build", Post),
        ("images/build/prune", "image/build_prune", Post),
        ("images/get", "image/get", Get),
        ("images/load", "image/load", Post),
        ("images/prune", "image/prune", Post),
        ("images/create", "image/create", Post),
        ("images/push", "image/push", Post),
        ("networks/prune", "network/prune", Post),
        ("volumes/prune", "volume/prune", Post),
        ("docker/events", "events", Post),
    ];

    /// <summary>Routes and the pages' endpoints together, longest path first so that a longer
    /// path (images/build/prune) wins over a shorter one it starts with (images/build).</summary>
    public static readonly Route[] All = BuildAll();

    private static Route[] BuildAll()
    {
        // Built at every start: plain loops and a sort on int keys, no delegates (a tenth of the
        // program's own instructions in a small request went here).
        var all = new Route[Routes.Length + Pages.Length];
        Routes.CopyTo(all, 0);
        int n = Routes.Length;
        foreach ((string path, string canonical, Verbs verbs) in Pages)
        {
            int i = -1;
            for (int j = 0; j < Routes.Length; j++)
            {
                if (all[j].Path == canonical)
                {
                    i = j;
                    break;
                }
            }

            if (i < 0)
            {
                throw new InvalidOperationException($"page endpoint {path} names no route {canonical}");
            }

            if (path == canonical)
            {
                all[i] = all[i] with { Verbs = verbs, Page = true };
            }
            else
            {
                all[n++] = all[i] with { Path = path, Canonical = canonical, Verbs = verbs, Page = true };
            }
        }

        Array.Resize(ref all, n);
        var keys = new int[n];
        for (int i = 0; i < n; i++)
        {
            keys[i] = -all[i].Path.Length;
        }

        Array.Sort(keys, all);
        return all;
    }
}
