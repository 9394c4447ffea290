using System.Text;
using System.Text.Json;
using Dockerman.Tests.Support;
using Xunit;

namespace Dockerman.Tests.Integration;

/// <summary>
/// Who sees what of the swarm under <c>auth 'luci'</c>: a read-only session lists but cannot create, and
/// never sees the join tokens or the unlock key; a session with the write right does. LuCI sessions come
/// from a fake ubusd answering like rpcd; a recording proxy in front of the manager's daemon shows what
/// reached it.
/// </summary>
[Collection(SwarmCollection.Name)]
public sealed class SwarmAuthTests : IDisposable
{
    private const string ReaderSid = "6666666666666666666666666666aaaa";
    private const string WriterSid = "7777777777777777777777777777bbbb";
    private const string CsrfToken = "9999999999999999999999999999dddd";

    private readonly SwarmCluster _swarm;
    private readonly FakeUbusd _ubus = new();
    private readonly RecordingProxy _proxy;
    private readonly string _config = Paths.TempDir("swauth");

    public SwarmAuthTests(SwarmCluster swarm)
    {
        _swarm = swarm;
        _proxy = new RecordingProxy(swarm.Manager.Socket);
        _ubus.Sessions[ReaderSid] = new FakeSession("luci-app-dockerman", Read: true, Write: false, Token: null);
        _ubus.Sessions[WriterSid] = new FakeSession("luci-app-dockerman", Read: true, Write: true, Token: CsrfToken);
        File.WriteAllText(Path.Combine(_config, "dockerman"),
            $"config dockerman 'main'\n\toption auth 'luci'\n\toption ubus_socket '{_ubus.SocketPath}'\n");
    }

    public void Dispose()
    {
        _proxy.Dispose();
        _ubus.Dispose();
        Directory.Delete(_config, true);
    }

    private CgiReply As(string sid, string method, string path, string query = "", string? json = null) =>
        new CgiRunner(_proxy.Host, _config).Run(method, path, query, json == null ? null : Encoding.UTF8.GetBytes(json),
            new Dictionary<string, string>
            {
                ["GATEWAY_INTERFACE"] = "CGI/1.1",
                ["SERVER_SOFTWARE"] = "uhttpd",
                ["HTTP_AUTHORIZATION"] = "Bearer " + sid,
            },
            json == null ? null : "application/json");

