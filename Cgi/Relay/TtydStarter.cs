using System.Globalization;
using Dockerman.CgiIo;
using Dockerman.Config;
using Dockerman.Docker;
using Dockerman.Native;

namespace Dockerman.Relay;

/// <summary>
/// container/ttyd_start: runs <c>ttyd … docker -H &lt;endpoint&gt; exec -it [-u uid] &lt;container&gt; &lt;cmd&gt;</c>
/// detached from the CGI (its own session, stdio on /dev/null), every argument a separate argv element (no shell),
/// after the daemon confirmed the container exists. A ttyd started earlier by dockerman is stopped
/// first, by its pid file, so that one console runs at a time.
/// </summary>
internal sealed record TtydOptions(int Port, string? Uid, string Cmd);

internal static class TtydStarter
{
    public const int DefaultPort = 7682;

    public static TtydOptions ReadArguments(CgiRequest request)
    {
        string portText = request.Value("port") ?? DefaultPort.ToString(CultureInfo.InvariantCulture);
        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535)
        {
            throw ApiException.BadRequest("parameter 'port': expected a port number from 1 to 65535");
        }

        string cmd = request.Value("cmd") ?? "/bin/sh";
        if (cmd.Length is 0 or > 256 || !char.IsAsciiLetterOrDigit(cmd.TrimStart('/')[0]) ||
            cmd.AsSpan().ContainsAnyExcept("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/_.+-") ||
            cmd.Contains("..", StringComparison.Ordinal))
        {
            throw ApiException.BadRequest("parameter 'cmd': expected a program path such as /bin/sh");
        }

        string? uid = request.Value("uid");
        if (string.IsNullOrEmpty(uid))
        {
            uid = null;
        }
        else if (uid.Length > 64 || uid.AsSpan().ContainsAnyExcept("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.:-") ||
                 !char.IsAsciiLetterOrDigit(uid[0]) && uid[0] != '_')
        {
            throw ApiException.BadRequest("parameter 'uid': expected a user name or id, optionally with :group");
        }

        return new TtydOptions(port, uid, cmd);
    }

    /// <summary>The argv given to ttyd: options, then the docker CLI command it serves.</summary>
    public static List<string> TtydArguments(int port, string? uid, string cmd, string container, DockerEndpoint endpoint,
        string dockerCli)
    {
        var args = new List<string> { "-q", "-d", "2", "--once", "--writable", "-p", port.ToString(CultureInfo.InvariantCulture),
            dockerCli, "-H", endpoint.ToString() };
        args.AddRange(endpoint.CliTlsFlags());
        args.Add("exec");
        args.Add("-it");
        if (uid != null)
        {
            args.Add("-u");
            args.Add(uid);
        }

        args.Add(container);
        args.Add(cmd);
        return args;
    }

    public static byte[] Start(Settings settings, DockerEndpoint endpoint, string container, TtydOptions options)
    {
        (int port, string? uid, string cmd) = options;
        List<string> ttydArgs = TtydArguments(port, uid, cmd, container, endpoint, settings.DockerCli);
        string runDir = Path.GetDirectoryName(settings.JobsDir.TrimEnd('/')) ?? "/tmp";
        Directory.CreateDirectory(runDir);
        string pidFile = Path.Combine(runDir, "ttyd.pid");

        // Stop the console started before, if any: only ours, by the pid we recorded.
        StopPrevious(pidFile);
        int pid;
        try
        {
            pid = Spawn.Detached(settings.Ttyd, ttydArgs, [Spawn.SafePath, "HOME=/root", "TERM=xterm-256color"]);
        }
        catch (IOException e)
        {
            throw new ApiException(500, $"cannot start {settings.Ttyd}: {e.Message}");
        }

        File.WriteAllText(pidFile, pid.ToString(CultureInfo.InvariantCulture) + "\n");

        return Json.Document(w =>
        {
            w.WriteStartObject();
            w.WriteString("status", "ttyd started");
            w.WriteNumber("port", port);
            w.WriteNumber("pid", pid);
            w.WriteStartArray("argv");
            w.WriteStringValue(settings.Ttyd);
            foreach (string a in ttydArgs)
            {
                w.WriteStringValue(a);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    private static void StopPrevious(string pidFile)
    {
        if (Signals.OwnedPid(pidFile, "--once") is int old)
        {
            Signals.Kill(old, Signals.SigTerm);
        }

        File.Delete(pidFile);
    }
}
