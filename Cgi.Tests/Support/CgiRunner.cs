using System.Diagnostics;
using System.Text;

namespace Dockerman.Tests.Support;

/// <summary>What the binary printed, split into the CGI head and the body.</summary>
public sealed class CgiReply
{
    public int ExitCode { get; init; }

    public int Status { get; init; }

    public string StatusLine { get; init; } = "";

    /// <summary>Header names as printed; look-ups ignore case.</summary>
    public Dictionary<string, string> Headers { get; init; } = new(StringComparer.OrdinalIgnoreCase);

    public byte[] Body { get; init; } = [];

    public string Stderr { get; init; } = "";

    public string Text => Encoding.UTF8.GetString(Body);

    public string? Header(string name) => Headers.TryGetValue(name, out string? v) ? v : null;

    public override string ToString() => $"{StatusLine} (exit {ExitCode}) {Text[..Math.Min(Text.Length, 400)]} stderr: {Stderr}";

    /// <summary>Splits raw CGI output at the first blank line; throws if there is no head.</summary>
    public static CgiReply Parse(byte[] raw, int exitCode, string stderr)
    {
        int end = raw.AsSpan().IndexOf("\r\n\r\n"u8);
        if (end < 0)
        {
            return new CgiReply { ExitCode = exitCode, Status = 0, Body = raw, Stderr = stderr };
        }

        string head = Encoding.ASCII.GetString(raw, 0, end);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        int status = 0;
        string statusLine = "";
        foreach (string line in head.Split("\r\n"))
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            string name = line[..colon];
            string value = line[(colon + 1)..].Trim();
            if (name == "Status")
            {
                statusLine = value;
                status = int.Parse(value.AsSpan(0, 3), System.Globalization.CultureInfo.InvariantCulture);
            }
            else
            {
                headers[name] = value;
            }
        }

        return new CgiReply
        {
            ExitCode = exitCode,
            Status = status,
            StatusLine = statusLine,
            Headers = headers,
            Body = raw[(end + 4)..],
            Stderr = stderr,
        };
    }
}

/// <summary>
/// Runs the published binary as a separate process with a CGI environment made from scratch
/// (nothing inherited but PATH), feeding stdin and collecting stdout and stderr.
/// </summary>
public sealed class CgiRunner
{
    public Dictionary<string, string> BaseEnvironment { get; } = new(StringComparer.Ordinal);

    /// <summary>One empty settings folder for the whole run, for runners given none: nothing in it
    /// is ever written, so it is shared rather than made again for every runner.</summary>
    private static readonly Lazy<string> EmptyConfigDir = new(() => Paths.TempDir("dmcfg"));

    public CgiRunner(string? dockerHost = null, string? configDir = null)
    {
        if (dockerHost != null)
        {
            BaseEnvironment["DOCKER_HOST"] = dockerHost;
        }

        // An empty config dir by default, so that /etc/config on this machine never matters.
        BaseEnvironment["DOCKERMAN_CONFIG_DIR"] = configDir ?? EmptyConfigDir.Value;
    }

    public CgiReply Get(string path, string query = "", Dictionary<string, string>? env = null) =>
        Run("GET", path, query, null, env);

    public CgiReply Post(string path, string query = "", string? json = null, Dictionary<string, string>? env = null) =>
        Run("POST", path, query, json == null ? null : Encoding.UTF8.GetBytes(json), env, json == null ? null : "application/json");

    /// <summary>One request. <paramref name="path"/> is under /admin/docker/ unless it starts with '/'.</summary>
    public CgiReply Run(string method, string path, string query = "", byte[]? body = null,
        Dictionary<string, string>? env = null, string? contentType = null, bool contentLength = true,
        TimeSpan? timeout = null)
    {
        Dictionary<string, string> vars = Variables(method, path, query, body, env, contentType, contentLength);
        return Exec(vars, body == null ? null : new MemoryStream(body), timeout ?? TimeSpan.FromSeconds(60));
    }

    /// <summary>The CGI environment for one request, as <see cref="Run"/> passes it.</summary>
    public Dictionary<string, string> Variables(string method, string path, string query = "", byte[]? body = null,
        Dictionary<string, string>? env = null, string? contentType = null, bool contentLength = true)
    {
        var vars = new Dictionary<string, string>(BaseEnvironment, StringComparer.Ordinal)
        {
            ["REQUEST_METHOD"] = method,
            ["PATH_INFO"] = path.StartsWith('/') ? path : "/admin/docker/" + path,
            ["QUERY_STRING"] = query,
        };
        if (body != null && contentLength)
        {
            vars["CONTENT_LENGTH"] = body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        if (contentType != null)
        {
            vars["CONTENT_TYPE"] = contentType;
        }

        if (env != null)
        {
            foreach ((string k, string v) in env)
            {
                vars[k] = v;
            }
        }

        return vars;
    }

    /// <summary>Runs the binary with exactly these variables (plus PATH) and this stdin.</summary>
    public static CgiReply Exec(Dictionary<string, string> vars, Stream? stdin, TimeSpan timeout, params string[] args) =>
        Exec(Paths.Binary, vars, stdin, timeout, args);

    /// <summary>Runs <paramref name="program"/> (a shell that execs the binary) the same way.</summary>
    public static CgiReply ExecProgram(string program, Dictionary<string, string> vars, Stream? stdin, TimeSpan timeout,
        params string[] args) => Exec(program, vars, stdin, timeout, args);

    /// <summary>Runs <paramref name="program"/> (the binary, or an emulator followed by it in <paramref name="args"/>).</summary>
    public static CgiReply Exec(string program, Dictionary<string, string> vars, Stream? stdin, TimeSpan timeout, params string[] args)
    {
        using var process = Process.Start(StartInfo(program, vars, args))!;
        var stdout = new MemoryStream();
        Task copyOut = process.StandardOutput.BaseStream.CopyToAsync(stdout);
        Task<string> err = process.StandardError.ReadToEndAsync();
        Task copyIn = Task.Run(() =>
        {
            try
            {
                stdin?.CopyTo(process.StandardInput.BaseStream);
            }
            catch (IOException)
            {
                // The program may stop reading early (a refused request): that is its right.
            }
            finally
            {
                try
                {
                    process.StandardInput.Close();
                }
                catch (IOException)
                {
                }
            }
        });
        if (!process.WaitForExit(timeout))
        {
            process.Kill(true);
            throw new TimeoutException($"dockerman did not finish within {timeout}");
        }

        process.WaitForExit();
        copyOut.Wait();
        copyIn.Wait(TimeSpan.FromSeconds(5));
        return CgiReply.Parse(stdout.ToArray(), process.ExitCode, err.Result);
    }

    /// <summary>How the binary is started: these variables and PATH, nothing inherited, all three streams piped.
    /// For tests that drive the process themselves (close its stdout early, say).</summary>
    public static ProcessStartInfo StartInfo(Dictionary<string, string> vars, params string[] args) =>
        StartInfo(Paths.Binary, vars, args);

    /// <summary>A start for <paramref name="program"/> with exactly these variables (plus PATH).</summary>
    public static ProcessStartInfo StartInfo(string program, Dictionary<string, string> vars, params string[] args)
    {
        var psi = new ProcessStartInfo(program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment.Clear();
        psi.Environment["PATH"] = "/usr/sbin:/usr/bin:/sbin:/bin";
        foreach ((string k, string v) in vars)
        {
            psi.Environment[k] = v;
        }

        return psi;
    }
}
