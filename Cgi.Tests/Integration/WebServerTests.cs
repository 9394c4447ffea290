using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Dockerman.Tests.Support;
using Xunit;

namespace Dockerman.Tests.Integration;

/// <summary>
/// The published binary behind a real web server: busybox httpd runs it from cgi-bin with token
/// authentication, and an ordinary HTTP client talks to httpd. What is checked here is what only
/// a real server shows: that it passes Authorization and the request body on, and turns the
/// program's <c>Status:</c> line and headers into the HTTP response.
/// </summary>
[Collection(DaemonCollection.Name)]
public sealed class WebServerTests : IDisposable
{
    private readonly DockerDaemon _daemon;
    private readonly string _configDir = Paths.TempDir("dmwcfg");
    private readonly string _token = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24));
    private readonly BusyboxHttpd _httpd;
    private readonly HttpClient _client;
    private readonly List<string> _containers = [];

    public WebServerTests(DockerDaemon daemon)
    {
        _daemon = daemon;
        string tokenFile = Path.Combine(_configDir, "token");
        File.WriteAllText(tokenFile, _token + "\n");
        File.WriteAllText(Path.Combine(_configDir, "dockerman"), $"""
            config dockerman 'main'
            	option auth 'token'
            	option token_file '{tokenFile}'

            """);
        // httpd's own environment is the CGI's: this is how the daemon and the settings reach it.
        _httpd = new BusyboxHttpd(new Dictionary<string, string>
        {
            ["DOCKER_HOST"] = daemon.Host,
            ["DOCKERMAN_CONFIG_DIR"] = _configDir,
        });
        _client = new HttpClient { BaseAddress = _httpd.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    public void Dispose()
    {
        _client.Dispose();
        _httpd.Dispose();
        foreach (string name in _containers)
        {
            _daemon.RemoveContainer(name);
        }

        Directory.Delete(_configDir, true);
    }

    private HttpResponseMessage Send(HttpMethod method, string route, string? token, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, route) { Content = content };
        if (token != null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return _client.Send(request);
    }

    private string Text(HttpResponseMessage response) => response.Content.ReadAsStringAsync().Result;

    /// <summary>The <c>{"message": …}</c> of an error reply; fails if the body is not that shape.</summary>
    private string Message(HttpResponseMessage response)
    {
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        string text = Text(response);
        using JsonDocument doc = JsonDocument.Parse(text);
        string? message = doc.RootElement.GetProperty("message").GetString();
        Assert.False(string.IsNullOrWhiteSpace(message), text);
        return message!;
    }

    private string Unique(string prefix)
    {
        string name = $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)];
        _containers.Add(name);
        return name;
    }

    [Fact]
    public void Request_WithoutToken_Is401JsonWithReasonFromStatusLine()
    {
        using HttpResponseMessage r = Send(HttpMethod.Get, "container/list", token: null);
        Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
        Assert.Equal("Unauthorized", r.ReasonPhrase);
        Assert.Contains("Bearer", Message(r), StringComparison.Ordinal);
    }

    [Fact]
    public void Request_WithWrongToken_Is401()
    {
        using HttpResponseMessage r = Send(HttpMethod.Get, "container/list", token: new string('0', _token.Length));
        Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
        Assert.Equal("invalid token", Message(r));
    }

    [Fact]
    public void Request_WithBasicCredentials_Is401()
    {
        // busybox httpd keeps Basic credentials for its own use; a Bearer one is what reaches the CGI.
        using var request = new HttpRequestMessage(HttpMethod.Get, "container/list");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.ASCII.GetBytes("root:" + _token)));
        using HttpResponseMessage r = _client.Send(request);
        Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
    }

    [Fact]
    public void ContainerList_WithToken_Is200JsonArrayFromDaemon()
    {
        string name = Unique("dmweb-list");
        _daemon.CreateContainer(name, ["true"]);

        using HttpResponseMessage r = Send(HttpMethod.Get, "container/list?all=1", _token);
        string text = Text(r);
        Assert.True(r.StatusCode == HttpStatusCode.OK, $"{(int)r.StatusCode} {text} {_httpd.Log}");
        Assert.Equal("OK", r.ReasonPhrase);
        Assert.Equal("application/json", r.Content.Headers.ContentType?.MediaType);
        using JsonDocument doc = JsonDocument.Parse(text);
        Assert.Equal(JsonValueKind.Array, doc.RootElement.ValueKind);
        Assert.Contains(doc.RootElement.EnumerateArray(),
            c => c.GetProperty("Names").EnumerateArray().Any(n => n.GetString() == "/" + name));
    }

    [Fact]
    public void Container_CreateStartWaitLogsAsText_ShowsItsOutput()
    {
        string name = Unique("dmweb-run");
        string body = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["Image"] = DockerDaemon.Image,
            ["Cmd"] = new[] { "sh", "-c", $"echo hello from {name}; sleep 0.2; echo to stderr >&2; sleep 0.2; printf 'no newline'" },
        });

        using (HttpResponseMessage created = Send(HttpMethod.Post, $"container/create?name={name}", _token,
                   new StringContent(body, Encoding.UTF8, "application/json")))
        {
            string text = Text(created);
            Assert.True(created.StatusCode == HttpStatusCode.Created, $"{(int)created.StatusCode} {text} {_httpd.Log}");
            Assert.Equal("Created", created.ReasonPhrase);
            using JsonDocument doc = JsonDocument.Parse(text);
            Assert.Equal(64, doc.RootElement.GetProperty("Id").GetString()!.Length);
        }

        using (HttpResponseMessage started = Send(HttpMethod.Post, $"container/start/{name}", _token))
        {
            Assert.Equal(HttpStatusCode.NoContent, started.StatusCode);
            Assert.Equal("No Content", started.ReasonPhrase);
        }

        using (HttpResponseMessage waited = Send(HttpMethod.Post, $"container/wait/{name}", _token))
        {
            Assert.Equal(HttpStatusCode.OK, waited.StatusCode);
            using JsonDocument doc = JsonDocument.Parse(Text(waited));
            Assert.Equal(0, doc.RootElement.GetProperty("StatusCode").GetInt32());
        }

        using HttpResponseMessage logs = Send(HttpMethod.Get, $"container/logs/{name}?stdout=1&stderr=1&format=text", _token);
        Assert.Equal(HttpStatusCode.OK, logs.StatusCode);
        Assert.Equal("text/plain", logs.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", logs.Content.Headers.ContentType?.CharSet);
        Assert.Equal($"hello from {name}\nto stderr\nno newline", Text(logs));
    }

    [Fact]
    public void ContainerLogs_OfMissingContainer_IsDaemons404WithItsMessage()
    {
        using HttpResponseMessage r = Send(HttpMethod.Get, "container/logs/dmweb-no-such-container?stdout=1", _token);
        Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
        Assert.Contains("No such container", Message(r), StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownRoute_Is404Json()
    {
        using HttpResponseMessage r = Send(HttpMethod.Get, "container/frobnicate", _token);
        Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
        Assert.Equal("Not Found", r.ReasonPhrase);
        Assert.Contains("no such route", Message(r), StringComparison.Ordinal);
    }

    [Fact]
    public void WrongMethod_Is405WithAllow()
    {
        using HttpResponseMessage r = Send(HttpMethod.Get, "container/start/dmweb-any", _token);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, r.StatusCode);
        Assert.Equal("Method Not Allowed", r.ReasonPhrase);
        Assert.Equal(["POST"], r.Content.Headers.Allow);
        Assert.Contains("does not take GET", Message(r), StringComparison.Ordinal);
    }
}
