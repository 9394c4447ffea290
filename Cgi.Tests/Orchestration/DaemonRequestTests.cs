using System.Diagnostics;
using System.IO.Pipes;
using System.Runtime.InteropServices;
using System.Text;
using Dockerman.Tests.Support;
using Xunit;

namespace Dockerman.Tests.Orchestration;

/// <summary>The exact request that reaches the daemon, and a client that goes away.</summary>
public sealed partial class DaemonRequestTests
{
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromSeconds(30);

    private static FakeDaemon Replying(int status = 200, string body = "[]") => new(c =>
    {
        c.ReadRequest();
        c.Reply(status, status == 200 ? "OK" : "Created", "application/json", body);
    });

    private static string HeadOf(ReceivedRequest r) => Encoding.ASCII.GetString(r.Raw, 0, r.Raw.AsSpan().IndexOf("\r\n\r\n"u8) + 4);

    [Fact]
    public void Get_ClientHeaders_NotForwardedAndOwnHeadersExact()
    {
        using FakeDaemon daemon = Replying();
        var env = new Dictionary<string, string>
        {
            ["HTTP_ACCEPT_ENCODING"] = "gzip, deflate, br",
            ["HTTP_ACCEPT"] = "application/x-tar",
            ["HTTP_USER_AGENT"] = "Mozilla/5.0",
            ["HTTP_COOKIE"] = "sysauth_http=0123",
            ["HTTP_HOST"] = "router.lan",
            ["HTTP_CONNECTION"] = "keep-alive",
            ["HTTP_ORIGIN"] = "http://evil.example",
        };

        CgiReply reply = new CgiRunner(daemon.Host).Get("container/list", "all=1", env);

        daemon.Finish(ScriptTimeout);
        Assert.Equal(200, reply.Status);
        ReceivedRequest r = daemon.Request!;
        Assert.Equal(
            "GET /containers/json?all=1 HTTP/1.1\r\n" +
            "Host: docker\r\n" +
            "User-Agent: dockerman/" + BuildInfo.Version + "\r\n" +
            "Connection: close\r\n" +
            "\r\n",
            HeadOf(r));
        Assert.Equal(r.Raw.Length, HeadOf(r).Length);
    }

    [Theory]
    [InlineData("version", "", "GET", "/version")]
    [InlineData("ping", "", "GET", "/_ping")]
    [InlineData("container/list", "all=1&limit=-1&size=false", "GET", "/containers/json?all=1&limit=-1&size=false")]
    [InlineData("container/list", "filters=%7B%22label%22%3A%5B%22a%3Db%22%5D%7D", "GET",
        "/containers/json?filters=%7B%22label%22%3A%5B%22a%3Db%22%5D%7D")]
    [InlineData("container/list", "filters={\"name\":[\"a+b\"]}", "GET", "/containers/json?filters=%7B%22name%22%3A%5B%22a%20b%22%5D%7D")]
    [InlineData("container/list", "token=t0k3n&sessionid=0123456789abcdef0123456789abcdef&bogus=1&_=17&all=true", "GET",
        "/containers/json?all=true")]
    [InlineData("container/top/web", "ps_args=aux+ww", "GET", "/containers/web/top?ps_args=aux%20ww")]
    [InlineData("container/logs/web", "tail=10&format=text&timestamps=1", "GET", "/containers/web/logs?tail=10&timestamps=1")]
    [InlineData("container/archive/get/web", "path=/etc/my%20dir/%C3%A9", "GET", "/containers/web/archive?path=%2Fetc%2Fmy%20dir%2F%C3%A9")]
    [InlineData("container/info_archive/web", "path=/etc", "HEAD", "/containers/web/archive?path=%2Fetc")]
    [InlineData("image/inspect/127.0.0.1:5000/lib/box:1", "", "GET", "/images/127.0.0.1:5000/lib/box:1/json")]
    [InlineData("images/get", "names=box:1&names=other", "GET", "/images/get?names=box%3A1&names=other")]
    public void Get_Route_DaemonRequestLine(string path, string query, string method, string target)
    {
        using FakeDaemon daemon = Replying();

        CgiReply reply = new CgiRunner(daemon.Host).Get(path, query);

        daemon.Finish(ScriptTimeout);
        Assert.True(reply.Status == 200, reply.ToString());
        Assert.Equal(method, daemon.Request!.Method);
        Assert.Equal(target, daemon.Request.Target);
        Assert.Equal("HTTP/1.1", daemon.Request.Version);
    }

