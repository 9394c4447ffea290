using System.Diagnostics;
using System.Text;
using Dockerman.Tests.Support;
using Dockerman.Tests.Support.Router;
using Xunit;

namespace Dockerman.Tests.Auth;

/// <summary>
/// The rpcd this class's tests ask (the stand-in behind the stand-in ubusd), with the package's ACL
/// file, a read-write and a read-only login, and a user whose only group is another app's.
/// </summary>
public sealed class LuciAuthStack : IDisposable
{
    public static readonly RpcdLogin Other = new("other", "other-secret-3", ["luci-app-other"], ["luci-app-other"]);

    public LuciAuthStack()
    {
        var options = new RouterStackOptions();
        options.Logins.Add(Other);
        options.AclFiles["other.json"] = """
            { "luci-app-other": { "description": "another app", "read": { "uci": [ "other" ] }, "write": { "uci": [ "other" ] } } }
            """;
        Stack = new RouterStack(options);
        Admin = Stack.LoginAdmin();
        Viewer = Stack.LoginViewer();
        OtherUser = Stack.Login(Other);
    }

    public RouterStack Stack { get; }

    public LuciSession Admin { get; }

    public LuciSession Viewer { get; }

    public LuciSession OtherUser { get; }

    public void Dispose() => Stack.Dispose();
}

/// <summary>
/// LuCI session checks through the published binary run as a CGI (GATEWAY_INTERFACE set), against
/// rpcd and ubusd with sessions from <c>session.login</c>, and a recording proxy
/// in front of the real daemon showing what reached it. Where a test says ubus is not asked, the
/// settings name a socket that does not exist: asking would answer 503.
/// </summary>
[Collection(DaemonCollection.Name)]
public sealed class LuciAuthTests : IClassFixture<LuciAuthStack>, IDisposable
{
    private const string UnknownSid = "44444444444444444444444444444444";

    private readonly LuciAuthStack _rpcd;
    private readonly RecordingProxy _proxy;
    private readonly string _config = Paths.TempDir("luci");

    public LuciAuthTests(DockerDaemon daemon, LuciAuthStack rpcd)
    {
        _rpcd = rpcd;
        _proxy = new RecordingProxy(daemon.Socket);
        WriteConfig(rpcd.Stack.UbusSocket);
    }

    private string NoUbus => Path.Combine(_config, "no-such.sock");

    private void WriteConfig(string ubusSocket, string extra = "") =>
        File.WriteAllText(Path.Combine(_config, "dockerman"),
            $"config dockerman 'main'\n\toption ubus_socket '{ubusSocket}'\n{extra}");

    private CgiReply Request(string method, string path, string query = "", Dictionary<string, string>? headers = null,
        byte[]? body = null, string? contentType = null)
    {
        var cgi = new CgiRunner(_proxy.Host, _config);
        var env = new Dictionary<string, string>
        {
            ["GATEWAY_INTERFACE"] = "CGI/1.1",
            ["SERVER_SOFTWARE"] = "uhttpd",
        };
        foreach ((string k, string v) in headers ?? [])
        {
            env[k] = v;
        }

        return cgi.Run(method, path, query, body, env, contentType);
    }

    private static Dictionary<string, string> Bearer(string sid) => new() { ["HTTP_AUTHORIZATION"] = "Bearer " + sid };

    private static Dictionary<string, string> Cookie(LuciSession s) => new() { ["HTTP_COOKIE"] = s.Cookie };

    [Fact]
    public void Read_ValidSessionBearer_Served()
    {
        CgiReply r = Request("GET", "container/list", headers: Bearer(_rpcd.Viewer.Sid));
        Assert.True(r.Status == 200, r.ToString());
        Assert.Single(_proxy.RequestLines);
    }

    [Fact]
    public void AnyRoute_NoCredentials_401AndNothingAsked()
    {
        WriteConfig(NoUbus);
        CgiReply r = Request("GET", "version");
        Assert.Equal(401, r.Status);
        Assert.Contains("\"message\"", r.Text, StringComparison.Ordinal);
        Assert.Empty(_proxy.Requests);
    }

    [Theory]
    [InlineData("00000000000000000000000000000000")]
    [InlineData("1111111111111111111111111111111")]
    [InlineData("1111111111111111111111111111111g")]
    [InlineData("../../../../../../../../../../etc")]
    public void MalformedSessionId_401WithoutAskingUbus(string sid)
    {
        WriteConfig(NoUbus);
        CgiReply r = Request("GET", "version", headers: Bearer(sid));
        Assert.Equal(401, r.Status);
        Assert.Empty(_proxy.Requests);
    }

