namespace Dockerman.Http;

/// <summary>Every size and count limit the program enforces, in one place.</summary>
internal static class Limits
{
    /// <summary>One buffer for each copy loop. 64 KiB matches the Unix socket's default
    /// receive queue and the pipe size on Linux, so one read drains what one write filled.</summary>
    public const int CopyBufferSize = 64 * 1024;

    /// <summary>An upload goes to the daemon in steps of up to this much. A web server hands a CGI
    /// its request body a few KiB at a time (busybox httpd 8 KiB); gathering them into larger writes
    /// lets the daemon read in large steps too, which on a two-core router leaves more CPU to the rest
    /// of the relay (with <see cref="UploadPipeBytes"/>, put_archive under busybox httpd went from
    /// about 250 to 320–340 MiB/s on a two-core machine).</summary>
    public const int UploadBatchBytes = 256 * 1024;

    /// <summary>The pipe size asked for on stdin during an upload (the Linux default is 64 KiB and the
    /// unprivileged maximum 1 MiB): the web server can run ahead of the CGI instead of waiting on it.</summary>
    public const int UploadPipeBytes = 1024 * 1024;

    /// <summary>The daemon's status line and headers together. Docker's replies carry a
    /// handful of short headers; 64 KiB is generous and bounds the head buffer.</summary>
    public const int MaxResponseHeadBytes = 64 * 1024;

    /// <summary>Headers in one reply.</summary>
    public const int MaxResponseHeaders = 100;

    /// <summary>A chunk-size line, extensions included (the runtime's chunked reader uses
    /// a similar cap: a hex size needs at most 16 digits).</summary>
    public const int MaxChunkSizeLineBytes = 1024;

    /// <summary>Trailer section after the last chunk.</summary>
    public const int MaxTrailerBytes = 16 * 1024;

    /// <summary>An error body from the daemon is read whole to check its shape.</summary>
    public const int MaxErrorBodyBytes = 64 * 1024;

    /// <summary>A reply read whole to take a secret field out of it (swarm inspect: a few KiB, mostly
    /// the CA certificate).</summary>
    public const int MaxRedactedReplyBytes = 1024 * 1024;

    /// <summary>Default for the max_json_body setting.</summary>
    public const int DefaultMaxJsonBody = 1024 * 1024;

    /// <summary>Nesting of a JSON body; Docker's own bodies nest a few levels.</summary>
    public const int MaxJsonDepth = 64;

    /// <summary>PATH_INFO length.</summary>
    public const int MaxPathBytes = 4096;

    /// <summary>QUERY_STRING length.</summary>
    public const int MaxQueryBytes = 16 * 1024;

    /// <summary>Name=value pairs in a query string.</summary>
    public const int MaxQueryParameters = 64;

    /// <summary>One id or image reference (the distribution reference grammar caps a
    /// name at 255 characters; a tag and digest add less than 200 more).</summary>
    public const int MaxIdBytes = 512;

    /// <summary>An application/x-www-form-urlencoded body: a few short fields.</summary>
    public const int MaxFormBytes = 64 * 1024;

    /// <summary>X-Registry-Auth: base64url of a small JSON object (user, password or token, server).</summary>
    public const int MaxRegistryAuthBytes = 16 * 1024;

    /// <summary>A request header variable (HTTP_AUTHORIZATION, HTTP_COOKIE, CONTENT_TYPE…).</summary>
    public const int MaxHeaderValueBytes = 8 * 1024;

    /// <summary>Parts of one multipart/form-data body: the file and a few fields.</summary>
    public const int MaxMultipartParts = 32;

    /// <summary>The headers of one multipart part.</summary>
    public const int MaxMultipartHeadBytes = 8 * 1024;

    /// <summary>Background jobs kept in jobs_dir at once; finished ones are removed first when full.</summary>
    public const int MaxJobs = 16;

    /// <summary>Progress a job keeps. Past it, pure progress-bar lines are dropped; status and error
    /// lines still count up to <see cref="MaxJobProgressHardBytes"/>.</summary>
    public const int MaxJobProgressBytes = 4 * 1024 * 1024;

    public const int MaxJobProgressHardBytes = 5 * 1024 * 1024;

    /// <summary>One progress line examined for an error message.</summary>
    public const int MaxProgressLineBytes = 64 * 1024;

    /// <summary>How often a reader of a running job's progress looks for more.</summary>
    public const int JobPollMs = 100;

    /// <summary>How often a reader of a quiet running job makes sure its worker still lives: one that
    /// died without a word (killed, out of memory) fails the job, and the reader ends.</summary>
    public const int JobWorkerCheckMs = 1000;

