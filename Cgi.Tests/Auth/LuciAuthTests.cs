using System.Diagnostics;
using System.Text;
using Dockerman.Tests.Support;
using Xunit;

namespace Dockerman.Tests.Auth;

/// <summary>
/// LuCI session checks through the published binary run as a CGI under a web server
/// (GATEWAY_INTERFACE set), with a fake ubusd answering like rpcd, and a recording proxy in front
/// of the real daemon showing what reached it.
/// </summary>
[Collection(DaemonCollection.Name)]
public sealed class LuciAuthTests : IDisposable
{
    private const string ReadOnlySid = "11111111111111111111111111111111";
    private const string WriterSid = "2222222222222222222222222222aaaa";
    private const string OtherGroupSid = "33333333333333333333333333333333";
    private const string UnknownSid = "44444444444444444444444444444444";
    private const string CsrfToken = "5555555555555555555555555555ffff";

    private readonly FakeUbusd _ubus = new();
    private readonly RecordingProxy _proxy;
    private readonly string _config = Paths.TempDir("luci");

    public LuciAuthTests(DockerDaemon daemon)
    {
        _proxy = new RecordingProxy(daemon.Socket);
        _ubus.Sessions[ReadOnlySid] = new FakeSession("luci-app-dockerman", Read: true, Write: false, Token: null);
        _ubus.Sessions[WriterSid] = new FakeSession("luci-app-dockerman", Read: true, Write: true, Token: CsrfToken);
        _ubus.Sessions[OtherGroupSid] = new FakeSession("luci-app-other", Read: true, Write: true, Token: CsrfToken);
        WriteConfig(_ubus.SocketPath);
    }

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

    private static Dictionary<string, string> Cookie(string sid) => new() { ["HTTP_COOKIE"] = "sysauth_https=" + sid };

    [Fact]
    public void Read_ValidSessionBearer_Served()
    {
        CgiReply r = Request("GET", "container/list", headers: Bearer(ReadOnlySid));
        Assert.True(r.Status == 200, r.ToString());
        Assert.Single(_proxy.RequestLines);
        Assert.Contains($"access {ReadOnlySid} read", _ubus.Calls);
    }

    [Fact]
    public void AnyRoute_NoCredentials_401AndNothingAsked()
    {
        CgiReply r = Request("GET", "version");
        Assert.Equal(401, r.Status);
        Assert.Contains("\"message\"", r.Text, StringComparison.Ordinal);
        Assert.Empty(_proxy.Requests);
        Assert.Equal(0, _ubus.Connections);
    }

    [Theory]
    [InlineData("00000000000000000000000000000000")]
    [InlineData("1111111111111111111111111111111")]
    [InlineData("1111111111111111111111111111111g")]
    [InlineData("../../../../../../../../../../etc")]
    public void MalformedSessionId_401WithoutAskingUbus(string sid)
    {
        CgiReply r = Request("GET", "version", headers: Bearer(sid));
        Assert.Equal(401, r.Status);
        Assert.Equal(0, _ubus.Connections);
        Assert.Empty(_proxy.Requests);
    }

    [Fact]
    public void UnknownOrExpiredSession_401()
    {
        CgiReply r = Request("GET", "version", headers: Bearer(UnknownSid));
        Assert.Equal(401, r.Status);
        Assert.Contains("expired", r.Text, StringComparison.Ordinal);
        Assert.Empty(_proxy.Requests);
    }

    [Fact]
    public void Write_ReadOnlySession_403AndDaemonSeesNothing()
    {
        CgiReply r = Request("POST", "container/create", "name=never-" + Guid.NewGuid().ToString("N")[..8],
            Bearer(ReadOnlySid), Encoding.UTF8.GetBytes("{\"Image\":\"testbox:1\"}"), "application/json");
        Assert.Equal(403, r.Status);
        Assert.Contains($"access {ReadOnlySid} write", _ubus.Calls);
        Assert.Empty(_proxy.Requests);
    }

    [Fact]
    public void Read_SessionOfAnotherGroup_403()
    {
        CgiReply r = Request("GET", "version", headers: Bearer(OtherGroupSid));
        Assert.Equal(403, r.Status);
        Assert.Empty(_proxy.Requests);
    }

    [Fact]
    public void AclGroupSetting_ChecksThatGroup()
    {
        WriteConfig(_ubus.SocketPath, "\toption acl_group 'luci-app-other'\n");
        Assert.Equal(200, Request("GET", "version", headers: Bearer(OtherGroupSid)).Status);
        Assert.Equal(403, Request("GET", "version", headers: Bearer(ReadOnlySid)).Status);
    }

    [Fact]
    public void Write_WriterSessionBearer_ServedWithoutCsrfToken()
    {
        CgiReply r = Request("POST", "network/prune", headers: Bearer(WriterSid));
        Assert.True(r.Status == 200, r.ToString());
        Assert.Equal("POST /networks/prune HTTP/1.1", Assert.Single(_proxy.RequestLines));
        Assert.DoesNotContain(_ubus.Calls, c => c.StartsWith("get", StringComparison.Ordinal));
    }

