using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Dockerman.Tests.Support.OpenWrt;

/// <summary>
/// The router's own web stack, built from OpenWrt's sources by build/openwrt-stack.sh into
/// out/openwrt: ubusd on its own socket, rpcd with real logins and ACL files, and uhttpd on a free
/// 127.0.0.1 port serving the published binary as /cgi-bin/dockerman with the router's options
/// (<c>-t 60 -T 30 -n 3</c>, <c>/ubus</c> JSON-RPC, aliases).
/// <para>
/// rpcd reads /etc/config/rpcd and its ACL and exec plugin folders compiled in under the prefix;
/// nothing of this machine is touched: rpcd runs in its own mount namespace where /etc and /run
/// are overlays (changes stay in this stack's folder) and the stack's folders are mounted on
/// /etc/config and on rpcd's two folders. uhttpd joins that namespace, so dockerman (and any exec
/// plugin) reads the stack's /etc/config/{dockerman,dockerd,uhttpd} as on a router. The mounts
/// go away with the processes; each is stopped by its pid.
/// </para>
/// </summary>
public sealed class OpenWrtStack : IDisposable
{
    private const int PortAttempts = 5;

    private readonly List<LoggedProcess> _processes = [];
    private readonly OpenWrtStackOptions _options;

    /// <summary>The prefix build/openwrt-stack.sh installed into: OPENWRT_PREFIX, else out/openwrt.</summary>
    public static string Prefix { get; } = FindPrefix();

    public OpenWrtStack()
        : this(new OpenWrtStackOptions())
    {
    }

