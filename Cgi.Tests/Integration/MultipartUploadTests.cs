using System.Formats.Tar;
using System.Text;
using Dockerman.Tests.Support;
using Xunit;

namespace Dockerman.Tests.Integration;

/// <summary>Browser uploads (multipart/form-data, file in upload-archive) through the published binary
/// to the real daemon, with a recording proxy showing what the daemon received.</summary>
[Collection(DaemonCollection.Name)]
public sealed class MultipartUploadTests : IDisposable
{
    private const string Boundary = "----formboundary7MA4YWxkTrZu0gW";
    private readonly DockerDaemon _daemon;
    private readonly RecordingProxy _proxy;
    private readonly CgiRunner _cgi;
    private readonly string _name = "mp-" + Guid.NewGuid().ToString("N")[..8];

    public MultipartUploadTests(DockerDaemon daemon)
    {
        _daemon = daemon;
        _proxy = new RecordingProxy(daemon.Socket);
        _cgi = new CgiRunner(_proxy.Host);
        daemon.CreateContainer(_name, ["/bin/sleep", "60"]);
    }

    private static byte[] Tar(string name, string content)
    {
        var ms = new MemoryStream();
        using (var w = new TarWriter(ms, TarEntryFormat.Ustar, leaveOpen: true))
        {
            var e = new UstarTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)) };
            w.WriteEntry(e);
        }

        return ms.ToArray();
    }

    private static byte[] Form(IEnumerable<(string Name, string? File, byte[] Content)> parts, bool close = true)
    {
        var ms = new MemoryStream();
        foreach ((string name, string? file, byte[] content) in parts)
        {
            ms.Write(Encoding.ASCII.GetBytes($"--{Boundary}\r\nContent-Disposition: form-data; name=\"{name}\"" +
                                             (file == null ? "" : $"; filename=\"{file}\"\r\nContent-Type: application/x-tar") + "\r\n\r\n"));
            ms.Write(content);
            ms.Write("\r\n"u8);
        }

        if (close)
        {
            ms.Write(Encoding.ASCII.GetBytes($"--{Boundary}--\r\n"));
        }

        return ms.ToArray();
    }

    private CgiReply Put(byte[] body, string query = "") =>
        _cgi.Run("POST", "container/archive/put/" + _name, query, body, contentType: "multipart/form-data; boundary=" + Boundary);

    private string? ReadFile(string path)
    {
        using HttpResponseMessage r = _daemon.Client.GetAsync($"/containers/{_name}/archive?path={path}").Result;
        if (!r.IsSuccessStatusCode)
        {
            return null;
        }

        using var reader = new TarReader(r.Content.ReadAsStream());
        TarEntry? e = reader.GetNextEntry();
        return e?.DataStream == null ? null : new StreamReader(e.DataStream).ReadToEnd();
    }

    [Fact]
    public void PutArchive_PathFieldBeforeFile_FileArrives()
    {
        CgiReply r = Put(Form([("path", null, "/tmp"u8.ToArray()), ("upload-archive", "a.tar", Tar("hello.txt", "from a browser"))]));
        Assert.True(r.Status == 200, r.ToString());
        Assert.Equal("from a browser", ReadFile("/tmp/hello.txt"));
        string request = Assert.Single(Recorded());
        Assert.StartsWith($"PUT /containers/{_name}/archive?path=%2Ftmp HTTP/1.1\r\n", request, StringComparison.Ordinal);
        Assert.Contains("Transfer-Encoding: chunked", request, StringComparison.Ordinal);
        Assert.EndsWith("0\r\n\r\n", request, StringComparison.Ordinal);
    }

    [Fact]
    public void PutArchive_PathInQuery_SameFieldAfterFile_Accepted()
    {
        CgiReply r = Put(Form([("upload-archive", "a.tar", Tar("after.txt", "ok")), ("path", null, "/tmp"u8.ToArray())]), "path=/tmp");
        Assert.True(r.Status == 200, r.ToString());
        Assert.Equal("ok", ReadFile("/tmp/after.txt"));
    }

    [Fact]
    public void PutArchive_ConflictingFieldAfterFile_400AndRequestNeverCompleted()
    {
        CgiReply r = Put(Form([("upload-archive", "a.tar", Tar("c.txt", "x")), ("path", null, "/etc"u8.ToArray())]), "path=/tmp");
        Assert.Equal(400, r.Status);
        Assert.Contains("path", r.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("0\r\n\r\n", Assert.Single(Recorded())[^5..], StringComparison.Ordinal);
    }

    [Fact]
    public void PutArchive_BodyCutShort_400AndRequestNeverCompleted()
    {
        byte[] body = Form([("path", null, "/tmp"u8.ToArray()), ("upload-archive", "a.tar", Tar("cut.txt", new string('z', 5000)))], close: false);
        CgiReply r = Put(body[..^3000]);
        Assert.Equal(400, r.Status);
        Assert.Contains("ended", r.Text, StringComparison.Ordinal);
        string request = Assert.Single(Recorded());
        Assert.False(request.EndsWith("0\r\n\r\n", StringComparison.Ordinal), "the daemon got a complete chunked body");
    }

    [Fact]
    public void PutArchive_NoFilePart_400AndDaemonSeesNothing()
    {
        CgiReply r = Put(Form([("path", null, "/tmp"u8.ToArray())]));
        Assert.Equal(400, r.Status);
        Assert.Contains("upload-archive", r.Text, StringComparison.Ordinal);
        Assert.Empty(Recorded());
    }

    [Fact]
    public void PutArchive_TwoFiles_400()
    {
        CgiReply r = Put(Form([("path", null, "/tmp"u8.ToArray()), ("upload-archive", "a.tar", Tar("1.txt", "1")), ("upload-archive", "b.tar", Tar("2.txt", "2"))]));
        Assert.Equal(400, r.Status);
        Assert.Contains("more than one file", r.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void PutArchive_MissingBoundary_400AndDaemonSeesNothing()
    {
        CgiReply r = _cgi.Run("POST", "container/archive/put/" + _name, "path=/tmp", Form([("upload-archive", "a.tar", Tar("n.txt", "n"))]),
            contentType: "multipart/form-data");
        Assert.Equal(400, r.Status);
        Assert.Contains("boundary", r.Text, StringComparison.Ordinal);
        Assert.Empty(Recorded());
    }

    /// <summary>What reached the daemon, once the proxy has taken in everything sent so far.</summary>
    private IReadOnlyList<string> Recorded()
    {
        _proxy.Settle();
        return _proxy.Requests;
    }

    public void Dispose()
    {
        _daemon.RemoveContainer(_name);
        _proxy.Dispose();
    }
}