    [Fact]
    public void Write_CookieWithoutToken_403()
    {
        CgiReply r = Request("POST", "network/prune", headers: Cookie(WriterSid));
        Assert.Equal(403, r.Status);
        Assert.Contains("token", r.Text, StringComparison.Ordinal);
        Assert.Empty(_proxy.Requests);
    }

    [Fact]
    public void Write_CookieWithWrongToken_403()
    {
        CgiReply r = Request("POST", "network/prune", "token=5555555555555555555555555555fffe", Cookie(WriterSid));
        Assert.Equal(403, r.Status);
        Assert.Empty(_proxy.Requests);
    }

    [Fact]
    public void Write_CookieWithRightTokenInQuery_Served_TokenNotForwarded()
    {
        CgiReply r = Request("POST", "network/prune", "token=" + CsrfToken, Cookie(WriterSid));
        Assert.True(r.Status == 200, r.ToString());
        Assert.Equal("POST /networks/prune HTTP/1.1", Assert.Single(_proxy.RequestLines));
        Assert.DoesNotContain(CsrfToken, _proxy.Requests[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Write_CookieWithRightTokenInForm_Served()
    {
        byte[] form = Encoding.ASCII.GetBytes("token=" + CsrfToken);
        CgiReply r = Request("POST", "volume/prune", headers: Cookie(WriterSid), body: form,
            contentType: "application/x-www-form-urlencoded");
        Assert.True(r.Status == 200, r.ToString());
        Assert.Single(_proxy.Requests);
    }

    [Fact]
    public void Read_SessionIdInFormField_Served()
    {
        byte[] form = Encoding.ASCII.GetBytes("sessionid=" + WriterSid);
        CgiReply r = Request("POST", "network/prune", body: form, contentType: "application/x-www-form-urlencoded");
        Assert.True(r.Status == 200, r.ToString());
    }

    [Fact]
    public void SessionIdQuery_OnlyForGetDownloads()
    {
        CgiReply notDownload = Request("GET", "version", "sessionid=" + ReadOnlySid);
        Assert.Equal(401, notDownload.Status);

        CgiReply download = Request("GET", "image/get/testbox:1", "sessionid=" + ReadOnlySid);
        Assert.True(download.Status == 200, download.ToString());
        Assert.Contains("attachment", download.Header("Content-Disposition"), StringComparison.Ordinal);
        Assert.DoesNotContain(ReadOnlySid, _proxy.Requests[0], StringComparison.Ordinal);
    }

    [Fact]
    public void UbusDown_503()
    {
        WriteConfig(Path.Combine(_config, "no-such.sock"));
        CgiReply r = Request("GET", "version", headers: Bearer(ReadOnlySid));
        Assert.Equal(503, r.Status);
        Assert.Empty(_proxy.Requests);
    }

    [Theory]
    [InlineData(UbusdMode.Stall)]
    [InlineData(UbusdMode.Garbage)]
    [InlineData(UbusdMode.StallMidMessage)]
    public void UbusMisbehaves_503Promptly(UbusdMode mode)
    {
        using var bad = new FakeUbusd(mode);
        WriteConfig(bad.SocketPath);
        var clock = Stopwatch.StartNew();
        CgiReply r = Request("GET", "version", headers: Bearer(ReadOnlySid));
        Assert.Equal(503, r.Status);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        Assert.Empty(_proxy.Requests);
    }

    [Fact]
    public void Secrets_NeverInOutputOrLog()
    {
        CgiReply[] replies =
        [
            Request("GET", "version", headers: Bearer(UnknownSid)),
            Request("POST", "network/prune", "token=wrong-token-wrong-token", Cookie(WriterSid)),
            Request("GET", "version", headers: Bearer("abcdefabcdefabcdefabcdefabcdefa")),
        ];
        foreach (CgiReply r in replies)
        {
            string all = r.Text + r.Stderr + string.Join("", r.Headers.Values);
            Assert.DoesNotContain(UnknownSid, all, StringComparison.Ordinal);
            Assert.DoesNotContain(WriterSid, all, StringComparison.Ordinal);
            Assert.DoesNotContain("wrong-token-wrong-token", all, StringComparison.Ordinal);
            Assert.DoesNotContain("abcdefabcdefabcdefabcdefabcdefa", all, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void FromShell_NoGatewayInterface_NoCredentialsNeeded()
    {
        CgiReply r = new CgiRunner(_proxy.Host, _config).Get("version");
        Assert.Equal(200, r.Status);
        Assert.Equal(0, _ubus.Connections);
    }

    public void Dispose()
    {
        _ubus.Dispose();
        _proxy.Dispose();
        Directory.Delete(_config, true);
    }
}
