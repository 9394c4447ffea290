namespace Dockerman.Http;

/// <summary>The parts of the daemon's status line and headers that the relay uses.</summary>
internal sealed class ResponseHead
{
    public int StatusCode { get; set; }

    public string ReasonPhrase { get; set; } = "";

    /// <summary>-1 when the reply has no Content-Length.</summary>
    public long ContentLength { get; set; } = -1;

    public bool Chunked { get; set; }

    public string? ContentType { get; set; }

    /// <summary>X-Docker-Container-Path-Stat, passed on as it is.</summary>
    public string? PathStat { get; set; }

    /// <summary>What to say of an error reply whose body says nothing.</summary>
    public string StatusText => $"Docker daemon: {StatusCode} {ReasonPhrase}";
}