    /// <summary>A finished job that has been read to its end is removed after this long.</summary>
    public const int JobRetentionSeconds = 3600;

    /// <summary>A UCI configuration file.</summary>
    public const int MaxConfigFileBytes = 64 * 1024;

    /// <summary>The token file of the token provider.</summary>
    public const int MaxTokenFileBytes = 4096;

    /// <summary>How long connecting to the daemon may take before 502.</summary>
    public const int ConnectTimeoutMs = 1000;

    /// <summary>The largest reply the rpcd plugin prints: RPC_EXEC_MAX_SIZE of rpcd's exec.h (64 buffers of
    /// 4 KiB). rpcd turns the reply into one ubus message of at most 1 MiB, and blobmsg takes up to about
    /// twice the bytes of the JSON it comes from: this bound keeps a reply well inside both.</summary>
    public const int RpcReplyBytes = 256 * 1024;

    /// <summary>The arguments rpcd writes to the plugin's stdin (the same 256 KiB bound on its side).</summary>
    public const int RpcArgsBytes = 256 * 1024;

    /// <summary>Seconds an rpcd plugin call may take, streams included: well inside rpcd's own 120 s
    /// (it then kills the plugin), the ubus CLI's 30 s default and LuCI's 20 s rpc timeout.</summary>
    public const int RpcDeadlineSeconds = 15;

    /// <summary>The limits a caller can meet, for <c>dockerman --limits</c>: name, value, unit, what it bounds.</summary>
    public static readonly (string Name, long Value, string Unit, string Bounds)[] Documented =
    [
        (nameof(MaxPathBytes), MaxPathBytes, "bytes", "`PATH_INFO`"),
        (nameof(MaxQueryBytes), MaxQueryBytes, "bytes", "`QUERY_STRING`"),
        (nameof(MaxQueryParameters), MaxQueryParameters, "pairs", "name=value pairs in a query string"),
        (nameof(MaxIdBytes), MaxIdBytes, "bytes", "one id or image reference"),
        (nameof(MaxHeaderValueBytes), MaxHeaderValueBytes, "bytes", "one request header variable (`HTTP_AUTHORIZATION`, `HTTP_COOKIE`, `CONTENT_TYPE`…)"),
        (nameof(MaxFormBytes), MaxFormBytes, "bytes", "the fields of a form body (urlencoded or multipart)"),
        (nameof(MaxMultipartParts), MaxMultipartParts, "parts", "parts of one multipart/form-data body"),
        (nameof(MaxMultipartHeadBytes), MaxMultipartHeadBytes, "bytes", "the headers of one multipart part"),
        (nameof(MaxRegistryAuthBytes), MaxRegistryAuthBytes, "bytes", "an `X-Registry-Auth` value"),
        (nameof(DefaultMaxJsonBody), DefaultMaxJsonBody, "bytes", "a JSON body, unless the `max_json_body` setting says otherwise"),
        (nameof(MaxJsonDepth), MaxJsonDepth, "levels", "nesting of a JSON body"),
        (nameof(MaxResponseHeadBytes), MaxResponseHeadBytes, "bytes", "the daemon's status line and headers"),
        (nameof(MaxResponseHeaders), MaxResponseHeaders, "headers", "headers in one reply of the daemon"),
        (nameof(MaxErrorBodyBytes), MaxErrorBodyBytes, "bytes", "an error body of the daemon, read whole"),
        (nameof(ConnectTimeoutMs), ConnectTimeoutMs, "ms", "connecting to the daemon, before a 502"),
        (nameof(MaxJobs), MaxJobs, "jobs", "background jobs kept at once (finished ones go first)"),
        (nameof(MaxJobProgressBytes), MaxJobProgressBytes, "bytes", "a job's progress kept (past it, progress-bar lines are dropped)"),
        (nameof(MaxJobProgressHardBytes), MaxJobProgressHardBytes, "bytes", "a job's progress kept, status and error lines included"),
        (nameof(JobRetentionSeconds), JobRetentionSeconds, "s", "a finished job read to its end, before it is removed"),
        (nameof(RpcArgsBytes), RpcArgsBytes, "bytes", "the arguments of an rpcd plugin call"),
        (nameof(RpcReplyBytes), RpcReplyBytes, "bytes", "the reply of an rpcd plugin call"),
        (nameof(RpcDeadlineSeconds), RpcDeadlineSeconds, "s", "one rpcd plugin call, streams included"),
    ];
}