    public OpenWrtStack(OpenWrtStackOptions options)
    {
        _options = options;
        Dir = Paths.TempDir("owrt");
        try
        {
            Prepare();
            StartUbusd();
            StartRpcd();
            if (options.Uhttpd)
            {
                StartUhttpd();
                Http = new HttpClient { BaseAddress = BaseUrl, Timeout = TimeSpan.FromSeconds(120) };
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>This stack's folder (config, ACL files, plugins, web root, sockets).</summary>
    public string Dir { get; }

    /// <summary>What rpcd, uhttpd and the programs they run see as /etc/config.</summary>
    public string ConfigDir => Path.Combine(Dir, "config");

    /// <summary>rpcd's ACL folder as rpcd sees it.</summary>
    public string AclDir => Path.Combine(Dir, "acl.d");

    /// <summary>rpcd's exec plugin folder as rpcd sees it.</summary>
    public string PluginDir => Path.Combine(Dir, "plugins");

    /// <summary>uhttpd's document root (-h); the program is cgi-bin/dockerman in it.</summary>
    public string Www => Path.Combine(Dir, "www");

    public string UbusSocket => Path.Combine(Dir, "ubus.sock");

    public int Port { get; private set; }

    /// <summary>uhttpd's process id (nsenter runs it in place), to look at its descriptors in /proc.</summary>
    public int UhttpdPid { get; private set; }

    /// <summary>rpcd's process (unshare and sh exec it, so the pid is rpcd's own).</summary>
    public int RpcdPid { get; private set; }

    /// <summary>Where uhttpd runs the program from: what a CGI's /proc/PID/exe names.</summary>
    public string CgiPath => Path.Combine(Www, "cgi-bin", "dockerman");

    /// <summary>http://127.0.0.1:PORT/ of uhttpd.</summary>
    public Uri BaseUrl => new($"http://127.0.0.1:{Port}/");

    /// <summary>A client for <see cref="BaseUrl"/> (null without uhttpd).</summary>
    public HttpClient? Http { get; private set; }

    /// <summary>What ubusd, rpcd and uhttpd (and the scripts it ran) wrote, for failure messages.</summary>
    public string Log => string.Join("\n", _processes.Select(p => $"--- {p.Name} (pid {p.Pid}):\n{p.Log}"));

    private static string FindPrefix()
    {
        string prefix = Environment.GetEnvironmentVariable("OPENWRT_PREFIX") is { Length: > 0 } p
            ? p
            : Path.Combine(Paths.RepoRoot, "out", "openwrt");
        if (!File.Exists(Path.Combine(prefix, "sbin", "rpcd")) || !File.Exists(Path.Combine(prefix, "bin", "uhttpd")))
        {
            throw new InvalidOperationException(
                $"the OpenWrt stack is missing at {prefix}: run 'build/openwrt-stack.sh' (make test does)");
        }

        return prefix;
    }

    private void Prepare()
    {
        foreach (string d in (string[])["config", "acl.d", "plugins", "www/cgi-bin", "jobs", "etc.upper/config",
                     "etc.work", "run.upper", "run.work"])
        {
            Directory.CreateDirectory(Path.Combine(Dir, d));
        }

        File.WriteAllText(Path.Combine(ConfigDir, "rpcd"), RpcdConfig(_options.Logins));
        foreach ((string name, string json) in _options.AclFiles)
        {
            File.WriteAllText(Path.Combine(AclDir, name), json);
        }

        foreach ((string name, string target) in _options.ExecPlugins)
        {
            File.CreateSymbolicLink(Path.Combine(PluginDir, name), target);
        }

        WriteDockermanConfig();
        if (_options.DockerHost != null)
        {
            File.WriteAllText(Path.Combine(ConfigDir, "dockerd"),
                $"config globals 'globals'\n\tlist hosts '{_options.DockerHost}'\n");
        }

        // uhttpd's own UCI file as on a router: dockerman reads script_timeout from it.
        var uhttpd = new StringBuilder("config uhttpd 'main'\n");
        uhttpd.Append(CultureInfo.InvariantCulture, $"\toption max_requests '{_options.MaxRequests}'\n");
        uhttpd.Append(CultureInfo.InvariantCulture, $"\toption script_timeout '{_options.ScriptTimeout}'\n");
        uhttpd.Append(CultureInfo.InvariantCulture, $"\toption network_timeout '{_options.NetworkTimeout}'\n");
        foreach (string alias in _options.Aliases)
        {
            uhttpd.Append(CultureInfo.InvariantCulture, $"\tlist alias '{alias}'\n");
        }

        File.WriteAllText(Path.Combine(ConfigDir, "uhttpd"), uhttpd.ToString());
        File.WriteAllText(Path.Combine(Dir, "httpd.conf"), "");
        if (_options.Uhttpd)
        {
            File.Copy(_options.CgiProgram ?? Paths.Binary, Path.Combine(Www, "cgi-bin", "dockerman")); // keeps the execute bits
        }
    }

    /// <summary>Writes /etc/config/dockerman: this stack's ubus socket and jobs folder, plus <paramref name="extra"/>
    /// (and the options the stack was started with). Takes effect at the next request.</summary>
    public void WriteDockermanConfig(params string[] extra)
    {
        var text = new StringBuilder("config dockerman 'main'\n");
        text.Append(CultureInfo.InvariantCulture, $"\toption ubus_socket '{UbusSocket}'\n");
        text.Append(CultureInfo.InvariantCulture, $"\toption jobs_dir '{Path.Combine(Dir, "jobs")}'\n");
        foreach (string line in _options.DockermanOptions.Concat(extra))
        {
            text.Append(line.TrimEnd('\n')).Append('\n');
        }

        File.WriteAllText(Path.Combine(ConfigDir, "dockerman"), text.ToString());
    }

    private static string RpcdConfig(IEnumerable<RpcdLogin> logins)
    {
        // rpcd's own defaults (OpenWrt's /etc/config/rpcd) and then the logins.
        var text = new StringBuilder("config rpcd\n\toption socket /var/run/ubus/ubus.sock\n\toption timeout 30\n\n");
        foreach (RpcdLogin login in logins)
        {
            text.Append("config login\n");
            text.Append(CultureInfo.InvariantCulture, $"\toption username '{login.Username}'\n");
            text.Append(CultureInfo.InvariantCulture, $"\toption password '{Md5Crypt(login.Password)}'\n");
            foreach (string group in login.Read)
            {
                text.Append(CultureInfo.InvariantCulture, $"\tlist read '{group}'\n");
            }

            foreach (string group in login.Write)
            {
                text.Append(CultureInfo.InvariantCulture, $"\tlist write '{group}'\n");
            }

            text.Append('\n');
        }

        return text.ToString();
    }

    /// <summary>The password as a router stores it: <c>openssl passwd -1</c> ($1$, MD5-crypt).</summary>
    private static string Md5Crypt(string password)
    {
        string hash = Run("openssl", ["passwd", "-1", password], "openssl not found: apt-get install openssl (make test does)").Trim();
        if (!hash.StartsWith("$1$", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"openssl passwd -1 gave '{hash}'");
        }

        return hash;
    }

    private void StartUbusd()
    {
        LoggedProcess ubusd = Started(new LoggedProcess(Path.Combine(Prefix, "sbin", "ubusd"), ["-s", UbusSocket]));
        WaitFor(() => File.Exists(UbusSocket) && Ubus(5, "list") != null, ubusd, "ubusd did not open its socket");
    }

    private void StartRpcd()
    {
        const string Script = """
            set -e
            d=$1; p=$2
            mount -t overlay overlay -o "lowerdir=/etc,upperdir=$d/etc.upper,workdir=$d/etc.work" /etc
            mount --bind "$d/config" /etc/config
            mount -t overlay overlay -o "lowerdir=/run,upperdir=$d/run.upper,workdir=$d/run.work" /run
            mount --bind "$d/acl.d" "$p/share/rpcd/acl.d"
            mount --bind "$d/plugins" "$p/libexec/rpcd"
            exec "$p/sbin/rpcd" -s "$d/ubus.sock"
            """;
        LoggedProcess rpcd = Started(new LoggedProcess("unshare",
            ["--mount", "--propagation", "private", "sh", "-c", Script, "rpcd-ns", Dir, Prefix]));
        WaitFor(() => Ubus(5, "list", "session") != null, rpcd, "rpcd did not register its session object");
        RpcdPid = rpcd.Pid;
    }

    private void StartUhttpd()
    {
        LoggedProcess rpcd = _processes[^1];
        string errors = "";
        for (int attempt = 0; attempt < PortAttempts; attempt++)
        {
            int port = FreePort();
            var args = new List<string>
            {
                $"--mount=/proc/{rpcd.Pid}/ns/mnt", "--", Path.Combine(Prefix, "bin", "uhttpd"),
                "-f", "-h", Www, "-p", $"127.0.0.1:{port}", "-x", "/cgi-bin",
                "-t", _options.ScriptTimeout.ToString(CultureInfo.InvariantCulture),
                "-T", _options.NetworkTimeout.ToString(CultureInfo.InvariantCulture),
                "-n", _options.MaxRequests.ToString(CultureInfo.InvariantCulture),
                "-c", Path.Combine(Dir, "httpd.conf"), "-u", "/ubus", "-U", UbusSocket,
            };
            foreach (string alias in _options.Aliases)
            {
                args.Add("-y");
                args.Add(alias);
            }

            var uhttpd = new LoggedProcess("nsenter", args);
            if (Listening(uhttpd, port))
            {
                Started(uhttpd);
                Port = port;
                UhttpdPid = uhttpd.Pid;
                return;
            }

            errors += $"port {port}: {uhttpd.Log}\n";
            uhttpd.Dispose();
        }

        throw new InvalidOperationException($"uhttpd did not start:\n{errors}");
    }

    private LoggedProcess Started(LoggedProcess process)
    {
        _processes.Add(process);
        return process;
    }

    private static void WaitFor(Func<bool> ready, LoggedProcess process, string what)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{what}: it exited. {process.Log}");
            }

            if (ready())
            {
                return;
            }

            Thread.Sleep(50);
        }

        throw new InvalidOperationException($"{what} within 10 s. {process.Log}");
    }

