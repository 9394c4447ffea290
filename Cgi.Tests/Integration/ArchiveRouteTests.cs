using System.Text;
using System.Text.Json;
using Dockerman.Tests.Support;
using Xunit;

namespace Dockerman.Tests.Integration;

/// <summary>Files into and out of a container: put_archive, get_archive, info_archive, export, and their LuCI aliases.</summary>
[Collection(DaemonCollection.Name)]
public sealed class ArchiveRouteTests(DockerDaemon daemon) : DaemonTest(daemon)
{
    private string NewContainer() => Objects.CreateContainer(DaemonObjects.Unique("ar"), ["sleep", "1000"]);

    private static JsonElement PathStat(CgiReply reply)
    {
        string? header = reply.Header("X-Docker-Container-Path-Stat");
        Assert.False(header == null, "no X-Docker-Container-Path-Stat: " + reply);
        return JsonDocument.Parse(Convert.FromBase64String(header)).RootElement.Clone();
    }

    [Theory]
    [InlineData("PUT", "container/put_archive")]
    [InlineData("POST", "container/put_archive")]
    [InlineData("POST", "container/archive/put")]
    public void PutArchive_TarBody_ExtractsTheFilesIntoTheContainer(string method, string path)
    {
        string id = NewContainer();
        string content = "hello " + Guid.NewGuid();
        byte[] tar = Tars.Build(("put.txt", content), ("sub/deeper.txt", "deep"));

        CgiReply reply = Cgi.Run(method, $"{path}/{id}", "path=/data", tar, contentType: "application/x-tar");

        Assert.True(reply.Status == 200, reply.ToString());
        Assert.Equal(content, Objects.Archive(id, "/data/put.txt").Text("put.txt"));
        Assert.Equal("deep", Objects.Archive(id, "/data/sub/deeper.txt").Text("deeper.txt"));
    }

    [Fact]
    public void PutArchive_ChunkedBodyWithoutContentLength_ExtractsTheFile()
    {
        string id = NewContainer();
        string content = new('z', 300_000);

        CgiReply reply = Cgi.Run("PUT", $"container/put_archive/{id}", "path=/tmp", Tars.Build(("big.txt", content)),
            contentType: "application/x-tar", contentLength: false);

        Assert.True(reply.Status == 200, reply.ToString());
        Assert.Equal(content, Objects.Archive(id, "/tmp/big.txt").Text("big.txt"));
    }