    [Fact]
    public void AnonymousSession_401EvenThoughRpcdHasIt()
    {
        // rpcd's all-zero session exists (the login page uses it): it must never count as a login.
        CgiReply r = Request("GET", "version", headers: Bearer(new string('0', 32)));
        Assert.Equal(401, r.Status);
        Assert.Empty(_proxy.Requests);
    }

    [Fact]
    public void UnknownSession_401()
    {
        CgiReply r = Request("GET", "version", headers: Bearer(UnknownSid));
        Assert.Equal(401, r.Status);
        Assert.Contains("expired", r.Text, StringComparison.Ordinal);
        Assert.Empty(_proxy.Requests);
    }

    [Fact]
    public void ExpiredSession_401()
    {
        LuciSession brief = _rpcd.Stack.Login(RpcdLogin.Admin, timeout: 1);
        Assert.Equal(200, Request("GET", "version", headers: Bearer(brief.Sid)).Status);
        Thread.Sleep(TimeSpan.FromSeconds(2.5));
        CgiReply r = Request("GET", "version", headers: Bearer(brief.Sid));
        Assert.Equal(401, r.Status);
        Assert.Single(_proxy.Requests);
    }

    [Fact]
    public void LoggedOutSession_401()
    {
        LuciSession s = _rpcd.Stack.LoginAdmin();
        _rpcd.Stack.Logout(s);
        Assert.Equal(401, Request("GET", "version", headers: Bearer(s.Sid)).Status);
    }

    [Fact]
    public void Write_ReadOnlySession_403AndDaemonSeesNothing()
    {
        CgiReply r = Request("POST", "container/create", "name=never-" + Guid.NewGuid().ToString("N")[..8],
            Bearer(_rpcd.Viewer.Sid), Encoding.UTF8.GetBytes("{\"Image\":\"testbox:1\"}"), "application/json");
        Assert.Equal(403, r.Status);
        Assert.Empty(_proxy.Requests);
    }

    [Fact]
    public void Read_SessionOfAnotherGroup_403()
    {
        CgiReply r = Request("GET", "version", headers: Bearer(_rpcd.OtherUser.Sid));
        Assert.Equal(403, r.Status);
        Assert.Empty(_proxy.Requests);
    }

    [Fact]
    public void AclGroupSetting_ChecksThatGroup()
    {
        WriteConfig(_rpcd.Stack.UbusSocket, "\toption acl_group 'luci-app-other'\n");
        Assert.Equal(200, Request("GET", "version", headers: Bearer(_rpcd.OtherUser.Sid)).Status);
        Assert.Equal(403, Request("GET", "version", headers: Bearer(_rpcd.Viewer.Sid)).Status);
    }

    [Fact]
    public void Write_WriterSessionBearer_ServedWithoutCsrfToken()
    {
        CgiReply r = Request("POST", "network/prune", headers: Bearer(_rpcd.Admin.Sid));
        Assert.True(r.Status == 200, r.ToString());
        Assert.Equal("POST /networks/prune HTTP/1.1", Assert.Single(_proxy.RequestLines));
    }

    [Fact]
    public void Write_CookieWithoutToken_403()
    {
        CgiReply r = Request("POST", "network/prune", headers: Cookie(_rpcd.Admin));
        Assert.Equal(403, r.Status);
        Assert.Contains("token", r.Text, StringComparison.Ordinal);
        Assert.Empty(_proxy.Requests);
    }

    [Fact]
    public void Write_CookieWithWrongToken_403()
    {
        // Another session's token is as wrong as any.
        CgiReply r = Request("POST", "network/prune", "token=" + _rpcd.Viewer.Token, Cookie(_rpcd.Admin));
        Assert.Equal(403, r.Status);
        Assert.Empty(_proxy.Requests);
    }

