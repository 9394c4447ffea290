using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Dockerman.Tests.Support;
using Dockerman.Tests.Support.Router;
using Xunit;

namespace Dockerman.Tests.Luci;

/// <summary>
/// The router stack the LuCI tests stand on: logins through /ubus, rights from the ACL files, an
/// exec plugin in rpcd's folder, and the published binary run by the web server with the stack's
/// /etc/config (uhttpd's script_timeout included).
/// </summary>
[Collection(DaemonCollection.Name)]
public sealed class RouterStackTests(DockerDaemon daemon)
{
    [Fact]
    public void Login_WrongPassword_Refused()
    {
        using var stack = new RouterStack();
        JsonElement result = stack.UbusCall(new string('0', 32), "session", "login",
            """{"username":"admin","password":"not-the-password"}""");
        Assert.NotEqual(0, result[0].GetInt32());
        Assert.Throws<InvalidOperationException>(() => stack.Login("admin", "not-the-password"));
    }

    [Fact]
    public void Login_Viewer_ReadsButDoesNotWriteTheGroup()
    {
        using var stack = new RouterStack();
        LuciSession viewer = stack.LoginViewer();
        LuciSession admin = stack.LoginAdmin();
        Assert.Matches("^[0-9a-f]{32}$", viewer.Sid);
        Assert.NotEqual(viewer.Sid, admin.Sid);
        Assert.True(stack.Access(viewer, "access-group", "luci-app-dockerman", "read"));
        Assert.False(stack.Access(viewer, "access-group", "luci-app-dockerman", "write"));
        Assert.True(stack.Access(admin, "access-group", "luci-app-dockerman", "write"));
        UbusAnswer values = stack.Call("session", "get", $$"""{"ubus_rpc_session":"{{admin.Sid}}"}""");
        Assert.Equal(0, values.Status);
        Assert.Equal(admin.Token, values.Data!.Value.GetProperty("values").GetProperty("token").GetString());
    }

