using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dockerman.StandIns;
using Dockerman.StandIns.Rpcd;
using Dockerman.StandIns.Ubus;

namespace Dockerman.Tests.Support.Router;

/// <summary>A call's status and its reply, as a root shell's <c>ubus call</c> sees them.</summary>
public sealed record UbusAnswer(int Status, JsonElement? Data);

/// <summary>
/// A router's web stack in a folder of its own: the project's stand-ins for ubusd and rpcd (real
/// logins from rpcd's UCI file, the ACL folder, an exec plugin folder) and for uhttpd's /ubus,
/// hosted in this process, and Debian's lighttpd on a free 127.0.0.1 port in uhttpd's place,
/// serving the published binary as /cgi-bin/dockerman (<see cref="Lighttpd"/>). The stack's
/// config folder is what dockerman (as a CGI and as rpcd's plugin) reads as /etc/config:
/// dockerman, dockerd, uhttpd and rpcd's file. Nothing of this machine is touched; lighttpd is
/// stopped by its pid and the folder deleted.
/// </summary>
public sealed class RouterStack : IDisposable
{
    private readonly RouterStackOptions _options;
    private readonly StandInHost? _standIns;
    private readonly Lighttpd? _web;

    public RouterStack()
        : this(new RouterStackOptions())
    {
    }

