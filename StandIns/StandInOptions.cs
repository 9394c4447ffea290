using System.Net;
using Dockerman.StandIns.Rpcd;

namespace Dockerman.StandIns;

/// <summary>What the stand-ins run with: the bus's socket, rpcd's three folders and exec bounds,
/// and where uhttpd's /ubus listens (none: no HTTP front).</summary>
internal sealed record StandInOptions(string UbusSocket, RpcdFolders Folders)
{
    /// <summary>Where the /ubus JSON-RPC front listens; port 0 takes a free one.</summary>
    public IPEndPoint? Http { get; init; }

    /// <summary>rpcd's exec timeout (<c>-t</c>).</summary>
    public TimeSpan ExecTimeout { get; init; } = ExecLimits.DefaultTimeout;

    /// <summary>How long /ubus waits for one call (uhttpd's script timeout, 60 s by default).</summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The environment exec plugins get; null: this process's own.</summary>
    public IReadOnlyDictionary<string, string>? PluginEnvironment { get; init; }

    /// <summary>Whether what is logged also goes to stderr as it comes.</summary>
    public bool EchoLog { get; init; }
}
