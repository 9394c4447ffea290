namespace Dockerman.Relay;

/// <summary>The process's exit status: what a shell script or the web server's log can tell from it.</summary>
internal static class ExitCodes
{
    /// <summary>A complete reply with a status below 400.</summary>
    public const int Success = 0;

    /// <summary>A complete reply with an error status (ours or the daemon's).</summary>
    public const int ErrorReply = 1;

    /// <summary>Bad command-line arguments.</summary>
    public const int Usage = 2;

    /// <summary>The daemon failed after the reply had started: the output was cut short.</summary>
    public const int DaemonFailed = 3;

    /// <summary>The client went away (stdout closed).</summary>
    public const int ClientGone = 4;

    /// <summary>The daemon went silent inside a reply, or stopped reading an upload, for longer than
    /// idle_timeout: a reply that had started was cut short, else the client got a 504.</summary>
    public const int DaemonStalled = 5;

    /// <summary>Each status and what it means, for <c>dockerman --exit-codes</c> and --help.</summary>
    public static readonly (int Code, string Meaning)[] Described =
    [
        (Success, "a complete reply with a status below 400"),
        (ErrorReply, "a complete error reply (dockerman's or the daemon's)"),
        (Usage, "bad command-line arguments"),
        (DaemonFailed, "the daemon failed after the reply had started: the output was cut short"),
        (ClientGone, "the client went away (stdout closed)"),
        (DaemonStalled, "the daemon went silent for `idle_timeout`: a started reply was cut short, else a 504"),
    ];
}

/// <summary>The daemon stalled (see <see cref="ExitCodes.DaemonStalled"/>) before the reply started.</summary>
internal sealed class DaemonStalledException(string message) : Exception(message);

/// <summary>Writing to the client failed: it is gone, so the process ends at once.</summary>
internal sealed class ClientGoneException(Exception inner) : Exception("client gone", inner);
