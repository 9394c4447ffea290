using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Dockerman.Tests.Support;
using Xunit;

namespace Dockerman.Tests.Integration;

/// <summary>A second private daemon, for the tests of several endpoints.</summary>
public sealed class SecondDaemon : IDisposable
{
    public DockerDaemon Daemon { get; } = new();

    public void Dispose() => Daemon.Dispose();
}

/// <summary>
/// Several daemons from one router: <c>config endpoint</c> sections, <c>endpoint=&lt;name&gt;</c> as a
/// query or form value, endpoint/list, and jobs and consoles that stay on the endpoint they were
/// started for. Two real private daemons, one of them reached over TLS.
/// </summary>
[Collection(DaemonCollection.Name)]
public sealed class EndpointTests : IClassFixture<SecondDaemon>, IDisposable
{
    private readonly DockerDaemon _first;
    private readonly DockerDaemon _second;
    private readonly string _config = Paths.TempDir("endpoints");
    private readonly CgiRunner _cgi;
    private readonly List<(DockerDaemon, string)> _containers = [];

    public EndpointTests(DockerDaemon daemon, SecondDaemon second)
    {
        _first = daemon;
        _second = second.Daemon;
        File.WriteAllText(Path.Combine(_config, "dockerman"), $"""
            config dockerman 'main'
            	option jobs_dir '{_config}/jobs'
            	option ttyd '{_config}/ttyd'

            config endpoint 'second'
            	option host '{_second.Host}'

            config endpoint 'secure'
            	option host 'tcp://127.0.0.1:{_second.TlsPort}'
            	option cert_path '{_second.CertDir}'

            config endpoint 'broken'
            	option tls '1'
            """);
        File.WriteAllText(Path.Combine(_config, "ttyd"), $"#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done > {_config}/argv.tmp\nmv {_config}/argv.tmp {_config}/argv\n");
        File.SetUnixFileMode(Path.Combine(_config, "ttyd"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        _cgi = new CgiRunner(daemon.Host, _config);
    }

    public void Dispose()
    {
        foreach ((DockerDaemon d, string name) in _containers)
        {
            d.RemoveContainer(name);
        }
    }

    private string Container(DockerDaemon d, bool start = false)
    {
        string name = DaemonObjects.Unique("ep");
        d.CreateContainer(name, ["sleep", "300"], start);
        _containers.Add((d, name));
        return name;
    }

    [Fact]
    public void EndpointList_SectionsInTheFile_ListsTheDefaultAndEachWithoutFiles()
    {
        CgiReply reply = _cgi.Get("endpoint/list");

        Assert.True(reply.Status == 200, reply.ToString());
        JsonElement[] list = [.. JsonDocument.Parse(reply.Body).RootElement.EnumerateArray()];
        Assert.Equal(["default", "second", "secure", "broken"], list.Select(e => e.GetProperty("name").GetString()));
        Assert.Equal(_first.Host, list[0].GetProperty("host").GetString());
        Assert.True(list[0].GetProperty("default").GetBoolean());
        Assert.Equal(_second.Host, list[1].GetProperty("host").GetString());
        Assert.False(list[1].GetProperty("tls").GetBoolean());
        Assert.Equal(_second.TlsHost, list[2].GetProperty("host").GetString());
        Assert.True(list[2].GetProperty("tls").GetBoolean());
        Assert.True(list[2].GetProperty("verify").GetBoolean());
        Assert.True(list[2].GetProperty("client_certificate").GetBoolean());
        Assert.Contains("has no option host", list[3].GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(_second.CertDir, reply.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE KEY", reply.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void ContainerList_EndpointQuery_ReachesThatDaemonOnly()
    {
        string onSecond = Container(_second);

        CgiReply second = _cgi.Get("container/list", "all=1&endpoint=second");
        CgiReply first = _cgi.Get("container/list", "all=1");
        CgiReply defaultByName = _cgi.Get("container/list", "all=1&endpoint=default");

        Assert.True(second.Status == 200, second.ToString());
        Assert.Contains(onSecond, second.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(onSecond, first.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(onSecond, defaultByName.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void ContainerInspect_TlsEndpointSection_Answers200()
    {
        string onSecond = Container(_second);

        CgiReply reply = _cgi.Get($"container/inspect/{onSecond}", "endpoint=secure");

        Assert.True(reply.Status == 200, reply.ToString());
        Assert.Contains(onSecond, reply.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void ContainerStart_EndpointAsFormField_StartsItThere()
    {
        string onSecond = Container(_second);
        byte[] form = Encoding.ASCII.GetBytes("endpoint=second");

        CgiReply reply = _cgi.Run("POST", $"container/start/{onSecond}", "", form, contentType: "application/x-www-form-urlencoded");

        Assert.True(reply.Status == 204, reply.ToString());
        Assert.True(_second.GetJson($"/containers/{onSecond}/json").GetProperty("State").GetProperty("Running").GetBoolean());
    }

    [Theory]
    [InlineData("nowhere", "endpoint 'nowhere' is not configured")]
    [InlineData("../x", "endpoint: expected a name")]
    [InlineData("a b", "endpoint: expected a name")]
    public void Request_UnknownOrMalformedEndpoint_Answers400(string name, string message)
    {
        CgiReply reply = _cgi.Get("container/list", "endpoint=" + Uri.EscapeDataString(name));

        Assert.Equal(400, reply.Status);
        Assert.Contains(message, reply.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Request_EndpointWithoutHost_Answers502()
    {
        CgiReply reply = _cgi.Get("version", "endpoint=broken");

        Assert.Equal(502, reply.Status);
        Assert.Contains("config endpoint 'broken' has no option host", reply.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Push_EndpointQuery_TheJobRunsAgainstThatDaemon()
    {
        using var registry = new Registry();
        string tag = "t" + Guid.NewGuid().ToString("N")[..8];
        string repo = $"{registry.Host}/testbox";
        Assert.Equal(201, _second.Status("POST", $"/images/{DockerDaemon.Image}/tag?repo={repo}&tag={tag}"));

        CgiReply push = _cgi.Post($"image/push/{repo}", $"tag={tag}&X-Registry-Auth=e30&endpoint=secure");

        Assert.True(push.Status == 200, push.ToString());
        string id = push.Header("X-Dockerman-Job")!;
        var clock = Stopwatch.StartNew();
        string state = "running";
        JsonElement job = default;
        while (state == "running" && clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            Thread.Sleep(200);
            job = JsonDocument.Parse(_cgi.Get("job/list").Body).RootElement.EnumerateArray()
                .Single(j => j.GetProperty("id").GetString() == id).Clone();
            state = job.GetProperty("state").GetString()!;
        }

        Assert.Equal("done", state);
        Assert.Equal("secure", job.GetProperty("endpoint").GetString());
        using var http = new HttpClient();
        using HttpResponseMessage manifest = http.Send(new HttpRequestMessage(HttpMethod.Head, $"http://{registry.Host}/v2/testbox/manifests/{tag}")
        {
            Headers = { { "Accept", "application/vnd.docker.distribution.manifest.v2+json" } },
        });
        Assert.True(manifest.IsSuccessStatusCode, "the registry has no manifest for the tag pushed from the second daemon");
        Assert.Equal(404, _first.Status("GET", $"/images/{repo}:{tag}/json"));
        _second.Status("DELETE", $"/images/{repo}:{tag}");
    }

    [Fact]
    public void TtydStart_EndpointQuery_TheConsoleUsesThatDaemon()
    {
        string onSecond = Container(_second, start: true);

        CgiReply reply = _cgi.Post($"container/ttyd_start/{onSecond}", "endpoint=second");

        Assert.True(reply.Status == 200, reply.ToString());
        string path = Path.Combine(_config, "argv");
        for (int i = 0; i < 200 && !File.Exists(path); i++)
        {
            Thread.Sleep(20);
        }

        string[] argv = File.ReadAllLines(path);
        Assert.Equal(["/usr/bin/docker", "-H", _second.Host, "exec", "-it", onSecond, "/bin/sh"], argv[7..]);
    }
}