    [Fact]
    public void PutArchive_MissingDirectory_RelaysTheDaemonsNotFound()
    {
        string id = NewContainer();

        CgiReply reply = Cgi.Run("PUT", $"container/put_archive/{id}", "path=/no/such/dir", Tars.Build(("a.txt", "a")));

        Assert.Equal(404, reply.Status);
        Assert.False(string.IsNullOrEmpty(DaemonObjects.Parse(reply).GetProperty("message").GetString()));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void PutArchive_LargeBodyToMissingDirectory_RelaysNotFoundWithoutHanging(bool contentLength)
    {
        // The daemon may answer before it has read the body: dockerman must still relay that answer.
        string id = NewContainer();
        byte[] tar = Tars.Build(("big.bin", new string('b', 24 * 1024 * 1024)));

        CgiReply reply = Cgi.Run("PUT", $"container/put_archive/{id}", "path=/no/such/dir", tar,
            contentType: "application/x-tar", contentLength: contentLength, timeout: TimeSpan.FromSeconds(30));

        Assert.Equal(404, reply.Status);
        Assert.False(string.IsNullOrEmpty(DaemonObjects.Parse(reply).GetProperty("message").GetString()));
    }

    [Theory]
    [InlineData("container/get_archive")]
    [InlineData("container/archive/get")]
    public void GetArchive_AFile_DownloadsItAsTarWithPathStatAndFileName(string path)
    {
        string id = NewContainer();
        string content = "out " + Guid.NewGuid();
        Assert.Equal(200, Cgi.Run("PUT", $"container/put_archive/{id}", "path=/data", Tars.Build(("report.txt", content))).Status);

        CgiReply reply = Cgi.Get($"{path}/{id}", "path=/data/report.txt");

        Assert.True(reply.Status == 200, reply.ToString());
        Assert.Equal("application/x-tar", reply.Header("Content-Type"));
        Assert.Equal("attachment; filename=\"report.txt.tar\"", reply.Header("Content-Disposition"));
        Assert.Equal(content, Tars.Read(reply.Body).Text("report.txt"));
        JsonElement stat = PathStat(reply);
        Assert.Equal("report.txt", stat.GetProperty("name").GetString());
        Assert.Equal(Encoding.UTF8.GetByteCount(content), stat.GetProperty("size").GetInt64());
    }

    [Fact]
    public void GetArchive_ClientAcceptsGzip_StillRelaysThePlainTar()
    {
        // The client's Accept-Encoding never reaches the daemon: the archive is not compressed behind the client's back.
        string id = NewContainer();
        string content = new('g', 50_000);
        Assert.Equal(200, Cgi.Run("PUT", $"container/put_archive/{id}", "path=/data", Tars.Build(("zip.txt", content))).Status);

        CgiReply reply = Cgi.Run("GET", $"container/get_archive/{id}", "path=/data/zip.txt",
            env: new() { ["HTTP_ACCEPT_ENCODING"] = "gzip, deflate", ["HTTP_ACCEPT"] = "application/json" });

        Assert.True(reply.Status == 200, reply.ToString());
        Assert.Null(reply.Header("Content-Encoding"));
        Assert.Equal(content, Tars.Read(reply.Body).Text("zip.txt"));
    }

    [Fact]
    public void GetArchive_AbsentPath_RelaysTheDaemonsNotFound()
    {
        string id = NewContainer();

        CgiReply reply = Cgi.Get($"container/get_archive/{id}", "path=/absent");

        Assert.Equal(404, reply.Status);
        Assert.Null(reply.Header("Content-Disposition"));
        Assert.Contains("absent", DaemonObjects.Parse(reply).GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("HEAD")]
    [InlineData("GET")]
    public void InfoArchive_AFile_ReturnsItsPathStatWithoutBody(string method)
    {
        string id = NewContainer();
        Assert.Equal(200, Cgi.Run("PUT", $"container/put_archive/{id}", "path=/data", Tars.Build(("info.txt", "12345"))).Status);

        CgiReply reply = Cgi.Run(method, $"container/info_archive/{id}", "path=/data/info.txt");

        Assert.True(reply.Status == 200, reply.ToString());
        Assert.Empty(reply.Body);
        JsonElement stat = PathStat(reply);
        Assert.Equal("info.txt", stat.GetProperty("name").GetString());
        Assert.Equal(5, stat.GetProperty("size").GetInt64());
    }

    [Fact]
    public void InfoArchive_AbsentPath_RelaysNotFoundWithoutBody()
    {
        string id = NewContainer();

        CgiReply reply = Cgi.Run("HEAD", $"container/info_archive/{id}", "path=/absent");

        Assert.Equal(404, reply.Status);
        Assert.Equal(1, reply.ExitCode);
    }

    [Fact]
    public void Export_Container_DownloadsItsFilesystemAsTar()
    {
        string name = DaemonObjects.Unique("ex");
        string id = Objects.CreateContainer(name, ["true"]);
        Assert.Equal(200, Cgi.Run("PUT", $"container/put_archive/{id}", "path=/data", Tars.Build(("mine.txt", "mine"))).Status);

        CgiReply reply = Cgi.Get($"container/export/{name}");

        Assert.True(reply.Status == 200, reply.ToString());
        Assert.Equal($"attachment; filename=\"{name}.tar\"", reply.Header("Content-Disposition"));
        Dictionary<string, byte[]> files = Tars.Read(reply.Body);
        Assert.True(files["bin/busybox"].AsSpan().StartsWith("\u007fELF"u8), $"bin/busybox is not the ELF binary: {files["bin/busybox"].Length} bytes");
        Assert.Equal("mine", files.Text("data/mine.txt"));
    }
}