    [Fact]
    public void SwarmInspect_ReadOnlySession_JoinTokensLeftOut()
    {
        CgiReply reply = As(ReaderSid, "GET", "swarm/inspect");

        Assert.True(reply.Status == 200, reply.ToString());
        JsonElement swarm = DaemonObjects.Parse(reply);
        Assert.False(swarm.TryGetProperty("JoinTokens", out _), reply.Text);
        Assert.Equal(_swarm.Manager.GetJson("/swarm").GetProperty("ID").GetString(), swarm.GetProperty("ID").GetString());
        Assert.True(swarm.GetProperty("Spec").TryGetProperty("Raft", out _));
        Assert.DoesNotContain("SWMTKN", reply.Text, StringComparison.Ordinal);
        Assert.Equal(reply.Body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), reply.Header("Content-Length"));
        // The one extra question that decided it.
        Assert.Contains($"access {ReaderSid} read", _ubus.Calls);
        Assert.Contains($"access {ReaderSid} write", _ubus.Calls);
    }

    [Fact]
    public void SwarmInspect_WriteSession_JoinTokensShown()
    {
        CgiReply reply = As(WriterSid, "GET", "swarm/inspect");

        Assert.True(reply.Status == 200, reply.ToString());
        JsonElement tokens = DaemonObjects.Parse(reply).GetProperty("JoinTokens");
        Assert.Equal(_swarm.WorkerToken(), tokens.GetProperty("Worker").GetString());
        Assert.StartsWith("SWMTKN-1-", tokens.GetProperty("Manager").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void UnlockKey_ReadOnlySession_403AndDaemonSeesNothing()
    {
        CgiReply reply = As(ReaderSid, "GET", "swarm/unlockkey");

        Assert.True(reply.Status == 403, reply.ToString());
        Assert.Contains($"access {ReaderSid} write", _ubus.Calls);
        Assert.Empty(_proxy.Requests);
    }

    [Fact]
    public void UnlockKey_WriteSession_ReachesTheDaemon()
    {
        CgiReply reply = As(WriterSid, "GET", "swarm/unlockkey");

        // Without auto-lock there is no key: the daemon's answer, whatever it is, is the caller's to see.
        Assert.NotEqual(403, reply.Status);
        Assert.Single(_proxy.RequestLines, l => l.StartsWith("GET /swarm/unlockkey ", StringComparison.Ordinal));
    }

    [Fact]
    public void UnlockKey_WriteSessionByCookie_NeedsTheCsrfTokenLikeAnyWrite()
    {
        var cgi = new CgiRunner(_proxy.Host, _config);
        var env = new Dictionary<string, string>
        {
            ["GATEWAY_INTERFACE"] = "CGI/1.1",
            ["HTTP_COOKIE"] = "sysauth_https=" + WriterSid,
        };

        CgiReply without = cgi.Get("swarm/unlockkey", "", env);
        Assert.True(without.Status == 403, without.ToString());
        Assert.Empty(_proxy.Requests);

        CgiReply with = cgi.Get("swarm/unlockkey", "token=" + CsrfToken, env);
        Assert.NotEqual(403, with.Status);
        Assert.Single(_proxy.RequestLines, l => l.StartsWith("GET /swarm/unlockkey ", StringComparison.Ordinal));
    }

    [Fact]
    public void SwarmInspect_BearerTokenAuth_JoinTokensShown()
    {
        string dir = Paths.TempDir("swtok");
        try
        {
            File.WriteAllText(Path.Combine(dir, "token"), "0123456789abcdef0123456789abcdef\n");
            File.WriteAllText(Path.Combine(dir, "dockerman"),
                $"config dockerman 'main'\n\toption auth 'token'\n\toption token_file '{Path.Combine(dir, "token")}'\n");

            CgiReply reply = new CgiRunner(_proxy.Host, dir).Get("swarm/inspect", "", new Dictionary<string, string>
            {
                ["GATEWAY_INTERFACE"] = "CGI/1.1",
                ["HTTP_AUTHORIZATION"] = "Bearer 0123456789abcdef0123456789abcdef",
            });

            Assert.True(reply.Status == 200, reply.ToString());
            Assert.Equal(_swarm.WorkerToken(), DaemonObjects.Parse(reply).GetProperty("JoinTokens").GetProperty("Worker").GetString());
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Theory]
    [InlineData("swarm/inspect")]
    [InlineData("node/list")]
    [InlineData("service/list")]
    [InlineData("task/list")]
    [InlineData("secret/list")]
    [InlineData("config/list")]
    public void List_ReadOnlySession_Served(string path)
    {
        CgiReply reply = As(ReaderSid, "GET", path);

        Assert.True(reply.Status == 200, reply.ToString());
        Assert.NotEmpty(_proxy.Requests);
    }

    [Theory]
    [InlineData("service/create", """{"Name":"never","TaskTemplate":{"ContainerSpec":{"Image":"testbox:1"}}}""")]
    [InlineData("secret/create", """{"Name":"never","Data":"c2VjcmV0"}""")]
    [InlineData("config/create", """{"Name":"never","Data":"Y29uZmln"}""")]
    [InlineData("swarm/leave", null)]
    public void Create_ReadOnlySession_403AndDaemonSeesNothing(string path, string? json)
    {
        CgiReply reply = As(ReaderSid, "POST", path, json: json);

        Assert.True(reply.Status == 403, reply.ToString());
        Assert.Empty(_proxy.Requests);
        Assert.Equal("active", _swarm.Manager.GetJson("/info").GetProperty("Swarm").GetProperty("LocalNodeState").GetString());
    }

    [Fact]
    public void ServiceCreate_RegistryAuthValue_SentAsTheHeader()
    {
        string name = DaemonObjects.Unique("ra");
        // Sent unpadded; the daemon gets it padded, the base64url form it decodes.
        string padded = Convert.ToBase64String("""{"username":"u","password":"p"}"""u8).Replace('+', '-').Replace('/', '_');
        string auth = padded.TrimEnd('=');
        try
        {
            CgiReply reply = As(WriterSid, "POST", "service/create", "X-Registry-Auth=" + auth,
                $$$$"""{"Name":"{{{{name}}}}","TaskTemplate":{"ContainerSpec":{"Image":"testbox:1","Command":["true"]}},"Mode":{"Replicated":{"Replicas":0}}}""");

            Assert.True(reply.Status == 201, reply.ToString());
            string request = Assert.Single(_proxy.Requests);
            Assert.Contains("\r\nX-Registry-Auth: " + padded + "\r\n", request, StringComparison.Ordinal);
            Assert.DoesNotContain("X-Registry-Auth", request.Split("\r\n")[0], StringComparison.Ordinal);
        }
        finally
        {
            _swarm.Manager.Status("DELETE", $"/services/{name}");
        }
    }
}