    [Fact]
    public void ExecPlugin_InRpcdFolder_CallableThroughUbusWithGrantingAcl()
    {
        string dir = Paths.TempDir("plug");
        try
        {
            string plugin = Path.Combine(dir, "probe");
            File.WriteAllText(plugin, """
                #!/bin/sh
                case "$1" in
                list) echo '{ "where": { } }' ;;
                call) printf '{ "config": "%s" }\n' "$(head -1 "$DOCKERMAN_CONFIG_DIR/dockerman")" ;;
                esac
                """);
            File.SetUnixFileMode(plugin, (UnixFileMode)0b111_101_101);
            var options = new RouterStackOptions();
            options.ExecPlugins["probe"] = plugin;
            options.AclFiles["probe.json"] = """
                { "probe-users": { "description": "the probe", "read": { "ubus": { "probe": [ "where" ] } } } }
                """;
            using var stack = new RouterStack(options);
            JsonElement viewerCall = stack.UbusCall(stack.LoginViewer().Sid, "probe", "where");
            // The viewer has only luci-app-dockerman: /ubus refuses the call (JSON-RPC "Access denied").
            Assert.Equal(JsonValueKind.Object, viewerCall.ValueKind);
            Assert.Equal(-32002, viewerCall.GetProperty("code").GetInt32());

            JsonElement adminCall = stack.UbusCall(stack.LoginAdmin().Sid, "probe", "where");
            Assert.True(adminCall[0].GetInt32() == 0, adminCall + stack.Log);
            // The plugin runs with rpcd's environment, which names the stack's /etc/config.
            Assert.Equal("config dockerman 'main'", adminCall[1].GetProperty("config").GetString());
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    /// <summary>A plugin in rpcd's folder whose <c>call</c> runs <paramref name="call"/>; rpcd's ACLs do not
    /// apply to the root bus client the bound tests call it with.</summary>
    private static string Plugin(string dir, string methods, string call)
    {
        string plugin = Path.Combine(dir, "bound");
        File.WriteAllText(plugin, $$"""
            #!/bin/sh
            case "$1" in
            list) echo '{{methods}}' ;;
            call) {{call}} ;;
            esac
            """);
        File.SetUnixFileMode(plugin, (UnixFileMode)0b111_101_101);
        return plugin;
    }

    [Fact]
    public void ExecPlugin_OutputOfRpcdsCap_AnsweredAndOneByteMoreIsNotSupported()
    {
        // rpcd reads at most RPC_EXEC_MAX_SIZE (256 KiB) of a plugin's stdout: {"p":"…"} of exactly
        // that many bytes is the reply, one byte more ends the call with UBUS_STATUS_NOT_SUPPORTED (8).
        string dir = Paths.TempDir("plug");
        try
        {
            const int Cap = 256 * 1024;
            string plugin = Plugin(dir, """{ "fits": { }, "over": { } }""",
                $$"""n={{Cap - 8}}; [ "$2" = over ] && n=$((n+1)); printf '{"p":"'; head -c $n /dev/zero | tr '\0' a; printf '"}'""");
            var options = new RouterStackOptions { WebServer = false };
            options.ExecPlugins["bound"] = plugin;
            using var stack = new RouterStack(options);

            UbusAnswer fits = stack.Call("bound", "fits");
            UbusAnswer over = stack.Call("bound", "over");
            UbusAnswer after = stack.Call("bound", "fits");

            Assert.True(fits.Status == 0, $"status {fits.Status}\n{stack.Log}");
            Assert.Equal(Cap - 8, fits.Data!.Value.GetProperty("p").GetString()!.Length);
            Assert.Equal(8, over.Status);
            Assert.Null(over.Data);
            Assert.Equal(0, after.Status); // rpcd answers the next call as before
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void ExecPlugin_PastRpcdsExecTimeout_KilledAndTheCallTimesOut()
    {
        // rpcd's exec timeout (-t, 120 s unless given) SIGKILLs the plugin and answers
        // UBUS_STATUS_TIMEOUT (7); here the stack's rpcd runs with -t 2.
        Assert.Equal(TimeSpan.FromSeconds(120), new RouterStackOptions().ExecTimeout);
        string dir = Paths.TempDir("plug");
        try
        {
            string pidFile = Path.Combine(dir, "pid");
            string plugin = Plugin(dir, """{ "hang": { } }""", $"echo $$ > {pidFile}; exec sleep 60");
            var options = new RouterStackOptions { WebServer = false, ExecTimeout = TimeSpan.FromSeconds(2) };
            options.ExecPlugins["bound"] = plugin;
            using var stack = new RouterStack(options);

            var clock = Stopwatch.StartNew();
            UbusAnswer hang = stack.Call("bound", "hang");
            TimeSpan took = clock.Elapsed;

            Assert.Equal(7, hang.Status);
            Assert.True(took >= TimeSpan.FromSeconds(1.8) && took < TimeSpan.FromSeconds(10), $"answered after {took}");
            string pid = File.ReadAllText(pidFile).Trim();
            for (int i = 0; i < 50 && Directory.Exists($"/proc/{pid}"); i++)
            {
                Thread.Sleep(100);
            }

            Assert.False(Directory.Exists($"/proc/{pid}"), "the plugin still runs");
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public async Task WebServer_RunsPublishedBinary_WithSessionAndStackConfig()
    {
        var options = new RouterStackOptions { DockerHost = daemon.Host };
        using var stack = new RouterStack(options);
        LuciSession viewer = stack.LoginViewer();
        using var request = new HttpRequestMessage(HttpMethod.Get, "cgi-bin/dockerman/admin/docker/version");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", viewer.Sid);
        using HttpResponseMessage r = await stack.Http!.SendAsync(request);
        string text = await r.Content.ReadAsStringAsync();
        Assert.True(r.StatusCode == HttpStatusCode.OK, text + stack.Log);
        Assert.Contains("ApiVersion", text, StringComparison.Ordinal);

        using var anonymous = new HttpRequestMessage(HttpMethod.Get, "cgi-bin/dockerman/admin/docker/version");
        using HttpResponseMessage refused = await stack.Http.SendAsync(anonymous);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task WebServer_UhttpdScriptTimeoutInConfig_StreamsEndFiveSecondsBeforeIt()
    {
        // script_timeout 8 in the stack's /etc/config/uhttpd: dockerman ends its streams at 3 s.
        using var stack = new RouterStack(new RouterStackOptions { DockerHost = daemon.Host, ScriptTimeout = 8 });
        LuciSession viewer = stack.LoginViewer();
        using var request = new HttpRequestMessage(HttpMethod.Get, "cgi-bin/dockerman/admin/docker/events");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", viewer.Sid);
        var clock = Stopwatch.StartNew();
        using HttpResponseMessage r = await stack.Http!.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        string text = await r.Content.ReadAsStringAsync();
        TimeSpan took = clock.Elapsed;

        Assert.True(r.StatusCode == HttpStatusCode.OK, text + stack.Log);
        Assert.True(took >= TimeSpan.FromSeconds(2.5) && took < TimeSpan.FromSeconds(6), $"the stream ended after {took}");
    }

    [Fact]
    public async Task Dispose_StopsEveryProcessAndLeavesNoFolder()
    {
        var stack = new RouterStack();
        string dir = stack.Dir;
        string socket = stack.UbusSocket;
        Uri url = stack.BaseUrl;
        int pid = stack.WebServerPid;
        stack.Dispose();
        Assert.False(Directory.Exists(dir));
        Assert.False(File.Exists(socket));
        Assert.False(Directory.Exists($"/proc/{pid}"), "lighttpd still runs");
        using var http = new HttpClient();
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => http.GetAsync(url));
    }
}