    private static bool Listening(LoggedProcess process, int port)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(10) && !process.HasExited)
        {
            try
            {
                using var probe = new TcpClient();
                probe.Connect(IPAddress.Loopback, port);
                Thread.Sleep(50); // connected: to our uhttpd, unless it is about to find the port taken
                return !process.HasExited;
            }
            catch (SocketException)
            {
                Thread.Sleep(50);
            }
        }

        return false;
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>
    /// The <c>ubus</c> command on this stack's socket as root on the router (no ACL applies), e.g.
    /// <c>Ubus(10, "call", "session", "list")</c>; its output, or null when it failed.
    /// </summary>
    public string? Ubus(int timeoutSeconds, params string[] args)
    {
        var psi = new ProcessStartInfo(Path.Combine(Prefix, "bin", "ubus"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in (string[])["-s", UbusSocket, "-t", timeoutSeconds.ToString(CultureInfo.InvariantCulture), .. args])
        {
            psi.ArgumentList.Add(a);
        }

        using Process p = Process.Start(psi)!;
        Task<string> err = p.StandardError.ReadToEndAsync();
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        _ = err.Result;
        return p.ExitCode == 0 ? output : null;
    }

    /// <summary>
    /// One JSON-RPC call to uhttpd's <c>/ubus</c>, as LuCI's pages make them:
    /// <c>["call", [sid, object, method, args]]</c>. Returns the reply's <c>result</c> array
    /// (<c>[status]</c> or <c>[status, data]</c>), or its <c>error</c> object.
    /// </summary>
    public JsonElement UbusCall(string sid, string obj, string method, string argsJson = "{}")
    {
        HttpClient http = Http ?? throw new InvalidOperationException("this stack has no uhttpd");
        string body = $$"""{"jsonrpc":"2.0","id":1,"method":"call","params":[{{JsonString(sid)}},{{JsonString(obj)}},{{JsonString(method)}},{{argsJson}}]}""";
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using HttpResponseMessage r = http.PostAsync("ubus", content).Result;
        string text = r.Content.ReadAsStringAsync().Result;
        JsonElement reply = JsonDocument.Parse(text).RootElement.Clone();
        return reply.TryGetProperty("result", out JsonElement result) ? result : reply.GetProperty("error");
    }

    /// <summary>
    /// Logs in as LuCI's login page does: <c>session.login</c> through <c>/ubus</c> with the
    /// anonymous session, then the CSRF token stored in the session (<c>session.set</c> values
    /// <c>token</c>, as LuCI's dispatcher does as root). <paramref name="timeout"/> is the
    /// session's lifetime in seconds (rpcd's default 300).
    /// </summary>
    public LuciSession Login(string username, string password, int? timeout = null)
    {
        string args = $$"""{"username":{{JsonString(username)}},"password":{{JsonString(password)}}{{(timeout is int t ? $",\"timeout\":{t}" : "")}}}""";
        JsonElement result = UbusCall(new string('0', 32), "session", "login", args);
        if (result.ValueKind != JsonValueKind.Array || result[0].GetInt32() != 0)
        {
            throw new InvalidOperationException($"session.login as {username} failed: {result}");
        }

        string sid = result[1].GetProperty("ubus_rpc_session").GetString()!;
        string token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        if (Ubus(10, "call", "session", "set", $$$"""{"ubus_rpc_session":"{{{sid}}}","values":{"token":"{{{token}}}"}}""") == null)
        {
            throw new InvalidOperationException($"session.set of the token failed. {Log}");
        }

        return new LuciSession(username, sid, token);
    }

    public LuciSession Login(RpcdLogin login, int? timeout = null) => Login(login.Username, login.Password, timeout);

    /// <summary>The read-write user's session (every group, like root).</summary>
    public LuciSession LoginAdmin() => Login(RpcdLogin.Admin);

    /// <summary>The read-only user's session (reads of luci-app-dockerman only).</summary>
    public LuciSession LoginViewer() => Login(RpcdLogin.Viewer);

    /// <summary>Ends a session as LuCI's logout does (<c>session.destroy</c>).</summary>
    public void Logout(LuciSession session) =>
        Ubus(10, "call", "session", "destroy", $$"""{"ubus_rpc_session":"{{session.Sid}}"}""");

    private static string JsonString(string s) => "\"" + JsonEncodedText.Encode(s).ToString() + "\"";

    private static string Run(string program, string[] args, string missing)
    {
        var psi = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        Process p;
        try
        {
            p = Process.Start(psi)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException(missing, e);
        }

        using (p)
        {
            Task<string> err = p.StandardError.ReadToEndAsync();
            string output = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            if (p.ExitCode != 0)
            {
                throw new InvalidOperationException($"{program} failed: {err.Result}");
            }

            return output;
        }
    }

    public void Dispose()
    {
        Http?.Dispose();
        // The web server first, then rpcd (its namespace and mounts go with it), then the bus.
        for (int i = _processes.Count - 1; i >= 0; i--)
        {
            _processes[i].Dispose();
        }

        try
        {
            Directory.Delete(Dir, true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