    [Fact]
    public void Post_JsonBody_SentWithContentLength()
    {
        const string Json = "{\"Image\":\"testbox:1\",\"Cmd\":[\"sh\",\"-c\",\"echo ü & done\"],\"Labels\":{\"a\":\"b\"}}";
        using FakeDaemon daemon = Replying(201, "{\"Id\":\"abc\",\"Warnings\":[]}");

        CgiReply reply = new CgiRunner(daemon.Host).Post("container/create", "name=web", Json);

        daemon.Finish(ScriptTimeout);
        Assert.Equal(201, reply.Status);
        Assert.Equal(0, reply.ExitCode);
        ReceivedRequest r = daemon.Request!;
        Assert.Equal("POST", r.Method);
        Assert.Equal("/containers/create?name=web", r.Target);
        Assert.Equal("application/json", r.Header("Content-Type"));
        Assert.Equal(Encoding.UTF8.GetByteCount(Json).ToString(System.Globalization.CultureInfo.InvariantCulture), r.Header("Content-Length"));
        Assert.Null(r.Header("Transfer-Encoding"));
        Assert.True(r.BodyComplete);
        Assert.Equal(Encoding.UTF8.GetBytes(Json), r.Body);
    }

    [Fact]
    public void Post_OptionalJsonBodyMissing_EmptyObjectSent()
    {
        using FakeDaemon daemon = Replying(201, "{\"Name\":\"v\"}");

        CgiReply reply = new CgiRunner(daemon.Host).Post("volume/create");

        daemon.Finish(ScriptTimeout);
        Assert.Equal(201, reply.Status);
        Assert.Equal("{}"u8.ToArray(), daemon.Request!.Body);
        Assert.Equal("2", daemon.Request.Header("Content-Length"));
    }

    private static byte[] Archive(int size)
    {
        byte[] data = new byte[size];
        new Random(size).NextBytes(data);
        return data;
    }

    [Fact]
    public void Put_UploadWithContentLength_SentAsIs()
    {
        byte[] archive = Archive(200_000);
        using FakeDaemon daemon = Replying(200, "");

        CgiReply reply = new CgiRunner(daemon.Host).Run("PUT", "container/put_archive/web", "path=/tmp", archive,
            contentType: "application/x-tar");

        daemon.Finish(ScriptTimeout);
        Assert.True(reply.Status == 200, reply.ToString());
        ReceivedRequest r = daemon.Request!;
        Assert.Equal("PUT /containers/web/archive?path=%2Ftmp", $"{r.Method} {r.Target}");
        Assert.Equal("application/x-tar", r.Header("Content-Type"));
        Assert.Equal("200000", r.Header("Content-Length"));
        Assert.Null(r.Header("Transfer-Encoding"));
        Assert.True(r.BodyComplete);
        Assert.Equal(archive, r.Body);
        Assert.Equal(HeadOf(r).Length + archive.Length, r.Raw.Length);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(65_000)]
    [InlineData(300_000)]
    public void Put_UploadWithoutContentLength_SentChunked(int size)
    {
        byte[] archive = Archive(size);
        using FakeDaemon daemon = Replying(200, "");

        CgiReply reply = new CgiRunner(daemon.Host).Run("PUT", "container/put_archive/web", "path=/tmp", archive,
            contentType: "application/x-tar", contentLength: false);

        daemon.Finish(ScriptTimeout);
        Assert.True(reply.Status == 200, reply.ToString());
        ReceivedRequest r = daemon.Request!;
        Assert.Null(r.Header("Content-Length"));
        AssertChunkedBody(r, archive);
    }

