using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Dockerman.Tests.Support;
using Dockerman.Tests.Support.OpenWrt;
using Xunit;

namespace Dockerman.Tests.Luci;

/// <summary>
/// The real router stack the LuCI tests stand on: logins through uhttpd's /ubus, rights from the
/// ACL files, an exec plugin in rpcd's folder, and the published binary run by uhttpd.
/// </summary>
[Collection(DaemonCollection.Name)]
public sealed class OpenWrtStackTests(DockerDaemon daemon)
{
    [Fact]
    public void Login_WrongPassword_Refused()
    {
        using var stack = new OpenWrtStack(new OpenWrtStackOptions { Uhttpd = true });
        JsonElement result = stack.UbusCall(new string('0', 32), "session", "login",
            """{"username":"admin","password":"not-the-password"}""");
        Assert.NotEqual(0, result[0].GetInt32());
        Assert.Throws<InvalidOperationException>(() => stack.Login("admin", "not-the-password"));
    }

    [Fact]
    public void Login_Viewer_ReadsButDoesNotWriteTheGroup()
    {
        using var stack = new OpenWrtStack();
        LuciSession viewer = stack.LoginViewer();
        LuciSession admin = stack.LoginAdmin();
        Assert.Matches("^[0-9a-f]{32}$", viewer.Sid);
        Assert.NotEqual(viewer.Sid, admin.Sid);
        Assert.True(Access(stack, viewer, "read"));
        Assert.False(Access(stack, viewer, "write"));
        Assert.True(Access(stack, admin, "write"));
        string? values = stack.Ubus(10, "call", "session", "get", $$"""{"ubus_rpc_session":"{{admin.Sid}}"}""");
        Assert.Contains(admin.Token, values, StringComparison.Ordinal);
    }

    private static bool Access(OpenWrtStack stack, LuciSession s, string right)
    {
        string? reply = stack.Ubus(10, "call", "session", "access",
            $$"""{"ubus_rpc_session":"{{s.Sid}}","scope":"access-group","object":"luci-app-dockerman","function":"{{right}}"}""");
        Assert.NotNull(reply);
        return JsonDocument.Parse(reply).RootElement.GetProperty("access").GetBoolean();
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
                call) printf '{ "config": "%s" }\n' "$(cat /etc/config/dockerman | head -1)" ;;
                esac
                """);
            File.SetUnixFileMode(plugin, (UnixFileMode)0b111_101_101);
            var options = new OpenWrtStackOptions();
            options.ExecPlugins["probe"] = plugin;
            options.AclFiles["probe.json"] = """
                { "probe-users": { "description": "the probe", "read": { "ubus": { "probe": [ "where" ] } } } }
                """;
            using var stack = new OpenWrtStack(options);
            JsonElement viewerCall = stack.UbusCall(stack.LoginViewer().Sid, "probe", "where");
            // The viewer has only luci-app-dockerman: uhttpd refuses the call (JSON-RPC "Access denied").
            Assert.Equal(JsonValueKind.Object, viewerCall.ValueKind);
            Assert.Equal(-32002, viewerCall.GetProperty("code").GetInt32());

            JsonElement adminCall = stack.UbusCall(stack.LoginAdmin().Sid, "probe", "where");
            Assert.True(adminCall[0].GetInt32() == 0, adminCall + stack.Log);
            // The plugin runs in rpcd's view of the files: the stack's /etc/config.
            Assert.Equal("config dockerman 'main'", adminCall[1].GetProperty("config").GetString());
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public async Task Uhttpd_RunsPublishedBinary_WithSessionAndStackConfig()
    {
        var options = new OpenWrtStackOptions { DockerHost = daemon.Host };
        using var stack = new OpenWrtStack(options);
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
    public async Task Dispose_StopsEveryProcessAndLeavesNoFolder()
    {
        var stack = new OpenWrtStack();
        string dir = stack.Dir;
        string socket = stack.UbusSocket;
        Uri url = stack.BaseUrl;
        stack.Dispose();
        Assert.False(Directory.Exists(dir));
        Assert.False(File.Exists(socket));
        using var http = new HttpClient();
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => http.GetAsync(url));
    }
}