    public RouterStack(RouterStackOptions options)
    {
        _options = options;
        Dir = Paths.TempDir("rstk");
        try
        {
            Prepare();
            _standIns = StandInHost.StartAsync(new StandInOptions(UbusSocket, new RpcdFolders(ConfigDir, AclDir, PluginDir))
            {
                Http = options.WebServer ? new IPEndPoint(IPAddress.Loopback, 0) : null,
                ExecTimeout = options.ExecTimeout,
                CallTimeout = TimeSpan.FromSeconds(options.ScriptTimeout),
                PluginEnvironment = new Dictionary<string, string>
                {
                    ["PATH"] = "/sbin:/usr/sbin:/bin:/usr/bin",
                    ["DOCKERMAN_CONFIG_DIR"] = ConfigDir,
                },
            }, CancellationToken.None).GetAwaiter().GetResult();
            if (options.WebServer)
            {
                _web = new Lighttpd(new LighttpdSite(Www, Path.Combine(Dir, "spool"), ConfigDir, options.Aliases, _standIns!.Http!,
                    options.MaxRequests, options.NetworkTimeout), Dir);
                Http = new HttpClient { BaseAddress = BaseUrl, Timeout = TimeSpan.FromSeconds(120) };
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>This stack's folder (config, ACL files, plugins, web root, socket).</summary>
    public string Dir { get; }

    /// <summary>What dockerman and rpcd read as /etc/config.</summary>
    public string ConfigDir => Path.Combine(Dir, "config");

    /// <summary>rpcd's ACL folder.</summary>
    public string AclDir => Path.Combine(Dir, "acl.d");

    /// <summary>rpcd's exec plugin folder.</summary>
    public string PluginDir => Path.Combine(Dir, "plugins");

    /// <summary>The web server's document root; the program is cgi-bin/dockerman in it.</summary>
    public string Www => Path.Combine(Dir, "www");

    public string UbusSocket => Path.Combine(Dir, "ubus.sock");

    public int Port => _web?.Port ?? throw new InvalidOperationException("this stack has no web server");

    /// <summary>The web server's process id, to look at its descriptors in /proc.</summary>
    public int WebServerPid => _web?.Pid ?? throw new InvalidOperationException("this stack has no web server");

    /// <summary>Where the web server runs the program from: what a CGI's /proc/PID/exe names.</summary>
    public string CgiPath => Path.Combine(Www, "cgi-bin", "dockerman");

    /// <summary>http://127.0.0.1:PORT/ of the web server.</summary>
    public Uri BaseUrl => new($"http://127.0.0.1:{Port}/");

    /// <summary>A client for <see cref="BaseUrl"/> (null without the web server).</summary>
    public HttpClient? Http { get; }

    /// <summary>What the stand-ins (exec plugins' stderr included) and the web server (and the CGIs it ran) wrote.</summary>
    public string Log => $"--- stand-ins:\n{_standIns?.Log}\n--- lighttpd:\n{_web?.Log}";

    private void Prepare()
    {
        foreach (string d in (string[])["config", "acl.d", "plugins", "www/cgi-bin", "jobs", "spool"])
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
            File.WriteAllText(Path.Combine(ConfigDir, "dockerd"), $"config globals 'globals'\n\tlist hosts '{_options.DockerHost}'\n");
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
        if (_options.WebServer)
        {
            File.Copy(_options.CgiProgram ?? Paths.Binary, CgiPath); // keeps the execute bits
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
            text.Append(CultureInfo.InvariantCulture, $"\toption password '{OpenSsl.PasswdMd5(login.Password)}'\n");
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

    /// <summary>Ends a session as its expiry or a logout does: rpcd no longer knows it.</summary>
    public bool Destroy(string sid) => _standIns!.Rpcd.Sessions.Remove(sid);

    /// <summary>Whether rpcd knows the session.</summary>
    public bool Knows(string sid) => _standIns!.Rpcd.Sessions.Use(sid) != null;

    /// <summary>Makes rpcd stop answering (as a stopped rpcd would: the bus still greets and looks up) until <see cref="ResumeRpcd"/>.</summary>
    public void PauseRpcd() => _standIns!.Rpcd.Pause();

    public void ResumeRpcd() => _standIns!.Rpcd.Resume();

    /// <summary>
    /// A call as root on the router makes it with the <c>ubus</c> command (no ACL applies), e.g.
    /// <c>Call("session", "list")</c>: a client of the bus's socket.
    /// </summary>
    public UbusAnswer Call(string obj, string method, string argsJson = "{}", int timeoutSeconds = 30)
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(timeoutSeconds));
        using UbusClient bus = UbusClient.ConnectAsync(UbusSocket, cancel.Token).GetAwaiter().GetResult();
        var args = (JsonObject)JsonNode.Parse(argsJson)!;
        (UbusStatus status, JsonObject? data) = bus.CallAsync(obj, method, args, cancel.Token).GetAwaiter().GetResult();
        return new UbusAnswer((int)status, data == null ? null : JsonDocument.Parse(data.ToJsonString()).RootElement.Clone());
    }

    /// <summary>The methods of <paramref name="obj"/> and their arguments' types, as <c>ubus -v list</c> names them.</summary>
    public Dictionary<string, Dictionary<string, string>> Signatures(string obj)
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using UbusClient bus = UbusClient.ConnectAsync(UbusSocket, cancel.Token).GetAwaiter().GetResult();
        UbusObjectInfo info = bus.LookupAsync(obj, cancel.Token).GetAwaiter().GetResult().Single(o => o.Path == obj);
        return info.Methods.ToDictionary(m => m.Name, m => m.Args.ToDictionary(a => a.Key, a => TypeName(a.Value), StringComparer.Ordinal),
            StringComparer.Ordinal);
    }

    private static string TypeName(BlobmsgType type) => type switch
    {
        BlobmsgType.String => "String",
        BlobmsgType.Int32 or BlobmsgType.Int64 or BlobmsgType.Int16 => "Integer",
        BlobmsgType.Bool => "Boolean",
        BlobmsgType.Table => "Table",
        BlobmsgType.Array => "Array",
        BlobmsgType.Double => "Double",
        _ => "(unknown)",
    };

    /// <summary>
    /// One JSON-RPC call to the web server's <c>/ubus</c>, as LuCI's pages make them:
    /// <c>["call", [sid, object, method, args]]</c>. Returns the reply's <c>result</c> array
    /// (<c>[status]</c> or <c>[status, data]</c>), or its <c>error</c> object.
    /// </summary>
    public JsonElement UbusCall(string sid, string obj, string method, string argsJson = "{}")
    {
        HttpClient http = Http ?? throw new InvalidOperationException("this stack has no web server");
        string body = $$"""{"jsonrpc":"2.0","id":1,"method":"call","params":[{{JsonString(sid)}},{{JsonString(obj)}},{{JsonString(method)}},{{argsJson}}]}""";
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using HttpResponseMessage r = http.PostAsync("ubus", content).Result;
        string text = r.Content.ReadAsStringAsync().Result;
        JsonElement reply = JsonDocument.Parse(text).RootElement.Clone();
        return reply.TryGetProperty("result", out JsonElement result) ? result : reply.GetProperty("error");
    }

    /// <summary>
    /// Logs in as LuCI's login page does: <c>session.login</c> through <c>/ubus</c> with the
    /// anonymous session (with no web server, as root on the bus), then the CSRF token stored in the
    /// session (<c>session.set</c> values <c>token</c>, as LuCI's dispatcher does as root).
    /// <paramref name="timeout"/> is the session's lifetime in seconds (rpcd's default 300).
    /// </summary>
    public LuciSession Login(string username, string password, int? timeout = null)
    {
        string args = $$"""{"username":{{JsonString(username)}},"password":{{JsonString(password)}}{{(timeout is int t ? $",\"timeout\":{t}" : "")}}}""";
        string sid;
        if (Http != null)
        {
            JsonElement result = UbusCall(new string('0', 32), "session", "login", args);
            if (result.ValueKind != JsonValueKind.Array || result[0].GetInt32() != 0)
            {
                throw new InvalidOperationException($"session.login as {username} failed: {result}");
            }

            sid = result[1].GetProperty("ubus_rpc_session").GetString()!;
        }
        else
        {
            UbusAnswer login = Call("session", "login", args);
            if (login.Status != 0)
            {
                throw new InvalidOperationException($"session.login as {username} failed: status {login.Status}");
            }

            sid = login.Data!.Value.GetProperty("ubus_rpc_session").GetString()!;
        }

        string token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        UbusAnswer set = Call("session", "set", $$$"""{"ubus_rpc_session":"{{{sid}}}","values":{"token":"{{{token}}}"}}""");
        if (set.Status != 0)
        {
            throw new InvalidOperationException($"session.set of the token answered {set.Status}. {Log}");
        }

        return new LuciSession(username, sid, token);
    }

    public LuciSession Login(RpcdLogin login, int? timeout = null) => Login(login.Username, login.Password, timeout);

    /// <summary>The read-write user's session (every group, like root).</summary>
    public LuciSession LoginAdmin() => Login(RpcdLogin.Admin);

    /// <summary>The read-only user's session (reads of luci-app-dockerman only).</summary>
    public LuciSession LoginViewer() => Login(RpcdLogin.Viewer);

    /// <summary>Ends a session as LuCI's logout does (<c>session.destroy</c>).</summary>
    public void Logout(LuciSession session) => Call("session", "destroy", $$"""{"ubus_rpc_session":"{{session.Sid}}"}""");

    /// <summary>Whether the session holds <paramref name="function"/> of <paramref name="obj"/> in <paramref name="scope"/> (rpcd's session.access).</summary>
    public bool Access(LuciSession s, string scope, string obj, string function)
    {
        UbusAnswer a = Call("session", "access",
            $$"""{"ubus_rpc_session":"{{s.Sid}}","scope":"{{scope}}","object":"{{obj}}","function":"{{function}}"}""");
        if (a.Status != 0 || a.Data is not JsonElement data)
        {
            throw new InvalidOperationException($"session.access answered {a.Status}");
        }

        return data.GetProperty("access").GetBoolean();
    }

    private static string JsonString(string s) => "\"" + JsonEncodedText.Encode(s).ToString() + "\"";

    public void Dispose()
    {
        Http?.Dispose();
        // The web server first, then the bus and rpcd.
        _web?.Dispose();
        _standIns?.Dispose();
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
