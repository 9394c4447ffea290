using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Dockerman.Tests.Support;
using Xunit;

namespace Dockerman.Tests.Orchestration;

/// <summary>The published binary against a daemon that is missing, broken or slow.</summary>
public sealed class DaemonFailureTests
{
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromSeconds(30);

    /// <summary>A config dir holding <c>/etc/config/dockerman</c> with these options.</summary>
    internal static string ConfigDir(params (string Option, string Value)[] options)
    {
        string dir = Paths.TempDir("dmcfg");
        var sb = new StringBuilder("config dockerman 'main'\n");
        foreach ((string option, string value) in options)
        {
            sb.Append("\toption ").Append(option).Append(" '").Append(value).Append("'\n");
        }

        File.WriteAllText(Path.Combine(dir, "dockerman"), sb.ToString());
        return dir;
    }

    internal static string Message(CgiReply reply)
    {
        Assert.Equal("application/json", reply.Header("Content-Type"));
        Assert.Equal(reply.Body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), reply.Header("Content-Length"));
        using var doc = JsonDocument.Parse(reply.Body);
        Assert.Equal(JsonValueKind.Object, doc.RootElement.ValueKind);
        return doc.RootElement.GetProperty("message").GetString()!;
    }

    /// <summary>GET <paramref name="path"/> where no daemon can be reached: a 502 saying so within a
    /// second, with exit code <paramref name="exitCode"/> when one is given.</summary>
    private static void Unreachable(CgiRunner cgi, string path, int? exitCode)
    {
        var sw = Stopwatch.StartNew();
        CgiReply reply = cgi.Get(path);
        TimeSpan elapsed = sw.Elapsed;

        Assert.Equal(502, reply.Status);
        if (exitCode is int code)
        {
            Assert.Equal(code, reply.ExitCode);
        }

        Assert.Contains("cannot reach the Docker daemon", Message(reply), StringComparison.Ordinal);
        Assert.True(elapsed < TimeSpan.FromSeconds(1), $"took {elapsed.TotalMilliseconds:F0} ms");
    }

    /// <summary>GET <paramref name="path"/> from a fake daemon acting out <paramref name="script"/>: a 502
    /// whose message holds <paramref name="message"/>, exit code <paramref name="exitCode"/> when one is
    /// given, and the script run to its end.</summary>
    private static void BadGateway(Action<FakeConnection> script, string message, int? exitCode, bool tcp = false,
        string path = "version")
    {
        using var daemon = new FakeDaemon(script, tcp);

        CgiReply reply = new CgiRunner(daemon.Host).Get(path);

        Assert.Equal(502, reply.Status);
        if (exitCode is int code)
        {
            Assert.Equal(code, reply.ExitCode);
        }

        Assert.Contains(message, Message(reply), StringComparison.Ordinal);
        daemon.Finish(ScriptTimeout);
    }

    [Fact]
    public void Get_NoSocketFile_502Within1Second()
    {
        string dir = Paths.TempDir("dmns");
        try
        {
            Unreachable(new CgiRunner("unix://" + Path.Combine(dir, "docker.sock")), "version", exitCode: 1);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void Get_SocketNobodyListensOn_502Within1Second()
    {
        string dir = Paths.TempDir("dmrf");
        string path = Path.Combine(dir, "docker.sock");
        try
        {
            // Bound but not listening: connect() is refused.
            using (var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
            {
                socket.Bind(new UnixDomainSocketEndPoint(path));
                Unreachable(new CgiRunner("unix://" + path), "info", exitCode: 1);
            }
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void Get_TcpPortRefused_502Within1Second()
    {
        int port;
        using (var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            port = ((IPEndPoint)probe.LocalEndPoint!).Port;
        }

        Unreachable(new CgiRunner($"tcp://127.0.0.1:{port}"), "version", exitCode: null);
    }

    [Theory]
    [InlineData("garbage\r\n\r\n")]
    [InlineData("SSH-2.0-OpenSSH_9.2\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n{}")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n")]
    [InlineData("")]
    public void Get_GarbageInsteadOfHead_502(string sent)
    {
        BadGateway(c =>
        {
            c.ReadRequest();
            c.Send(sent);
        }, "reply could not be read", exitCode: 1);
    }

    [Fact]
    public void Get_UnixConnectionResetBeforeHead_502()
    {
        // Closed with the request unread: the kernel reports ECONNRESET to the program.
        BadGateway(c =>
        {
            c.WaitForData();
            c.Reset();
        }, "reply could not be read", exitCode: 1);
    }

    [Fact]
    public void Get_TcpConnectionResetBeforeHead_502()
    {
        BadGateway(c =>
        {
            c.ReadRequest();
            c.Reset();
        }, "reply could not be read", exitCode: null, tcp: true);
    }

    private const string FullList = "[{\"Id\":\"aaaaaaaaaaaa\",\"Names\":[\"/one\"]},{\"Id\":\"bbbbbbbbbbbb\",\"Names\":[\"/two\"]}]";

    [Fact]
    public void Get_ChunkedBodyCutShort_OutputCutAndExit3()
    {
        // Whole chunks of 16 bytes, then half of the next chunk's data, then the connection closes.
        int sentData = 0;
        using var daemon = new FakeDaemon(c =>
        {
            c.ReadRequest();
            var sb = new StringBuilder("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
            for (int i = 0; i + 16 <= FullList.Length / 2; i += 16)
            {
                sb.Append("10\r\n").Append(FullList, i, 16).Append("\r\n");
                sentData = i + 16;
            }

            sb.Append("10\r\n").Append(FullList, sentData, 8);
            sentData += 8;
            c.Send(sb.ToString());
        });

        CgiReply reply = new CgiRunner(daemon.Host).Get("container/list");

        daemon.Finish(ScriptTimeout);
        Assert.Equal(200, reply.Status);
        Assert.Equal(3, reply.ExitCode);
        Assert.Null(reply.Header("Content-Length"));
        Assert.Equal(FullList[..sentData], reply.Text);
        Assert.True(reply.Body.Length < FullList.Length);
        Assert.Contains("failed in the middle of the reply", reply.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Get_ContentLengthBodyCutShort_Exit3AndLengthPassedOn()
    {
        string half = FullList[..(FullList.Length / 2)];
        using var daemon = new FakeDaemon(c =>
        {
            c.ReadRequest();
            c.Send($"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {FullList.Length}\r\n\r\n{half}");
        });

        CgiReply reply = new CgiRunner(daemon.Host).Get("container/list");

        daemon.Finish(ScriptTimeout);
        Assert.Equal(200, reply.Status);
        Assert.Equal(3, reply.ExitCode);
        Assert.Equal(FullList.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), reply.Header("Content-Length"));
        Assert.Equal(half, reply.Text);
    }

    [Fact]
    public void Get_ChunkedBodyMalformedMidway_OutputCutAndExit3()
    {
        using var daemon = new FakeDaemon(c =>
        {
            c.ReadRequest();
            c.Send("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" +
                   "4\r\n[{}]\r\nzz\r\n");
            c.StallUntilClosed();
        });

        CgiReply reply = new CgiRunner(daemon.Host).Run("GET", "container/list", timeout: TimeSpan.FromSeconds(10));

        // Bytes decoded in the same read as the malformed size line may be dropped: the output is cut either way.
        Assert.Equal(3, reply.ExitCode);
        Assert.StartsWith(reply.Text, "[{}]", StringComparison.Ordinal);
        Assert.Contains("malformed chunk size", reply.Stderr, StringComparison.Ordinal);
        Assert.True(daemon.WaitClientClosed(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public void Get_StallBeforeHead_504AtStreamDeadline()
    {
        using var daemon = new FakeDaemon(c =>
        {
            c.ReadRequest();
            c.StallUntilClosed();
        });
        var cgi = new CgiRunner(daemon.Host, ConfigDir(("stream_deadline", "2")));

        var sw = Stopwatch.StartNew();
        CgiReply reply = cgi.Run("GET", "version", timeout: TimeSpan.FromSeconds(20));
        TimeSpan elapsed = sw.Elapsed;

        Assert.Equal(504, reply.Status);
        Assert.Equal(1, reply.ExitCode);
        Assert.Contains("did not answer within 2 s", Message(reply), StringComparison.Ordinal);
        Assert.InRange(elapsed.TotalSeconds, 1.8, 10);
        Assert.True(daemon.WaitClientClosed(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public void Get_JsonReplyStallsMidBody_CutAtDeadlineWithExit3()
    {
        using var daemon = new FakeDaemon(c =>
        {
            c.ReadRequest();
            c.Send($"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {FullList.Length}\r\n\r\n{FullList[..10]}");
            c.StallUntilClosed();
        });
        var cgi = new CgiRunner(daemon.Host, ConfigDir(("stream_deadline", "2")));

        var sw = Stopwatch.StartNew();
        CgiReply reply = cgi.Run("GET", "container/list", timeout: TimeSpan.FromSeconds(20));
        TimeSpan elapsed = sw.Elapsed;

        Assert.Equal(200, reply.Status);
        Assert.Equal(3, reply.ExitCode);
        Assert.Equal(FullList[..10], reply.Text);
        Assert.InRange(elapsed.TotalSeconds, 1.8, 10);
        Assert.True(daemon.WaitClientClosed(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public void Get_ErrorReplyStallsMidBody_RelayedAtDeadline()
    {
        using var daemon = new FakeDaemon(c =>
        {
            c.ReadRequest();
            c.Send("HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\nout of ");
            c.StallUntilClosed();
        });
        var cgi = new CgiRunner(daemon.Host, ConfigDir(("stream_deadline", "2")));

        CgiReply reply = cgi.Run("GET", "version", timeout: TimeSpan.FromSeconds(20));

        Assert.Equal(500, reply.Status);
        Assert.Equal(1, reply.ExitCode);
        Assert.Equal("out of", Message(reply));
    }

    [Fact]
    public void Events_StalledDaemonWithHeartbeat_BlankLinesThenCleanEndAtDeadline()
    {
        const string Event = "{\"status\":\"start\",\"id\":\"abc\",\"time\":1700000000}\n";
        using var daemon = new FakeDaemon(c =>
        {
            c.ReadRequest();
            c.Send("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
            c.Send($"{Event.Length:x}\r\n{Event}\r\n");
            c.StallUntilClosed();
        });
        var cgi = new CgiRunner(daemon.Host, ConfigDir(("stream_deadline", "3"), ("heartbeat", "1")));

        var sw = Stopwatch.StartNew();
        CgiReply reply = cgi.Run("GET", "events", timeout: TimeSpan.FromSeconds(20));
        TimeSpan elapsed = sw.Elapsed;

        Assert.Equal(200, reply.Status);
        Assert.Equal(0, reply.ExitCode);
        Assert.Null(reply.Header("Content-Length"));
        Assert.StartsWith(Event, reply.Text, StringComparison.Ordinal);
        string heartbeats = reply.Text[Event.Length..];
        Assert.InRange(heartbeats.Length, 1, 3);
        Assert.All(heartbeats, c => Assert.Equal('\n', c));
        Assert.InRange(elapsed.TotalSeconds, 2.8, 10);
        Assert.True(daemon.WaitClientClosed(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public void Events_HeadAndFirstEventInOneWriteThenStall_EventRelayedBeforeDeadline()
    {
        const string Event = "{\"status\":\"die\",\"id\":\"abc\"}\n";
        using var daemon = new FakeDaemon(c =>
        {
            c.ReadRequest();
            c.Send("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" +
                   $"{Event.Length:x}\r\n{Event}\r\n");
            c.StallUntilClosed();
        });
        var cgi = new CgiRunner(daemon.Host, ConfigDir(("stream_deadline", "2")));

        CgiReply reply = cgi.Run("GET", "events", timeout: TimeSpan.FromSeconds(20));

        Assert.Equal(0, reply.ExitCode);
        Assert.Equal(Event, reply.Text);
    }

    [Fact]
    public void Logs_HeadAndFramesInOneWriteThenStall_TextRelayedBeforeDeadline()
    {
        using var daemon = new FakeDaemon(c =>
        {
            c.ReadRequest();
            c.Send("HTTP/1.1 200 OK\r\nContent-Type: application/vnd.docker.multiplexed-stream\r\n\r\n"u8.ToArray()
                .Concat(new byte[] { 1, 0, 0, 0, 0, 0, 0, 6 }).Concat("hello\n"u8.ToArray()).ToArray());
            c.StallUntilClosed();
        });
        var cgi = new CgiRunner(daemon.Host, ConfigDir(("stream_deadline", "2")));

        CgiReply reply = cgi.Run("GET", "container/logs/web", "follow=1&stdout=1&format=text", timeout: TimeSpan.FromSeconds(20));

        Assert.Equal(0, reply.ExitCode);
        Assert.Equal("text/plain; charset=utf-8", reply.Header("Content-Type"));
        Assert.Equal("hello\n", reply.Text);
    }

    [Fact]
    public void Events_StalledDaemonWithoutHeartbeat_EmptyBodyCleanEndAtDeadline()
    {
        using var daemon = new FakeDaemon(c =>
        {
            c.ReadRequest();
            c.Send("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
            c.StallUntilClosed();
        });
        var cgi = new CgiRunner(daemon.Host, ConfigDir(("stream_deadline", "2")));

        CgiReply reply = cgi.Run("GET", "events", timeout: TimeSpan.FromSeconds(20));

        Assert.Equal(200, reply.Status);
        Assert.Equal(0, reply.ExitCode);
        Assert.Empty(reply.Body);
        Assert.True(daemon.WaitClientClosed(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public void Get_ReplyTrickledInSmallPieces_RelayedWhole()
    {
        using var daemon = new FakeDaemon(c =>
        {
            c.ReadRequest();
            c.Trickle("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" +
                      $"{FullList.Length:x}\r\n{FullList}\r\n0\r\n\r\n", 3, TimeSpan.FromMilliseconds(2));
        });

        CgiReply reply = new CgiRunner(daemon.Host).Get("container/list");

        daemon.Finish(ScriptTimeout);
        Assert.Equal(200, reply.Status);
        Assert.Equal(0, reply.ExitCode);
        Assert.Equal(FullList, reply.Text);
    }

    [Fact]
    public void Get_DaemonNotFound_StatusAndBodyPassedOn()
    {
        const string Body = "{\"message\":\"No such container: x\"}";
        using var daemon = new FakeDaemon(c =>
        {
            c.ReadRequest();
            c.Reply(404, "Not Found", "application/json", Body);
        });

        CgiReply reply = new CgiRunner(daemon.Host).Get("container/inspect/x");

        daemon.Finish(ScriptTimeout);
        Assert.Equal(404, reply.Status);
        Assert.Equal("404 Not Found", reply.StatusLine);
        Assert.Equal(1, reply.ExitCode);
        // The daemon's message, and the same as "error" for the LuCI pages.
        Assert.Equal("{\"message\":\"No such container: x\",\"error\":\"No such container: x\"}\n", reply.Text);
        Assert.Equal("No such container: x", Message(reply));
    }

    [Fact]
    public void Get_DaemonChunkedErrorBody_PassedOn()
    {
        const string Body = "{\"message\":\"conflict\"}";
        using var daemon = new FakeDaemon(c =>
        {
            c.ReadRequest();
            c.Send($"HTTP/1.1 409 Conflict\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" +
                   $"5\r\n{Body[..5]}\r\n{Body.Length - 5:x}\r\n{Body[5..]}\r\n0\r\n\r\n");
        });

        CgiReply reply = new CgiRunner(daemon.Host).Post("container/start/x");

        Assert.Equal(409, reply.Status);
        Assert.Equal("{\"message\":\"conflict\",\"error\":\"conflict\"}\n", reply.Text);
    }

    [Theory]
    [InlineData("text/plain", "404 page not found\n", "404 page not found")]
    [InlineData("text/html", "<html>\"bad\" gateway</html>", "<html>\"bad\" gateway</html>")]
    [InlineData("application/json", "[\"not an object\"]", "[\"not an object\"]")]
    [InlineData("application/json", "", "Docker daemon: 503 Service Unavailable")]
    public void Get_DaemonErrorNotJsonObject_WrappedInMessage(string contentType, string body, string message)
    {
        int status = body.Length == 0 ? 503 : 404;
        using var daemon = new FakeDaemon(c =>
        {
            c.ReadRequest();
            c.Reply(status, status == 503 ? "Service Unavailable" : "Not Found", contentType, body);
        });

        CgiReply reply = new CgiRunner(daemon.Host).Get("container/inspect/x");

        Assert.Equal(status, reply.Status);
        Assert.Equal(1, reply.ExitCode);
        Assert.Equal(message, Message(reply));
    }
}
