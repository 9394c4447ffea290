namespace Dockerman.Routing;

/// <summary>
/// Every operation dockerman allows, as data. Anything not here is 404 and never reaches
/// the daemon. Paths and names follow the reference rpcd plugin; aliases are the paths the
/// LuCI frontend calls.
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
                    "shmsize:uint squash:bool labels:json networkmode:text platform:text target:text version:text",
            Body: BodyKind.Upload, Reply: ReplyKind.Stream),
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

        // background jobs (pulls and pushes): dockerman's own, no daemon request
        new("job/list", Get, "", "", Local: LocalAction.JobList),
        new("job/get", Get, "", "", IdKind.Job, Reply: ReplyKind.Stream, Local: LocalAction.JobGet),
        new("job/cancel", Post | Verbs.Delete, "", "", IdKind.Job, Local: LocalAction.JobCancel),
    ];

    /// <summary>The paths luci-app-dockerman's frontend calls, each standing for a route above.</summary>
    public static readonly (string Alias, string Canonical)[] Aliases =
    [
        ("container/archive/get", "container/get_archive"),
        ("container/archive/put", "container/put_archive"),
        ("containers/prune", "container/prune"),
        ("images/build", "image/build"),
        ("images/build/prune", "image/build_prune"),
        ("images/get", "image/get"),
        ("images/load", "image/load"),
        ("images/prune", "image/prune"),
        ("images/create", "image/create"),
        ("images/push", "image/push"),
        ("networks/prune", "network/prune"),
        ("volumes/prune", "volume/prune"),
        ("docker/events", "events"),
    ];

    /// <summary>Routes and aliases together, longest path first so that a longer alias
    /// (images/build/prune) wins over a shorter one it starts with (images/build).</summary>
    public static readonly Route[] All = BuildAll();

    private static Route[] BuildAll()
    {
        // Built at every start: plain loops and a sort on int keys, no delegates (a tenth of the
        // program's own instructions in a small request went here).
        var all = new Route[Routes.Length + Aliases.Length];
        var keys = new int[all.Length];
        Routes.CopyTo(all, 0);
        int n = Routes.Length;
        foreach ((string alias, string canonical) in Aliases)
        {
            Route? target = null;
            foreach (Route r in Routes)
            {
                if (r.Path == canonical)
                {
                    target = r;
                    break;
                }
            }

            all[n++] = (target ?? throw new InvalidOperationException($"alias {alias} names no route {canonical}"))
                with
            { Path = alias, Canonical = canonical };
        }

        for (int i = 0; i < all.Length; i++)
        {
            keys[i] = -all[i].Path.Length;
        }

        Array.Sort(keys, all);
        return all;
    }
}
