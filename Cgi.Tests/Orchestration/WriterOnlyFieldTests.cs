using System.Text;
using Dockerman.Tests.Support;
using Xunit;

namespace Dockerman.Tests.Orchestration;

/// <summary>
/// swarm/inspect for a read-only LuCI session against a daemon whose reply is odd: chunked, cut short,
/// not an object, too large, stalled. The join tokens leave only inside a reply they could be taken out
/// of; otherwise the caller gets a clean error and none of the reply.
/// </summary>
public sealed class WriterOnlyFieldTests : IDisposable
{
    private const string ReaderSid = "8888888888888888888888888888cccc";
    private const string Token = "SWMTKN-1-thisisnotarealtokenthisisnotarealtoken-worker";
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromSeconds(30);

    private readonly FakeUbusd _ubus = new();
    private readonly string _config;

    public WriterOnlyFieldTests()
    {
        _ubus.Sessions[ReaderSid] = new FakeSession("luci-app-dockerman", Read: true, Write: false, Token: null);
        _config = DaemonFailureTests.ConfigDir(("auth", "luci"), ("ubus_socket", _ubus.SocketPath), ("stream_deadline", "2"));
    }

    public void Dispose()
    {
        _ubus.Dispose();
        Directory.Delete(_config, true);
    }

    private CgiReply Inspect(FakeDaemon daemon) => new CgiRunner(daemon.Host, _config).Get("swarm/inspect", "",
        new Dictionary<string, string>
        {
            ["GATEWAY_INTERFACE"] = "CGI/1.1",
            ["HTTP_AUTHORIZATION"] = "Bearer " + ReaderSid,
        });

    private static string Swarm(int padding = 0) =>
        $$"""{"ID":"abc","Pad":"{{new string('x', padding)}}","JoinTokens":{"Worker":"{{Token}}","Manager":"{{Token}}"},"DataPathPort":4789}""";

    [Fact]
    public void ChunkedReply_TokensTakenOutRestKept()
    {
        string json = Swarm();
        using var daemon = new FakeDaemon(c =>
        {
            c.ReadRequest();
            c.Send("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" +
                   $"{json.Length - 20:x}\r\n{json[..^20]}\r\n14\r\n{json[^20..]}\r\n0\r\n\r\n");
        });

        CgiReply reply = Inspect(daemon);

        Assert.True(reply.Status == 200, reply.ToString());
        Assert.Equal("""{"ID":"abc","Pad":"","DataPathPort":4789}""" + "\n", reply.Text);
        Assert.Equal(reply.Body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), reply.Header("Content-Length"));
        Assert.Equal("GET /swarm HTTP/1.1", daemon.Request!.Method + " " + daemon.Request.Target + " " + daemon.Request.Version);
        daemon.Finish(ScriptTimeout);
    }

    [Fact]
    public void LargeReply_ReadInSeveralStepsAndTakenOut()
    {
        using var daemon = new FakeDaemon(c =>
        {
            c.ReadRequest();
            c.Reply(200, "OK", "application/json", Swarm(300 * 1024));
        });

        CgiReply reply = Inspect(daemon);

        Assert.True(reply.Status == 200, reply.ToString());
        Assert.DoesNotContain("SWMTKN", reply.Text, StringComparison.Ordinal);
        Assert.Contains("\"DataPathPort\":4789", reply.Text, StringComparison.Ordinal);
        daemon.Finish(ScriptTimeout);
    }

    [Theory]
    [InlineData("not an object")]
    [InlineData("[{\"JoinTokens\":{}}]")]
    [InlineData("{\"ID\":\"abc\",\"JoinTokens\":{\"Worker\":\"" + Token + "\"")]
    public void NotOneObject_502WithoutAnyOfTheReply(string body)
    {
        using var daemon = new FakeDaemon(c =>
        {
            c.ReadRequest();
            c.Reply(200, "OK", "application/json", body);
        });

        CgiReply reply = Inspect(daemon);

        Assert.Equal(502, reply.Status);
        Assert.Contains("not a JSON object", DaemonFailureTests.Message(reply), StringComparison.Ordinal);
        Assert.DoesNotContain("SWMTKN", reply.Text + reply.Stderr, StringComparison.Ordinal);
        daemon.Finish(ScriptTimeout);
    }

    [Fact]
    public void TooLarge_502()
    {
        using var daemon = new FakeDaemon(c =>
        {
            c.ReadRequest();
            c.Reply(200, "OK", "application/json", Swarm((1024 * 1024) + 1));
        });

        CgiReply reply = Inspect(daemon);

        Assert.Equal(502, reply.Status);
        Assert.Contains("at most 1048576 bytes", DaemonFailureTests.Message(reply), StringComparison.Ordinal);
        daemon.Finish(ScriptTimeout);
    }

    [Fact]
    public void StallMidBody_504AtTheDeadlineWithoutAnyOfTheReply()
    {
        string json = Swarm();
        using var daemon = new FakeDaemon(c =>
        {
            c.ReadRequest();
            c.Send($"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {json.Length}\r\n\r\n{json[..^10]}");
            c.StallUntilClosed();
        });

        CgiReply reply = Inspect(daemon);

        Assert.Equal(504, reply.Status);
        Assert.Contains("did not complete within 2 s", DaemonFailureTests.Message(reply), StringComparison.Ordinal);
        Assert.DoesNotContain("SWMTKN", reply.Text, StringComparison.Ordinal);
        daemon.Finish(ScriptTimeout);
    }

    [Fact]
    public void DaemonClosesMidBody_502()
    {
        string json = Swarm();
        using var daemon = new FakeDaemon(c =>
        {
            c.ReadRequest();
            c.Send(Encoding.UTF8.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {json.Length}\r\n\r\n{json[..^10]}"));
            c.Close();
        });

        CgiReply reply = Inspect(daemon);

        Assert.Equal(502, reply.Status);
        Assert.Contains("could not be read", DaemonFailureTests.Message(reply), StringComparison.Ordinal);
        Assert.DoesNotContain("SWMTKN", reply.Text, StringComparison.Ordinal);
        daemon.Finish(ScriptTimeout);
    }
}
