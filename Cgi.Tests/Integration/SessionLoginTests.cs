using System.Text;
using System.Text.Json;
using Dockerman.Tests.Support;
using Dockerman.Tests.Support.Router;
using Xunit;

namespace Dockerman.Tests.Integration;

/// <summary>
/// <c>session/login</c> through the published binary run as a CGI (GATEWAY_INTERFACE set), against
/// the stand-in rpcd's session object and the real daemon: the session it answers is one rpcd
/// knows, and works as <c>Authorization: Bearer</c> with the rights of its user.
/// </summary>
[Collection(DaemonCollection.Name)]
public sealed class SessionLoginTests : IDisposable
{
    private static readonly Dictionary<string, string> Web = new() { ["GATEWAY_INTERFACE"] = "CGI/1.1" };

    private readonly RouterStack _bus = new(new RouterStackOptions { WebServer = false });
    private readonly CgiRunner _cgi;

    public SessionLoginTests(DockerDaemon daemon)
    {
        _cgi = new CgiRunner(daemon.Host, _bus.ConfigDir);
    }

    public void Dispose() => _bus.Dispose();

    private CgiReply LoginForm(string form) =>
        _cgi.Run("POST", "session/login", "", Encoding.ASCII.GetBytes(form), Web, "application/x-www-form-urlencoded");

    private CgiReply As(string sid, string method, string path) =>
        _cgi.Run(method, path, "", null, new(Web) { ["HTTP_AUTHORIZATION"] = "Bearer " + sid });

    private static string Session(CgiReply r)
    {
        Assert.True(r.Status == 200, r.ToString());
        JsonElement reply = JsonDocument.Parse(r.Text).RootElement;
        Assert.True(reply.GetProperty("expires").GetInt64() > 0, r.Text);
        return reply.GetProperty("session").GetString()!;
    }

    [Fact]
    public void Login_FormWithRightPassword_SessionRpcdKnowsWorksAsBearer()
    {
        CgiReply r = LoginForm($"username={RpcdLogin.Admin.Username}&password={Uri.EscapeDataString(RpcdLogin.Admin.Password)}");

        string sid = Session(r);
        Assert.Matches("^[0-9a-f]{32}$", sid);
        Assert.True(_bus.Knows(sid));
        Assert.Equal("no-store", r.Header("Cache-Control"));
        Assert.Equal(200, As(sid, "GET", "version").Status);
    }

    [Fact]
    public void Login_JsonBody_SessionAnswered()
    {
        string json = $$"""{"username":"{{RpcdLogin.Admin.Username}}","password":"{{RpcdLogin.Admin.Password}}","remember":true}""";
        CgiReply r = _cgi.Post("session/login", "", json, Web);

        Assert.True(_bus.Knows(Session(r)));
    }

    [Fact]
    public void Login_WrongPassword_401WithMessageAndNoSession()
    {
        CgiReply r = LoginForm($"username={RpcdLogin.Admin.Username}&password=not-it");

        Assert.Equal(401, r.Status);
        Assert.Equal("wrong user name or password", JsonDocument.Parse(r.Text).RootElement.GetProperty("message").GetString());
        Assert.DoesNotContain("session\"", r.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Login_CredentialsInQueryOnly_400NotAsked()
    {
        CgiReply r = _cgi.Run("POST", "session/login",
            $"username={RpcdLogin.Admin.Username}&password={RpcdLogin.Admin.Password}", null, Web);

        Assert.Equal(400, r.Status);
        Assert.Contains("in the body", r.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Login_Get_405()
    {
        CgiReply r = _cgi.Get("session/login", "", Web);

        Assert.Equal(405, r.Status);
        Assert.Equal("POST", r.Header("Allow"));
    }

    [Fact]
    public void Login_ReadOnlyUser_ReadsButChangeRefused403()
    {
        string sid = Session(LoginForm($"username={RpcdLogin.Viewer.Username}&password={RpcdLogin.Viewer.Password}"));

        Assert.Equal(200, As(sid, "GET", "container/list").Status);
        CgiReply stop = As(sid, "POST", "container/stop/nosuchcontainer");
        Assert.Equal(403, stop.Status);
        Assert.Contains("no write access", stop.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Login_SessionDestroyed_BearerThen401()
    {
        string sid = Session(LoginForm($"username={RpcdLogin.Admin.Username}&password={RpcdLogin.Admin.Password}"));
        Assert.True(_bus.Destroy(sid));

        CgiReply r = As(sid, "GET", "version");

        Assert.Equal(401, r.Status);
        Assert.Contains("expired", r.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Login_TokenAuthServer_404()
    {
        string config = Paths.TempDir("tokcfg");
        File.WriteAllText(Path.Combine(config, "dockerman"), "config dockerman 'main'\n\toption auth 'token'\n");
        var cgi = new CgiRunner(null, config);

        CgiReply r = cgi.Run("POST", "session/login", "", "username=a&password=b"u8.ToArray(), Web,
            "application/x-www-form-urlencoded");

        Assert.Equal(404, r.Status);
        Assert.Contains("auth 'token'", r.Text, StringComparison.Ordinal);
    }
}
