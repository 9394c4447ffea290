using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Dockerman.Tests.Support;
using Xunit;

namespace Dockerman.Tests.Integration;

/// <summary>
/// Requests dockerman refuses itself: unknown routes, wrong methods, bad and oversized JSON bodies.
/// Each gets its status and a <c>{"message"}</c> body, and nothing reaches the daemon.
/// </summary>
[Collection(DaemonCollection.Name)]
public sealed class RequestCheckTests(DockerDaemon daemon) : DaemonTest(daemon)
{
    private static string Message(CgiReply reply)
    {
        Assert.Equal("application/json", reply.Header("Content-Type"));
        return DaemonObjects.Parse(reply).GetProperty("message").GetString()!;
    }

    /// <summary>Runs one request against a listening socket that is not a daemon; true if dockerman connected to it.</summary>
    private static bool Connects(Func<CgiRunner, CgiReply> request, out CgiReply reply)
    {
        string dir = Paths.TempDir("dmno");
        string socketPath = Path.Combine(dir, "docker.sock");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(socketPath));
        listener.Listen(4);
        reply = request(new CgiRunner("unix://" + socketPath));
        bool connected = listener.Poll(0, SelectMode.SelectRead);
        Directory.Delete(dir, true);
        return connected;
    }

    [Fact]
    public void Connects_KnownRoute_IsSeenByTheProbe()
    {
        // The check the tests below rely on: a request that does go to the daemon is noticed.
        string config = Paths.TempDir("dmcfg");
        File.WriteAllText(Path.Combine(config, "dockerman"), "config dockerman 'main'\n\toption stream_deadline '1'\n");

        bool connected = Connects(c =>
        {
            c.BaseEnvironment["DOCKERMAN_CONFIG_DIR"] = config;
            return c.Get("version");
        }, out CgiReply reply);

        Assert.True(connected, "the probe did not see dockerman connect");
        Assert.Equal(504, reply.Status);
    }

    private int ContainerCount() => Objects.Json("/containers/json?all=1").GetArrayLength();

    [Theory]
    [InlineData("container/frobnicate")]
    [InlineData("containers")]
    [InlineData("container/list/extra")]
    [InlineData("/admin/dockerx/version")]
    [InlineData("/admin/docker/")]
    [InlineData("/version")]
    public void UnknownRoute_AnyPath_Returns404WithMessage(string path)
    {
        CgiReply reply = Cgi.Get(path);

        Assert.Equal(404, reply.Status);
        Assert.Equal("404 Not Found", reply.StatusLine);
        Assert.Equal(1, reply.ExitCode);
        Assert.StartsWith("no such route", Message(reply), StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownRoute_NoConnectionToTheDaemon()
    {
        Assert.False(Connects(c => c.Get("container/frobnicate"), out CgiReply reply), "dockerman connected for an unknown route");
        Assert.Equal(404, reply.Status);
    }

    [Theory]
    [InlineData("GET", "container/create", "POST")]
    [InlineData("DELETE", "version", "GET")]
    [InlineData("PUT", "ping", "GET, HEAD")]
    [InlineData("GET", "container/remove/abc", "POST, DELETE")]
    [InlineData("HEAD", "container/get_archive/abc", "GET")]
    [InlineData("DELETE", "container/put_archive/abc", "POST, PUT")]
    [InlineData("POST", "images/get/testbox:1", "GET")]
    [InlineData("GET", "docker/events", "POST")]
    public void WrongMethod_KnownRoute_Returns405WithAllow(string method, string path, string allow)
    {
        CgiReply reply = Cgi.Run(method, path);

        Assert.Equal(405, reply.Status);
        Assert.Equal("405 Method Not Allowed", reply.StatusLine);
        Assert.Equal(allow, reply.Header("Allow"));
        Assert.Contains(method, Message(reply), StringComparison.Ordinal);
    }

    [Fact]
    public void WrongMethod_NoConnectionToTheDaemon()
    {
        Assert.False(Connects(c => c.Run("DELETE", "container/start/abc"), out CgiReply reply), "dockerman connected for a wrong method");
        Assert.Equal(405, reply.Status);
    }

    [Theory]
    [InlineData("{\"Image\":\"testbox:1\",")]
    [InlineData("[\"Image\",\"testbox:1\"]")]
    [InlineData("{\"Image\":\"testbox:1\"} trailing")]
    [InlineData("not json")]
    [InlineData("")]
    public void ContainerCreate_BadJsonBody_Returns400AndCreatesNothing(string body)
    {
        string name = Objects.Container(DaemonObjects.Unique("bad"));
        int before = ContainerCount();

        CgiReply reply = Cgi.Run("POST", "container/create", $"name={name}", Encoding.UTF8.GetBytes(body), contentType: "application/json");

        Assert.Equal(400, reply.Status);
        Assert.False(string.IsNullOrEmpty(Message(reply)));
        Assert.Equal(404, Objects.Send("GET", $"/containers/{name}/json").Status);
        Assert.Equal(before, ContainerCount());
    }

    [Fact]
    public void ContainerCreate_BadJsonBody_NoConnectionToTheDaemon()
    {
        bool connected = Connects(c => c.Post("container/create", "name=x", "{\"Image\":"), out CgiReply reply);

        Assert.False(connected, "dockerman connected for a bad body");
        Assert.Equal(400, reply.Status);
    }

    /// <summary>A CgiRunner on the real daemon whose config sets max_json_body to 2048 bytes.</summary>
    private CgiRunner WithSmallJsonLimit()
    {
        string config = Paths.TempDir("dmcfg");
        File.WriteAllText(Path.Combine(config, "dockerman"), "config dockerman 'main'\n\toption max_json_body '2048'\n");
        return new CgiRunner(Daemon.Host, config);
    }

    private static byte[] CreateBody(int size)
    {
        string head = """{"Image":"testbox:1","Cmd":["true"],"Labels":{"pad":" """;
        string tail = "\"}}";
        byte[] body = Encoding.UTF8.GetBytes(head + new string('p', size - head.Length - tail.Length) + tail);
        Assert.Equal(size, body.Length);
        using (JsonDocument.Parse(body))
        {
        }

        return body;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ContainerCreate_JsonBodyOverMaxJsonBody_Returns413AndCreatesNothing(bool contentLength)
    {
        CgiRunner cgi = WithSmallJsonLimit();
        string name = Objects.Container(DaemonObjects.Unique("big"));
        int before = ContainerCount();

        CgiReply reply = cgi.Run("POST", "container/create", $"name={name}", CreateBody(2049),
            contentType: "application/json", contentLength: contentLength);

        Assert.Equal(413, reply.Status);
        Assert.Contains("max_json_body", Message(reply), StringComparison.Ordinal);
        Assert.Equal(404, Objects.Send("GET", $"/containers/{name}/json").Status);
        Assert.Equal(before, ContainerCount());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ContainerCreate_JsonBodyAtMaxJsonBody_CreatesTheContainer(bool contentLength)
    {
        CgiRunner cgi = WithSmallJsonLimit();
        string name = Objects.Container(DaemonObjects.Unique("fit"));

        CgiReply reply = cgi.Run("POST", "container/create", $"name={name}", CreateBody(2048),
            contentType: "application/json", contentLength: contentLength);

        Assert.True(reply.Status == 201, reply.ToString());
        Assert.True(Objects.Exists($"/containers/{name}/json"));
    }

    [Fact]
    public void ContainerCreate_OversizedBody_NoConnectionToTheDaemon()
    {
        string config = Paths.TempDir("dmcfg");
        File.WriteAllText(Path.Combine(config, "dockerman"), "config dockerman 'main'\n\toption max_json_body '2048'\n");

        bool connected = Connects(c =>
        {
            c.BaseEnvironment["DOCKERMAN_CONFIG_DIR"] = config;
            return c.Run("POST", "container/create", "", CreateBody(4096), contentType: "application/json", contentLength: false);
        }, out CgiReply reply);

        Assert.False(connected, "dockerman connected for an oversized body");
        Assert.Equal(413, reply.Status);
    }
}
