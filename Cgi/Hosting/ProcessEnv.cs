using System.Diagnostics;
using System.Text;
using Dockerman.Docker;
using Dockerman.Native;

namespace Dockerman.Hosting;

/// <summary>
/// Everything the program takes from outside the process: environment variables, the
/// standard streams, the clock, the file system root for settings, and the way to reach the
/// daemon. The real one wraps the process; tests build their own.
/// </summary>
internal sealed class ProcessEnv
{
    public required Func<string, string?> GetVariable { get; init; }

    public required Stream Stdin { get; init; }

    public required Stream Stdout { get; init; }

    public required TextWriter Stderr { get; init; }

    /// <summary>Milliseconds on a monotonic clock.</summary>
    public Func<long> Milliseconds { get; init; } = () => Stopwatch.GetTimestamp() * 1000 / Stopwatch.Frequency;

    public IDaemonConnector Connector { get; init; } = new SocketConnector();

    /// <summary>Where the UCI files `dockerman` and `dockerd` live.</summary>
    public string ConfigDir => GetVariable("DOCKERMAN_CONFIG_DIR") is { Length: > 0 } dir ? dir : "/etc/config";

    public static ProcessEnv FromProcess() => new()
    {
        GetVariable = Environment.GetEnvironmentVariable,
        // Plain descriptors rather than System.Console: see FdStream.
        Stdin = new FdStream(0, canRead: true),
        Stdout = new FdStream(1, canRead: false),
        Stderr = new StreamWriter(new FdStream(2, canRead: false), new UTF8Encoding(false), 1024) { AutoFlush = true },
    };
}
