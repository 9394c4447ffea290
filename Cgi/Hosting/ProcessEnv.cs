using System.Diagnostics;
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

    /// <summary>Wall-clock time, for job timestamps.</summary>
    public Func<DateTimeOffset> Now { get; init; } = () => DateTimeOffset.UtcNow;

    /// <summary>This program's own path, to start a background job worker. Looked up when first
    /// asked, by the requests that start a job: resolving it costs a readlink per part of the path.</summary>
    public string? ProcessPath => _processPath ??= FindProcessPath();

    /// <summary>How <see cref="ProcessPath"/> is found.</summary>
    public Func<string?> FindProcessPath { get; init; } = () => Environment.ProcessPath;

    private string? _processPath;

    public IDaemonConnector Connector { get; init; } = new SocketConnector();

    /// <summary>The name the program was started by (argv[0]): a link named after an rpcd object makes it that object's plugin.</summary>
    public string? ProgramName { get; init; }

    /// <summary>Where the UCI files `dockerman` and `dockerd` live.</summary>
    public string ConfigDir => GetVariable("DOCKERMAN_CONFIG_DIR") is { Length: > 0 } dir ? dir : "/etc/config";

    public static ProcessEnv FromProcess() => new()
    {
        GetVariable = Environment.GetEnvironmentVariable,
        ProgramName = Environment.GetCommandLineArgs() is [string first, ..] ? first : null,
        // Not System.Console: it swallows EPIPE on stdout (a client that went away would never be
        // noticed) and brings terminal handling a CGI program never uses.
        Stdin = new FdStream(0, writable: false),
        Stdout = new FdStream(1, writable: true),
        Stderr = new StreamWriter(new FdStream(2, writable: true), new System.Text.UTF8Encoding(false)) { AutoFlush = true },
    };
}
