using System.Text;
using System.Text.Json;
using Dockerman.Tests.Support;
using Xunit;

namespace Dockerman.Tests.Integration;

/// <summary>
/// The bodies the LuCI pages send: form fields in multipart/form-data (or urlencoded) on every
/// endpoint, with or without a file; builds from a URL; registry credentials in standard base64;
/// errors with <c>error</c> beside <c>message</c>. Run from the shell (no credentials needed) in
/// front of a recording proxy to the real daemon.
/// </summary>
[Collection(DaemonCollection.Name)]
public sealed class PageBodyTests : IDisposable
{
    private const string Pages = "/admin/services/dockerman/";

    private readonly DockerDaemon _daemon;
    private readonly RecordingProxy _proxy;
    private readonly CgiRunner _cgi;

    public PageBodyTests(DockerDaemon daemon)
    {
        _daemon = daemon;
        _proxy = new RecordingProxy(daemon.Socket);
        _cgi = new CgiRunner(_proxy.Host);
    }

    private CgiReply Send(string method, string endpoint, string query, FormData form) =>
        _cgi.Run(method, Pages + endpoint, query, form.ToArray(), contentType: form.ContentType);

    [Theory]
    [InlineData("containers/prune", "", "POST /containers/prune HTTP/1.1")]
    [InlineData("networks/prune", "", "POST /networks/prune HTTP/1.1")]
    [InlineData("volumes/prune", "", "POST /volumes/prune HTTP/1.1")]
    [InlineData("images/prune", "", "POST /images/prune HTTP/1.1")]
    [InlineData("images/build/prune", "all=true", "POST /build/prune?all=true HTTP/1.1")]
    public void Prune_MultipartWithOnlyTheToken_ServedAndTokenNotForwarded(string endpoint, string query, string line)
    {
        CgiReply r = Send("POST", endpoint, query, new FormData().Field("token", "0123456789abcdef0123456789abcdef"));
        Assert.True(r.Status == 200, r.ToString());
        Assert.Equal(line, Assert.Single(_proxy.RequestLines));
        Assert.DoesNotContain("0123456789abcdef0123456789abcdef", _proxy.Requests[0], StringComparison.Ordinal);
        Assert.DoesNotContain("multipart", _proxy.Requests[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Prune_UrlencodedToken_Served()
    {
        CgiReply r = _cgi.Run("POST", Pages + "networks/prune", "", "token=abc&sessionid=x"u8.ToArray(),
            contentType: "application/x-www-form-urlencoded");
        Assert.True(r.Status == 200, r.ToString());
        Assert.Single(_proxy.Requests);
    }

    [Fact]
    public void Multipart_FileOnAnEndpointTakingNone_400NothingSent()
    {
        CgiReply r = Send("POST", "networks/prune", "", new FormData().Field("token", "t").File("upload-archive", "a.tar", Tars.Build(("a", "b"))));
        Assert.Equal(400, r.Status);
        Assert.Contains("no file", r.Text, StringComparison.Ordinal);
        Assert.Empty(_proxy.Requests);
    }

    [Fact]
    public void Multipart_FieldsBeyondTheBound_413NothingSent()
    {
        var form = new FormData();
        for (int i = 0; i < 3; i++)
        {
            form.Field("f" + i, new string('x', 30_000));
        }

        CgiReply r = Send("POST", "volumes/prune", "", form);
        Assert.Equal(413, r.Status);
        Assert.Empty(_proxy.Requests);
    }

    [Fact]
    public void Build_FromAUrlOnLoopback_DaemonFetchesAndBuilds()
    {
        string tag = DaemonObjects.Unique("remote") + ":1";
        byte[] context = Tars.Build(("Dockerfile", $"FROM {DockerDaemon.Image}\nLABEL built=from-url\n"));
        using var server = new ContextServer(context);
        string url = server.Url("context.tar");
        try
        {
            // As the page writes it: q and t as typed, remote through encodeURIComponent.
            CgiReply r = Send("POST", "images/build", $"q=false&t={tag}&remote={Uri.EscapeDataString(url)}",
                new FormData().Field("token", "t"));
            Assert.True(r.Status == 200, r.ToString());
            Assert.DoesNotContain(DaemonObjects.Lines(r), l => l.TryGetProperty("error", out _));
            Assert.Equal(1, server.Served);
            JsonElement image = _daemon.GetJson($"/images/{tag}/json");
            Assert.Equal("from-url", image.GetProperty("Config").GetProperty("Labels").GetProperty("built").GetString());
            Assert.Contains("remote=" + Uri.EscapeDataString(url), Assert.Single(_proxy.RequestLines), StringComparison.Ordinal);
        }
        finally
        {
            _daemon.Status("DELETE", $"/images/{tag}?force=1");
        }
    }

    [Theory]
    [InlineData("file:///etc/passwd")]
    [InlineData("ftp://127.0.0.1/context.tar")]
    [InlineData("not a url")]
    [InlineData("http://user:secret@127.0.0.1/context.tar")]
    [InlineData("/tmp/context.tar")]
    [InlineData("http://")]
    [InlineData("http://127.0.0.1:x/c.tar")]
    [InlineData("https://[::1/c.tar")]
    public void Build_RemoteThatIsNoUrl_400NothingSent(string remote)
    {
        CgiReply r = Send("POST", "images/build", "q=false&remote=" + Uri.EscapeDataString(remote), new FormData().Field("token", "t"));
        Assert.Equal(400, r.Status);
        Assert.Contains("remote", r.Text, StringComparison.Ordinal);
        Assert.Empty(_proxy.Requests);
    }

    [Fact]
    public void RegistryAuth_StandardBase64InForm_SentAsPaddedBase64Url()
    {
        // btoa of this JSON has '+', '/' and '=' padding; the daemon reads base64url.
        string json = "{\"username\":\"u>?\",\"password\":\"p~~>\",\"serveraddress\":\"127.0.0.1:1\"}";
        if (json.Length % 3 == 0)
        {
            json += " "; // whitespace after the object: still the same JSON, now with padding
        }

        string standard = Convert.ToBase64String(Encoding.UTF8.GetBytes(json));
        Assert.True(standard.AsSpan().ContainsAny("+/") && standard.EndsWith('='), standard);
        string repo = "127.0.0.1:1/" + DaemonObjects.Unique("auth");
        CgiReply r = Send("POST", "images/push/" + repo, "tag=1", new FormData().Field("token", "t").Field("X-Registry-Auth", standard));
        Assert.True(r.Status == 200, r.ToString());
        _proxy.Settle();
        string sent = Assert.Single(_proxy.Requests);
        Assert.Contains($"\r\nX-Registry-Auth: {standard.Replace('+', '-').Replace('/', '_')}\r\n", sent, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("e30", "e30=")]
    [InlineData("e30=", "e30=")]
    [InlineData("eyJhIjoiYj4/In0", "eyJhIjoiYj4_In0=")]
    [InlineData("eyJhIjoiYj4_In0=", "eyJhIjoiYj4_In0=")]
    public void RegistryAuth_EitherAlphabet_NormalizedToPaddedBase64Url(string given, string sent) =>
        Assert.Equal(sent, Dockerman.Http.RegistryAuth.Normalize(given));

    [Theory]
    [InlineData("eyJhIjoiYj4/In0_")] // two alphabets
    [InlineData("e3=0")]
    [InlineData("e30===")]
    [InlineData("W10=")] // []
    public void RegistryAuth_Malformed_Refused(string given) => Assert.Null(Dockerman.Http.RegistryAuth.Normalize(given));

    [Fact]
    public void Errors_OwnAndDaemons_CarryErrorBesideMessage()
    {
        CgiReply own = _cgi.Run("POST", Pages + "version", "");
        Assert.Equal(404, own.Status);
        JsonElement ownBody = JsonDocument.Parse(own.Text).RootElement;
        Assert.Equal(ownBody.GetProperty("message").GetString(), ownBody.GetProperty("error").GetString());

        CgiReply daemon = _cgi.Get("image/inspect/no-such-image-" + Guid.NewGuid().ToString("N")[..8] + ":1");
        Assert.Equal(404, daemon.Status);
        JsonElement daemonBody = JsonDocument.Parse(daemon.Text).RootElement;
        Assert.Contains("no-such-image", daemonBody.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(daemonBody.GetProperty("message").GetString(), daemonBody.GetProperty("error").GetString());
    }

    public void Dispose() => _proxy.Dispose();
}