    /// <summary>The request body came chunked, complete, exactly <paramref name="expected"/>, and nothing after the last chunk.</summary>
    private static void AssertChunkedBody(ReceivedRequest r, byte[] expected)
    {
        Assert.Equal("chunked", r.Header("Transfer-Encoding"));
        Assert.True(r.BodyComplete);
        Assert.Equal(expected, r.Body);
        byte[] framed = r.Raw[HeadOf(r).Length..];
        Assert.True(ChunkedBody.TryDecode(framed, out _, out int used));
        Assert.Equal(framed.Length, used);
        Assert.EndsWith("0\r\n\r\n", Encoding.Latin1.GetString(framed), StringComparison.Ordinal);
    }

    /// <summary>A web server writes a request body a few KiB at a time; an upload asks for a 1 MiB pipe so
    /// that the server can run ahead, other routes leave the pipe as the server made it.</summary>
    [Theory]
    [InlineData("PUT", "container/put_archive/web", "path=/tmp", true)]
    [InlineData("POST", "image/load", "", true)]
    [InlineData("GET", "container/list", "", false)]
    public async Task Request_StdinPipe_WidenedOnlyForUploads(string method, string path, string query, bool widened)
    {
        int usual;
        using (var fresh = new AnonymousPipeServerStream(PipeDirection.Out))
        {
            usual = PipeSize(fresh); // what this kernel gives a new pipe (64 KiB on 4 KiB pages)
        }

        byte[] archive = Archive(200_000);
        using FakeDaemon daemon = Replying(200, "");
        Dictionary<string, string> vars = new CgiRunner(daemon.Host).Variables(method, path, query,
            widened ? archive : null, contentType: widened ? "application/x-tar" : null);
        using Process process = Process.Start(CgiRunner.StartInfo(vars))!;
        var stdin = (PipeStream)process.StandardInput.BaseStream;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (widened)
        {
            await stdin.WriteAsync(archive);
        }

        Assert.True(process.WaitForExit(ScriptTimeout));
        Assert.True((await stdout).StartsWith("Status: 200", StringComparison.Ordinal), await stderr);
        // The pipe is shared: our end sees what the program asked for.
        Assert.Equal(widened ? Math.Max(1024 * 1024, usual) : usual, PipeSize(stdin));
        if (widened)
        {
            daemon.Finish(ScriptTimeout);
            Assert.Equal(archive, daemon.Request!.Body);
        }
    }

    /// <summary>A browser upload whose file spans several of the daemon writes, with a field after it:
    /// the daemon gets the file's bytes exactly, and the last chunk only after that field was read.</summary>
    [Fact]
    public void Post_MultipartFileLargerThanOneWrite_DaemonGetsTheFileExactly()
    {
        const string boundary = "----dockermanTestBoundary";
        byte[] archive = Archive(700_000);
        var form = new MemoryStream();
        form.Write(Encoding.ASCII.GetBytes($"--{boundary}\r\nContent-Disposition: form-data; name=\"path\"\r\n\r\n/tmp\r\n"));
        form.Write(Encoding.ASCII.GetBytes($"--{boundary}\r\nContent-Disposition: form-data; name=\"upload-archive\"; " +
                                           "filename=\"a.tar\"\r\nContent-Type: application/x-tar\r\n\r\n"));
        form.Write(archive);
        form.Write(Encoding.ASCII.GetBytes($"\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nafter\r\n--{boundary}--\r\n"));
        using FakeDaemon daemon = Replying(200, "");

        CgiReply reply = new CgiRunner(daemon.Host).Run("POST", "container/put_archive/web", "", form.ToArray(),
            contentType: "multipart/form-data; boundary=" + boundary);

        daemon.Finish(ScriptTimeout);
        Assert.True(reply.Status == 200, reply.ToString());
        ReceivedRequest r = daemon.Request!;
        Assert.Equal("PUT /containers/web/archive?path=%2Ftmp", $"{r.Method} {r.Target}");
        AssertChunkedBody(r, archive);
    }

    private static int PipeSize(PipeStream pipe) => fcntl(pipe.SafePipeHandle.DangerousGetHandle().ToInt32(), 1032 /* F_GETPIPE_SZ */, 0);

