namespace Dockerman.Routing;

/// <summary>HTTP methods a client may use for a route.</summary>
[Flags]
internal enum Verbs
{
    Get = 1,
    Head = 2,
    Post = 4,
    Put = 8,
    Delete = 16,
}

/// <summary>What follows the route's path, if anything.</summary>
internal enum IdKind
{
    /// <summary>Nothing may follow.</summary>
    None,

    /// <summary>One segment: the id or name of a container, network, volume, node, service, task, secret or config.</summary>
    Single,

    /// <summary>An exec instance id: 64 hex digits.</summary>
    Exec,

    /// <summary>A background job id: 16 hex digits.</summary>
    Job,

    /// <summary>An image reference; may contain '/', ':' and '@'.</summary>
    Image,

    /// <summary>An image reference, or none (then the names come as query values).</summary>
    OptionalImage,
}

/// <summary>What the client sends.</summary>
internal enum BodyKind
{
    None,

    /// <summary>A JSON object, required, checked before anything is sent.</summary>
    Json,

    /// <summary>A JSON object, or nothing (then <c>{}</c> is sent).</summary>
    JsonOptional,

    /// <summary>A tar archive, streamed from stdin to the daemon.</summary>
    Upload,

    /// <summary>image/create: a tar archive when <c>fromSrc=-</c>, else no body.</summary>
    UploadWhenFromSrc,

    /// <summary>image/build: a tar archive, unless <c>remote</c> names where the daemon fetches the context.</summary>
    UploadUnlessRemote,
}

/// <summary>How the daemon's reply is passed on.</summary>
internal enum ReplyKind
{
    /// <summary>A small document, written when read.</summary>
    Json,

    /// <summary>Newline-delimited JSON or stats, flushed per read; ends at the stream deadline.</summary>
    Stream,

    /// <summary>Container logs: frames or raw bytes, optionally turned into text; flushed per read.</summary>
    Logs,

    /// <summary>An archive to save: Content-Disposition attachment.</summary>
    Download,

    /// <summary>exec start: the daemon hijacks the connection and sends raw output until it closes.</summary>
    Hijack,
}

/// <summary>Operations dockerman performs itself, after checking with the daemon.</summary>
internal enum LocalAction
{
    None,

    /// <summary>job/list: the background jobs.</summary>
    JobList,

    /// <summary>job/get: a job's progress from an offset.</summary>
    JobGet,

    /// <summary>job/cancel: ends a running job.</summary>
    JobCancel,

    /// <summary>endpoint/list: the daemons this router can reach.</summary>
    EndpointList,

    /// <summary>Starts ttyd running <c>docker exec -it</c> for a web console, as the reference rpcd plugin does.</summary>
    TtydStart,

    /// <summary>session/login: rpcd's <c>session.login</c> with a user name and password; answers the session id.</summary>
    SessionLogin,
}

/// <summary>One allowed operation: the path under /admin/docker/ (RouteMatcher.Prefixes), the methods a client may use,
/// and the Docker API request it becomes.</summary>
/// <param name="Params">Query parameters forwarded, as <c>name:type</c> words (types in QueryParameters.IsValid;
/// <c>=a|b</c> for one of a fixed set of values).</param>
/// <param name="Attachment">Download file name pattern: <c>{id}</c> or <c>{path}</c> are replaced, made safe.</param>
/// <param name="Canonical">For an alias, the route it stands for.</param>
/// <param name="RegistryAuth">The route talks to a registry: <c>X-Registry-Auth</c> (a query or form
/// value, since uhttpd does not pass that header) goes to the daemon as the header. Elsewhere it is dropped.</param>
/// <param name="Local">An operation of dockerman's own; the Docker request then only checks the container.</param>
/// <param name="NeedsWrite">The route needs the "write" right although its verb is a read: its reply is a secret
/// (the swarm's unlock key).</param>
/// <param name="WriterOnlyField">A top-level field of the JSON reply that holds secrets (the swarm's join tokens):
/// only a caller with the "write" right sees it; for the others it is removed.</param>
/// <param name="Page">An endpoint of the LuCI pages (RouteTable.Pages): also served under their prefixes.</param>
/// <param name="Anonymous">No credentials are asked for: the route is how a caller gets them (session/login).</param>
internal sealed record Route(
    string Path,
    Verbs Verbs,
    string DockerMethod,
    string DockerPath,
    IdKind Id = IdKind.None,
    string Params = "",
    BodyKind Body = BodyKind.None,
    ReplyKind Reply = ReplyKind.Json,
    string? Attachment = null,
    string? DockerPathWithoutId = null,
    string? Canonical = null,
    LocalAction Local = LocalAction.None,
    bool RegistryAuth = false,
    bool NeedsWrite = false,
    string? WriterOnlyField = null,
    bool Page = false,
    bool Anonymous = false)
{
    /// <summary>The route an alias stands for, or the route itself: what code keys on, so that an alias
    /// behaves exactly as its route.</summary>
    public string Name => Canonical ?? Path;

    /// <summary>Read routes need the "read" right, all others (and those whose reply is a secret) "write".</summary>
    public bool IsWrite => NeedsWrite || (Verbs & ~(Verbs.Get | Verbs.Head)) != 0;

    /// <summary>Whether the request's body is an archive to stream to the daemon, by the route and its query.</summary>
    public bool TakesUpload(Func<string, string?> queryValue) => Body switch
    {
        BodyKind.Upload => true,
        BodyKind.UploadWhenFromSrc => queryValue("fromSrc") == "-",
        BodyKind.UploadUnlessRemote => queryValue("remote") == null,
        _ => false,
    };

    public static readonly (Verbs Verb, string Name)[] VerbNames =
        [(Verbs.Get, "GET"), (Verbs.Head, "HEAD"), (Verbs.Post, "POST"), (Verbs.Put, "PUT"), (Verbs.Delete, "DELETE")];

    /// <summary>The Allow header of a 405.</summary>
    public string AllowHeader
    {
        get
        {
            var names = new List<string>(4);
            foreach ((Verbs v, string name) in VerbNames)
            {
                if ((Verbs & v) != 0)
                {
                    names.Add(name);
                }
            }

            return string.Join(", ", names);
        }
    }
}
