using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using Dockerman.Tests.Support;
using Xunit;

namespace Dockerman.Tests.Tls;

/// <summary>
/// Everything that streams, over the daemon's TLS listener as over its socket: downloads, uploads,
/// followed logs, events, the hijacked exec stream and pulls and pushes as background jobs.
/// </summary>
[Collection(DaemonCollection.Name)]
public sealed class TlsStreamTests(DockerDaemon daemon) : DaemonTest(daemon, TlsFolders.Runner(daemon))
{
    [Fact]
    public async Task Export_OverTls_SameBytesAsStraightFromTheSocket()
    {
        string name = DaemonObjects.Unique("tlsx");
        Objects.CreateContainer(name, ["true"]);

        CgiReply reply = Cgi.Get($"container/export/{name}");

        Assert.True(reply.Status == 200, reply.ToString());
        byte[] direct = await Daemon.Client.GetByteArrayAsync($"/containers/{name}/export");
        Assert.True(direct.Length > 500_000);
        Assert.Equal(SHA256.HashData(direct), SHA256.HashData(reply.Body));
    }

    [Fact]
    public void PutThenGetArchive_OverTls_RoundTripsTheFile()
    {
        string name = DaemonObjects.Unique("tlsa");
        Objects.CreateContainer(name, ["true"]);
        byte[] content = RandomNumberGenerator.GetBytes(3 << 20);
        byte[] tar = Tars.Build(("blob.bin", Convert.ToBase64String(content)));

        CgiReply put = Cgi.Run("PUT", $"container/put_archive/{name}", "path=/tmp", tar, contentType: "application/x-tar");
        CgiReply got = Cgi.Get($"container/get_archive/{name}", "path=/tmp/blob.bin");

        Assert.True(put.Status == 200, put.ToString());
        Assert.True(got.Status == 200, got.ToString());
        Assert.Equal(Convert.ToBase64String(content), Tars.Read(got.Body).Text("blob.bin"));
    }

    [Fact]
    public void ImageGetThenLoad_OverTls_TheImageComesBack()
    {
        string tag = Objects.Image("tlsimg:" + Guid.NewGuid().ToString("N")[..8]);
        Assert.Equal(201, Daemon.Status("POST", $"/images/{DockerDaemon.Image}/tag?repo={tag.Split(':')[0]}&tag={tag.Split(':')[1]}"));
        CgiReply saved = Cgi.Get($"image/get/{tag}");
        Assert.True(saved.Status == 200, saved.ToString());
        Assert.Equal(200, Daemon.Status("DELETE", $"/images/{tag}"));

        CgiReply loaded = Cgi.Run("POST", "image/load", "", saved.Body, contentType: "application/x-tar");

        Assert.True(loaded.Status == 200, loaded.ToString());
        Assert.Equal(200, Daemon.Status("GET", $"/images/{tag}/json"));
    }

    [Fact]
    public void LogsFollow_OverTls_RelaysEveryLineUntilTheContainerEnds()
    {
        string name = DaemonObjects.Unique("tlsl");
        Objects.CreateContainer(name, ["sh", "-c", "sleep 1; seq 1 3000; sleep 2"], start: true);

        CgiReply reply = Cgi.Get($"container/logs/{name}", "follow=1&stdout=1&format=text");

        Assert.True(reply.Status == 200, reply.ToString());
        Assert.Equal(string.Concat(Enumerable.Range(1, 3000).Select(i => $"{i}\n")), reply.Text);
    }

    [Fact]
    public void Events_OverTls_StreamsTheDaemonsEvents()
    {
        long since = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 1;
        string name = DaemonObjects.Unique("tlse");
        Objects.CreateContainer(name, ["true"]);
        long until = DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1;

        CgiReply reply = Cgi.Get("events", $"since={since}&until={until}");

        Assert.True(reply.Status == 200, reply.ToString());
        Assert.Contains($"\"name\":\"{name}\"", reply.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void ExecStart_OverTls_RelaysTheHijackedStream()
    {
        string container = Objects.CreateContainer(DaemonObjects.Unique("tlsc"), ["sleep", "1000"], start: true);
        CgiReply created = Cgi.Post($"container/exec/{container}", "",
            """{"Cmd":["sh","-c","seq 1 5000"],"AttachStdout":true,"AttachStderr":true}""");
        string execId = DaemonObjects.Parse(created).GetProperty("Id").GetString()!;

        CgiReply reply = Cgi.Post($"exec/start/{execId}", "", """{"Detach":false,"Tty":true}""");

        Assert.True(reply.Status == 200, reply.ToString());
        Assert.Equal(string.Concat(Enumerable.Range(1, 5000).Select(i => $"{i}\n")), reply.Text);
    }

    [Fact]
    public void PushThenPull_OverTls_JobsUseTheTlsEndpoint()
    {
        using var registry = new Registry();
        string config = Paths.TempDir("tlsjobs");
        File.WriteAllText(Path.Combine(config, "dockerman"), $"config dockerman 'main'\n\toption jobs_dir '{config}/jobs'\n");
        var cgi = TlsFolders.Runner(Daemon);
        cgi.BaseEnvironment["DOCKERMAN_CONFIG_DIR"] = config;
        string tag = "t" + Guid.NewGuid().ToString("N")[..8];
        string repo = $"{registry.Host}/testbox";
        Assert.Equal(201, Daemon.Status("POST", $"/images/{DockerDaemon.Image}/tag?repo={repo}&tag={tag}"));
        Objects.Image($"{repo}:{tag}");

        CgiReply push = cgi.Post($"image/push/{repo}", $"tag={tag}&X-Registry-Auth=e30");
        Assert.True(push.Status == 200, push.ToString());
        Assert.Equal("done", WaitFinished(cgi, push.Header("X-Dockerman-Job")!));
        Assert.Equal(200, Daemon.Status("DELETE", $"/images/{repo}:{tag}"));

        CgiReply pull = cgi.Post("image/create", $"fromImage={Uri.EscapeDataString(repo)}&tag={tag}");
        Assert.True(pull.Status == 200, pull.ToString());
        Assert.Equal("done", WaitFinished(cgi, pull.Header("X-Dockerman-Job")!));
        Assert.Equal(200, Daemon.Status("GET", $"/images/{repo}:{tag}/json"));
    }

    private static string WaitFinished(CgiRunner cgi, string id)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            foreach (JsonElement j in JsonDocument.Parse(cgi.Get("job/list").Body).RootElement.EnumerateArray())
            {
                if (j.GetProperty("id").GetString() == id && j.GetProperty("state").GetString() != "running")
                {
                    return j.GetProperty("state").GetString() + (j.TryGetProperty("error", out JsonElement e) ? ": " + e : "");
                }
            }

            Thread.Sleep(200);
        }

        throw new TimeoutException($"job {id} still running");
    }
}