    [LibraryImport("libc")]
    private static partial int fcntl(int fd, int command, int argument);

    [Fact]
    public void Put_StdinEndsBeforeContentLength_400AndDaemonSeesCloseWithoutFullBody()
    {
        byte[] archive = Archive(10_000);
        using var daemon = new FakeDaemon(c => c.ReadRequest());

        CgiReply reply = new CgiRunner(daemon.Host).Run("PUT", "container/put_archive/web", "path=/tmp", archive,
            new Dictionary<string, string> { ["CONTENT_LENGTH"] = "100000" }, "application/x-tar");

        daemon.Finish(ScriptTimeout);
        Assert.Equal(400, reply.Status);
        Assert.Equal(1, reply.ExitCode);
        Assert.Contains("ended after 10000 of 100000 bytes", DaemonFailureTests.Message(reply), StringComparison.Ordinal);
        ReceivedRequest r = daemon.Request!;
        Assert.Equal("100000", r.Header("Content-Length"));
        Assert.False(r.BodyComplete);
        Assert.Equal(archive, r.Body);
        Assert.True(daemon.ClientClosed);
    }

    [Fact]
    public async Task Events_ClientClosesStdout_ExitsPromptlyWith4AndClosesDaemonConnection()
    {
        using var daemon = new FakeDaemon(c =>
        {
            c.ReadRequest();
            c.Send("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
            for (int i = 0; ; i++)
            {
                string line = $"{{\"status\":\"tick\",\"n\":{i}}}\n";
                if (!c.Send($"{line.Length:x}\r\n{line}\r\n"))
                {
                    return;
                }

                Thread.Sleep(50);
            }
        });
        var cgi = new CgiRunner(daemon.Host);
        using var process = Process.Start(CgiRunner.StartInfo(cgi.Variables("GET", "events")))!;
        process.StandardInput.Close();
        Task<string> stderr = process.StandardError.ReadToEndAsync();

        // Read the head and the first events, then go away.
        Stream stdout = process.StandardOutput.BaseStream;
        var seen = new MemoryStream();
        byte[] buffer = new byte[256];
        while (Encoding.ASCII.GetString(seen.ToArray()).Split("\"tick\"").Length < 3)
        {
            int n = stdout.Read(buffer);
            Assert.True(n > 0, "the stream ended before any events");
            seen.Write(buffer, 0, n);
        }

        var sw = Stopwatch.StartNew();
        stdout.Dispose();
        bool exited = process.WaitForExit(TimeSpan.FromSeconds(10));
        TimeSpan elapsed = sw.Elapsed;

        if (!exited)
        {
            process.Kill();
        }

        Assert.True(exited, "the process kept running after the client went away");
        Assert.StartsWith("Status: 200 OK\r\n", Encoding.ASCII.GetString(seen.ToArray()), StringComparison.Ordinal);
        Assert.Equal(4, process.ExitCode);
        Assert.True(elapsed < TimeSpan.FromSeconds(2), $"exit took {elapsed.TotalMilliseconds:F0} ms");
        Assert.True(daemon.WaitClientClosed(TimeSpan.FromSeconds(2)), "the daemon connection stayed open");
        daemon.Finish(ScriptTimeout);
        Assert.DoesNotContain("Unhandled", await stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("--version")]
    [InlineData("")]
    public void AnyOutput_ReaderAlreadyGone_Exit4WithoutCrash(string arg)
    {
        // The sleep lets 'true' exit first, so every write meets a closed pipe.
        var psi = new ProcessStartInfo("/bin/sh")
        {
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add("(sleep 0.3; \"$0\" $1; echo \"exit=$?\" >&2) | true");
        psi.ArgumentList.Add(Paths.Binary);
        psi.ArgumentList.Add(arg);
        psi.Environment["REQUEST_METHOD"] = "GET";
        psi.Environment["PATH_INFO"] = "/admin/docker/nothing-here";
        psi.Environment["DOCKERMAN_CONFIG_DIR"] = Paths.TempDir("dmcfg");
        using var process = Process.Start(psi)!;
        string stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();

        Assert.Equal("exit=4", stderr.Trim());
    }
}