    [Fact]
    public void Write_CookieWithRightTokenInQuery_Served_TokenNotForwarded()
    {
        CgiReply r = Request("POST", "network/prune", "token=" + _rpcd.Admin.Token, Cookie(_rpcd.Admin));
        Assert.True(r.Status == 200, r.ToString());
        Assert.Equal("POST /networks/prune HTTP/1.1", Assert.Single(_proxy.RequestLines));
        Assert.DoesNotContain(_rpcd.Admin.Token, _proxy.Requests[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Write_CookieWithRightTokenInForm_Served()
    {
        byte[] form = Encoding.ASCII.GetBytes("token=" + _rpcd.Admin.Token);
        CgiReply r = Request("POST", "volume/prune", headers: Cookie(_rpcd.Admin), body: form,
            contentType: "application/x-www-form-urlencoded");
        Assert.True(r.Status == 200, r.ToString());
        Assert.Single(_proxy.Requests);
    }

    [Fact]
    public void Read_SessionIdInFormField_Served()
    {
        byte[] form = Encoding.ASCII.GetBytes("sessionid=" + _rpcd.Admin.Sid);
        CgiReply r = Request("POST", "network/prune", body: form, contentType: "application/x-www-form-urlencoded");
        Assert.True(r.Status == 200, r.ToString());
    }

    [Fact]
    public void SessionIdQuery_OnlyForGetDownloads()
    {
        CgiReply notDownload = Request("GET", "version", "sessionid=" + _rpcd.Viewer.Sid);
        Assert.Equal(401, notDownload.Status);

        CgiReply download = Request("GET", "image/get/testbox:1", "sessionid=" + _rpcd.Viewer.Sid);
        Assert.True(download.Status == 200, download.ToString());
        Assert.Contains("attachment", download.Header("Content-Disposition"), StringComparison.Ordinal);
        Assert.DoesNotContain(_rpcd.Viewer.Sid, _proxy.Requests[0], StringComparison.Ordinal);
    }

    [Fact]
    public void UbusDown_503()
    {
        WriteConfig(NoUbus);
        CgiReply r = Request("GET", "version", headers: Bearer(_rpcd.Viewer.Sid));
        Assert.Equal(503, r.Status);
        Assert.Empty(_proxy.Requests);
    }

    [Theory]
    [InlineData(UbusdMode.Stall)]
    [InlineData(UbusdMode.Garbage)]
    [InlineData(UbusdMode.StallMidMessage)]
    public void UbusMisbehaves_503Promptly(UbusdMode mode)
    {
        // What a working ubusd does not do on demand: a fake one.
        using var bad = new FakeUbusd(mode);
        WriteConfig(bad.SocketPath);
        var clock = Stopwatch.StartNew();
        CgiReply r = Request("GET", "version", headers: Bearer(_rpcd.Viewer.Sid));
        Assert.Equal(503, r.Status);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        Assert.Empty(_proxy.Requests);
    }

    [Fact]
    public void RpcdStopped_503PromptlyAndServedOnceItRunsAgain()
    {
        // ubusd in front of an rpcd that stops answering (as under SIGSTOP): ubusd still greets and
        // looks up, and the session check waits on ubusd, which waits on rpcd.
        _rpcd.Stack.PauseRpcd();
        CgiReply stalled;
        TimeSpan took;
        try
        {
            var clock = Stopwatch.StartNew();
            stalled = Request("GET", "version", headers: Bearer(_rpcd.Viewer.Sid));
            took = clock.Elapsed;
        }
        finally
        {
            _rpcd.Stack.ResumeRpcd();
        }

        Assert.Equal(503, stalled.Status);
        Assert.Contains("ubus is not answering", stalled.Text, StringComparison.Ordinal);
        Assert.True(took < TimeSpan.FromSeconds(10), $"took {took}");
        Assert.Empty(_proxy.Requests);
        Assert.Equal(200, Request("GET", "version", headers: Bearer(_rpcd.Viewer.Sid)).Status);
    }

    [Fact]
    public void Secrets_NeverInOutputOrLog()
    {
        CgiReply[] replies =
        [
            Request("GET", "version", headers: Bearer(UnknownSid)),
            Request("POST", "network/prune", "token=wrong-token-wrong-token", Cookie(_rpcd.Admin)),
            Request("GET", "version", headers: Bearer("abcdefabcdefabcdefabcdefabcdefa")),
            Request("POST", "network/prune", headers: Bearer(_rpcd.Viewer.Sid)),
        ];
        foreach (CgiReply r in replies)
        {
            string all = r.Text + r.Stderr + string.Join("", r.Headers.Values);
            Assert.DoesNotContain(UnknownSid, all, StringComparison.Ordinal);
            Assert.DoesNotContain(_rpcd.Admin.Sid, all, StringComparison.Ordinal);
            Assert.DoesNotContain(_rpcd.Viewer.Sid, all, StringComparison.Ordinal);
            Assert.DoesNotContain(_rpcd.Admin.Token, all, StringComparison.Ordinal);
            Assert.DoesNotContain("wrong-token-wrong-token", all, StringComparison.Ordinal);
            Assert.DoesNotContain("abcdefabcdefabcdefabcdefabcdefa", all, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void FromShell_NoGatewayInterface_NoCredentialsNeeded()
    {
        WriteConfig(NoUbus);
        CgiReply r = new CgiRunner(_proxy.Host, _config).Get("version");
        Assert.Equal(200, r.Status);
    }

    public void Dispose()
    {
        _proxy.Dispose();
        Directory.Delete(_config, true);
    }
}
