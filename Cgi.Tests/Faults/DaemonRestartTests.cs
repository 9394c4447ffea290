using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Dockerman.Tests.Support;
using Xunit;

namespace Dockerman.Tests.Faults;

/// <summary>
/// A daemon of this class's own, stopped by its pid and started again while dockerman is in the middle
/// of an export, an upload (put_archive, image load) or a pull job. The client must be told, nothing
/// may look complete, and the job must say failed.
/// </summary>
public sealed class DaemonRestartTests(DockerDaemon daemon, Xunit.Abstractions.ITestOutputHelper log) : IClassFixture<DockerDaemon>, IDisposable
{
    private const int Size = 32 << 20;

    private readonly string _name = "rst-" + Guid.NewGuid().ToString("N")[..8];
    private readonly string _config = Paths.TempDir("rstcfg");

    private Dictionary<string, string> Vars(string method, string path, string query = "") => new()
    {
        ["DOCKER_HOST"] = daemon.Host,
        ["DOCKERMAN_CONFIG_DIR"] = _config,
        ["REQUEST_METHOD"] = method,
        ["PATH_INFO"] = "/admin/docker/" + path,
        ["QUERY_STRING"] = query,
    };

    /// <summary>Bytes that neither compress nor repeat, the same for the same seed.</summary>
    private static byte[] Noise(int size, int seed)
    {
        byte[] bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static byte[] TarOf(string name, byte[] content)
    {
        var ms = new MemoryStream();
        using (var writer = new System.Formats.Tar.TarWriter(ms, System.Formats.Tar.TarEntryFormat.Ustar, leaveOpen: true))
        {
            writer.WriteEntry(new System.Formats.Tar.UstarTarEntry(System.Formats.Tar.TarEntryType.RegularFile, name)
            {
                DataStream = new MemoryStream(content),
                Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            });
        }

        return ms.ToArray();
    }

    private static string ReadHead(Stream stdout)
    {
        var head = new StringBuilder();
        int b;
        while ((b = stdout.ReadByte()) >= 0)
        {
            head.Append((char)b);
            if (head.Length >= 4 && head.ToString(head.Length - 4, 4) == "\r\n\r\n")
            {
                break;
            }
        }

        return head.ToString();
    }

    /// <summary>The size the daemon reports for a path in the container, or null when it is not there.</summary>
    private long? SizeInContainer(string path)
    {
        using HttpResponseMessage r = daemon.Client.Send(new HttpRequestMessage(HttpMethod.Head, $"/containers/{_name}/archive?path={path}"));
        if (!r.IsSuccessStatusCode)
        {
            return null;
        }

        string stat = Encoding.UTF8.GetString(Convert.FromBase64String(r.Headers.GetValues("X-Docker-Container-Path-Stat").Single()));
        return JsonDocument.Parse(stat).RootElement.GetProperty("size").GetInt64();
    }

    [Fact]
    public async Task Export_DaemonRestartedMidway_OutputCutExit3()
    {
        daemon.CreateContainer(_name, ["/bin/true"]);
        using (var put = new ByteArrayContent(TarOf("big.bin", Noise(Size, 1))))
        {
            using HttpResponseMessage stored = await daemon.Client.PutAsync($"/containers/{_name}/archive?path=/tmp", put);
            Assert.True(stored.IsSuccessStatusCode);
        }

        using Process cgi = Process.Start(CgiRunner.StartInfo(Vars("GET", $"container/export/{_name}")))!;
        cgi.StandardInput.Close();
        Task<string> err = cgi.StandardError.ReadToEndAsync();
        Stream stdout = cgi.StandardOutput.BaseStream;
        string head = ReadHead(stdout);
        var body = new MemoryStream();
        byte[] buffer = new byte[64 * 1024];
        while (body.Length < (1 << 20))
        {
            body.Write(buffer, 0, stdout.Read(buffer));
        }

        daemon.Restart(); // meanwhile dockerman waits on its full stdout pipe, the daemon on dockerman
        stdout.CopyTo(body);
        Assert.True(cgi.WaitForExit(30_000));

        Assert.StartsWith("Status: 200", head, StringComparison.Ordinal);
        Assert.DoesNotContain("Content-Length", head, StringComparison.Ordinal);
        string stderr = await err;
        Assert.True(cgi.ExitCode == 3, $"exit {cgi.ExitCode}: {stderr}");
        Assert.Contains("failed in the middle of the reply", stderr, StringComparison.Ordinal);
        byte[] got = body.ToArray();
        Assert.True(got.Length < Size, $"{got.Length} bytes of an export holding {Size}");
        log.WriteLine($"export cut after {got.Length} bytes; stderr: {stderr.Trim()}");
        Assert.True(got.AsSpan(got.Length - 1024).ContainsAnyExcept((byte)0), "the cut output ends like a whole tar archive");
        Assert.Equal(200, daemon.Status("GET", "/_ping"));
    }

    /// <summary>Starts an upload, sends part of the body, restarts the daemon, sends the rest: the reply.</summary>
    private async Task<CgiReply> UploadAcrossRestart(string path, string query, byte[] body)
    {
        Dictionary<string, string> vars = Vars("POST", path, query);
        vars["CONTENT_TYPE"] = "application/x-tar";
        vars["CONTENT_LENGTH"] = body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using Process cgi = Process.Start(CgiRunner.StartInfo(vars))!;
        var stdout = new MemoryStream();
        Task copyOut = cgi.StandardOutput.BaseStream.CopyToAsync(stdout);
        Task<string> err = cgi.StandardError.ReadToEndAsync();
        Stream stdin = cgi.StandardInput.BaseStream;
        stdin.Write(body, 0, body.Length / 4);
        stdin.Flush();
        Thread.Sleep(300); // the first quarter reaches the daemon
        daemon.Restart(kill: true); // SIGTERM would wait for the upload to end: 10 s, then SIGKILL
        try
        {
            stdin.Write(body, body.Length / 4, body.Length - (body.Length / 4));
            stdin.Close();
        }
        catch (IOException)
        {
            // dockerman stopped reading when the daemon went: its reply says so
        }

        Assert.True(cgi.WaitForExit(30_000));
        await copyOut;
        return CgiReply.Parse(stdout.ToArray(), cgi.ExitCode, await err);
    }

    [Fact]
    public async Task PutArchive_DaemonRestartedMidUpload_502AndNoWholeFile()
    {
        daemon.CreateContainer(_name, ["/bin/true"]);

        CgiReply r = await UploadAcrossRestart($"container/put_archive/{_name}", "path=/tmp", TarOf("up.bin", Noise(Size, 2)));

        Assert.True(r.Status == 502, r.ToString());
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("closed the connection during the upload", Orchestration.DaemonFailureTests.Message(r), StringComparison.Ordinal);
        long? size = SizeInContainer("/tmp/up.bin");
        log.WriteLine($"reply: {r.Text}; /tmp/up.bin after the restart: {size?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "absent"}");
        Assert.True(size is null or < Size, $"the daemon has /tmp/up.bin of {size} bytes");
    }

    [Fact]
    public async Task ImageLoad_DaemonRestartedMidUpload_502AndNoImage()
    {
        string repo = "rst-load-" + Guid.NewGuid().ToString("N")[..8];
        using (var tar = new ByteArrayContent(TarOf("noise.bin", Noise(Size, 3))))
        {
            using HttpResponseMessage created = await daemon.Client.PostAsync($"/images/create?fromSrc=-&repo={repo}&tag=1", tar);
            Assert.True(created.IsSuccessStatusCode);
            _ = await created.Content.ReadAsStringAsync();
        }

        byte[] saved = await daemon.Client.GetByteArrayAsync($"/images/{repo}:1/get");
        Assert.Equal(200, daemon.Status("DELETE", $"/images/{repo}:1"));

        CgiReply r = await UploadAcrossRestart("image/load", "", saved);

        Assert.True(r.Status == 502, r.ToString());
        Assert.Equal(1, r.ExitCode);
        Assert.Equal(404, daemon.Status("GET", $"/images/{repo}:1/json"));
    }

    [Fact]
    public async Task Pull_DaemonRestartedMidPull_ClientToldAndJobFailed()
    {
        using var registry = new Registry();
        RegistryImages.Push(registry, "big", "1", [TarOf("noise.bin", Noise(Size, 4))]);
        using var gate = new GatedProxy(registry.Port, holdAfterBytes: 4 << 20);
        string jobs = Path.Combine(_config, "jobs");
        File.WriteAllText(Path.Combine(_config, "dockerman"), $"config dockerman 'main'\n\toption jobs_dir '{jobs}'\n");

        using Process cgi = Process.Start(CgiRunner.StartInfo(Vars("POST", "image/create", $"fromImage={gate.Host}/big&tag=1")))!;
        cgi.StandardInput.Close();
        var stdout = new MemoryStream();
        Task copyOut = cgi.StandardOutput.BaseStream.CopyToAsync(stdout);
        Task<string> err = cgi.StandardError.ReadToEndAsync();
        Assert.True(gate.WaitHolding(TimeSpan.FromSeconds(30)), "the pull never reached the layer's middle");
        daemon.Restart();
        Assert.True(cgi.WaitForExit(30_000));
        await copyOut;
        gate.Release();
        CgiReply r = CgiReply.Parse(stdout.ToArray(), cgi.ExitCode, await err);

        // The reply following the job ends with the job's error line, the job says failed.
        Assert.True(r.Status == 200, r.ToString());
        string id = r.Header("X-Dockerman-Job")!;
        string last = r.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1];
        Assert.True(JsonDocument.Parse(last).RootElement.TryGetProperty("error", out _), last);
        CgiReply list = new CgiRunner(daemon.Host, _config).Get("job/list");
        JsonElement job = JsonDocument.Parse(list.Body).RootElement.EnumerateArray().Single(j => j.GetProperty("id").GetString() == id);
        Assert.Equal("failed", job.GetProperty("state").GetString());
        string error = job.GetProperty("error").GetString()!;
        log.WriteLine($"job error: {error}; last line of the reply: {last}");
        Assert.Contains("Docker daemon", error, StringComparison.Ordinal);
        Assert.Equal(404, daemon.Status("GET", $"/images/{gate.Host}/big:1/json"));
    }

    public void Dispose()
    {
        daemon.RemoveContainer(_name);
        Directory.Delete(_config, true);
    }
}
