using System.Diagnostics;
using System.Text;
using Dockerman.Tests.Support;
using Xunit;

namespace Dockerman.Tests.Orchestration;

/// <summary>
/// A daemon that goes silent in the middle of what it sends (a chunk, a chunk-size line, a log
/// frame, a document, a download) or stops reading an upload: the request ends after idle_timeout,
/// long before the stream deadline, with the output cut and exit status 5. Silence between the
/// units of a stream is not a stall.
/// </summary>
public sealed class DaemonStallTests
{
    private const string ChunkedHead = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";

    /// <summary>idle_timeout 1 s against a deadline of 30 s: whichever ends the request shows.</summary>
    private static CgiRunner Cgi(FakeDaemon daemon) =>
        new(daemon.Host, DaemonFailureTests.ConfigDir(("idle_timeout", "1"), ("stream_deadline", "30"), ("heartbeat", "10")));

    private static (CgiReply Reply, double Seconds) Timed(Func<CgiReply> run)
    {
        var sw = Stopwatch.StartNew();
        CgiReply reply = run();
        return (reply, sw.Elapsed.TotalSeconds);
    }

    private static FakeDaemon Sending(byte[] bytes) => new(c =>
    {
        c.ReadRequest();
        c.Send(bytes);
        c.StallUntilClosed();
    });

    private static void AssertCutAfterIdle(FakeDaemon daemon, CgiReply reply, double seconds)
    {
        Assert.True(reply.ExitCode == 5, reply.ToString());
        Assert.Equal(200, reply.Status);
        Assert.Null(reply.Header("Content-Length"));
        Assert.Contains("sent nothing for 1 s (idle_timeout)", reply.Stderr, StringComparison.Ordinal);
        Assert.InRange(seconds, 0.9, 10);
        Assert.True(daemon.WaitClientClosed(TimeSpan.FromSeconds(5)));
    }

    private const string Event = "{\"status\":\"start\",\"id\":\"abc\"}\n";

    public static TheoryData<string, string, string> ChunkedStalls => new()
    {
        // route, query, what the daemon sends after the head before it goes silent
        { "container/list", "", "4\r\n[{},\r\n8\r\n{\"a\":" },           // inside a chunk's data
        { "container/list", "", "4\r\n[{},\r\n1" },                       // inside a chunk-size line
        { "container/list", "", "4\r\n[{},\r\n" },                        // between chunks of a document
        { "container/list", "", "4\r\n[{},\r\n2\r\n{}" },                 // before a chunk's CRLF
        { "events", "", $"{Event.Length:x}\r\n{Event}\r\n10\r\n{{\"status\":" },                   // a stream, inside a chunk
        { "events", "", $"{Event.Length:x}\r\n{Event}\r\n1" },                                        // a stream, inside a size line
    };

    [Theory]
    [MemberData(nameof(ChunkedStalls))]
    public void Get_DaemonSilentInsideUnit_CutAfterIdleWithExit5(string route, string query, string body)
    {
        using FakeDaemon daemon = Sending(Encoding.ASCII.GetBytes(ChunkedHead + body));

        (CgiReply reply, double seconds) = Timed(() => Cgi(daemon).Run("GET", route, query, timeout: TimeSpan.FromSeconds(20)));

        AssertCutAfterIdle(daemon, reply, seconds);
        if (route == "container/list")
        {
            Assert.ThrowsAny<System.Text.Json.JsonException>(() => System.Text.Json.JsonDocument.Parse(reply.Body));
        }
        else
        {
            Assert.StartsWith(Event, reply.Text, StringComparison.Ordinal); // the whole event before the stall
        }
    }

    [Fact]
    public void Logs_DaemonSilentInsideFrame_CutAfterIdleWithExit5()
    {
        // Whole chunks, but the second frame's payload stops after 3 of its 10 bytes.
        byte[] frames = [1, 0, 0, 0, 0, 0, 0, 6, .. "hello\n"u8, 2, 0, 0, 0, 0, 0, 0, 10, .. "err"u8];
        using FakeDaemon daemon = Sending([
            .. "HTTP/1.1 200 OK\r\nContent-Type: application/vnd.docker.multiplexed-stream\r\nTransfer-Encoding: chunked\r\n\r\n"u8,
            .. Encoding.ASCII.GetBytes($"{frames.Length:x}\r\n"), .. frames, .. "\r\n"u8]);

        (CgiReply reply, double seconds) = Timed(() =>
            Cgi(daemon).Run("GET", "container/logs/web", "follow=1&stdout=1&stderr=1&format=text", timeout: TimeSpan.FromSeconds(20)));

        AssertCutAfterIdle(daemon, reply, seconds);
        Assert.Equal("hello\nerr", reply.Text);
    }

    [Fact]
    public void Export_DownloadStallsMidBody_CutAfterIdleWithExit5()
    {
        using FakeDaemon daemon = Sending(Encoding.ASCII.GetBytes(
            "HTTP/1.1 200 OK\r\nContent-Type: application/x-tar\r\nContent-Length: 100000\r\n\r\n" + new string('t', 5000)));

        (CgiReply reply, double seconds) = Timed(() => Cgi(daemon).Run("GET", "container/export/web", timeout: TimeSpan.FromSeconds(20)));

        Assert.True(reply.ExitCode == 5, reply.ToString());
        Assert.Equal("100000", reply.Header("Content-Length")); // passed on: the client sees the body is short
        Assert.Equal(5000, reply.Body.Length);
        Assert.Contains("idle_timeout", reply.Stderr, StringComparison.Ordinal);
        Assert.InRange(seconds, 0.9, 10);
    }

    [Fact]
    public void Events_SilentBetweenChunks_NotAStallEndsCleanlyAtDeadline()
    {
        using FakeDaemon daemon = Sending(Encoding.ASCII.GetBytes(ChunkedHead + $"{Event.Length:x}\r\n{Event}\r\n"));
        var cgi = new CgiRunner(daemon.Host, DaemonFailureTests.ConfigDir(("idle_timeout", "1"), ("stream_deadline", "3")));

        (CgiReply reply, double seconds) = Timed(() => cgi.Run("GET", "events", timeout: TimeSpan.FromSeconds(20)));

        Assert.True(reply.ExitCode == 0, reply.ToString());
        Assert.Equal(Event, reply.Text);
        Assert.InRange(seconds, 2.8, 10);
    }

    [Fact]
    public void Upload_DaemonStopsReading_504AfterIdleWithExit5()
    {
        // Far more than the socket buffers hold, sent by a client that is faster than the daemon.
        byte[] body = new byte[32 * 1024 * 1024];
        using var daemon = new FakeDaemon(c =>
        {
            c.WaitForData();
            c.StopReading();
        });

        (CgiReply reply, double seconds) = Timed(() => Cgi(daemon).Run("PUT", "container/put_archive/web", "path=/tmp", body,
            contentType: "application/x-tar", timeout: TimeSpan.FromSeconds(20)));

        Assert.True(reply.ExitCode == 5, reply.ToString());
        Assert.Equal(504, reply.Status);
        Assert.Contains("stopped reading the request for 1 s (idle_timeout); the upload was aborted",
            DaemonFailureTests.Message(reply), StringComparison.Ordinal);
        Assert.InRange(seconds, 0.9, 10);
    }
}
