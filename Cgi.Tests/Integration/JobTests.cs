using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Dockerman.Tests.Support;
using Xunit;

namespace Dockerman.Tests.Integration;

/// <summary>
/// Pulls and pushes as background jobs, against a real registry and the real daemon, through the
/// published binary. The worker must outlive the CGI: the tests SIGKILL the CGI as uhttpd would.
/// </summary>
[Collection(DaemonCollection.Name)]
public sealed class JobTests : IDisposable
{
    private readonly DockerDaemon _daemon;
    private readonly Registry _registry = new();
    private readonly string _config = Paths.TempDir("jobs");
    private readonly string _jobs;
    private readonly CgiRunner _cgi;
    private readonly string _tag = "t" + Guid.NewGuid().ToString("N")[..8];

    public JobTests(DockerDaemon daemon)
    {
        _daemon = daemon;
        _jobs = Path.Combine(_config, "jobs");
        File.WriteAllText(Path.Combine(_config, "dockerman"), $"config dockerman 'main'\n\toption jobs_dir '{_jobs}'\n");
        _cgi = new CgiRunner(daemon.Host, _config);
    }

    private string Repo => $"{_registry.Host}/testbox";

    private void TagLocal() =>
        Assert.Equal(201, _daemon.Status("POST", $"/images/{DockerDaemon.Image}/tag?repo={Repo}&tag={_tag}"));

    private JsonElement Job(string id)
    {
        CgiReply list = _cgi.Get("job/list");
        Assert.Equal(200, list.Status);
        foreach (JsonElement j in JsonDocument.Parse(list.Body).RootElement.EnumerateArray())
        {
            if (j.GetProperty("id").GetString() == id)
            {
                return j.Clone();
            }
        }

        throw new Xunit.Sdk.XunitException($"job {id} not in job/list: {list.Text}");
    }

    private JsonElement WaitFinished(string id, int seconds = 90)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(seconds))
        {
            JsonElement job = Job(id);
            if (job.GetProperty("state").GetString() != "running")
            {
                return job;
            }

            Thread.Sleep(200);
        }

        throw new TimeoutException($"job {id} still running after {seconds} s");
    }

    private CgiReply Push() => _cgi.Post($"image/push/{Repo}", $"tag={_tag}&X-Registry-Auth=e30");

    [Fact]
    public void Push_RunsAsJob_StreamsProgressUntilDone()
    {
        TagLocal();
        CgiReply r = Push();
        Assert.True(r.Status == 200, r.ToString());
        string? id = r.Header("X-Dockerman-Job");
        Assert.NotNull(id);
        Assert.Contains("\"status\"", r.Text, StringComparison.Ordinal);
        JsonElement job = WaitFinished(id);
        Assert.Equal("done", job.GetProperty("state").GetString());
        Assert.Equal("push", job.GetProperty("kind").GetString());
        Assert.Equal($"{Repo}:{_tag}", job.GetProperty("target").GetString());
        using var http = new HttpClient();
        using HttpResponseMessage manifest = http.Send(new HttpRequestMessage(HttpMethod.Head, $"http://{_registry.Host}/v2/testbox/manifests/{_tag}")
        {
            Headers = { { "Accept", "application/vnd.docker.distribution.manifest.v2+json" } },
        });
        Assert.True(manifest.IsSuccessStatusCode,
            "the registry has no manifest for the pushed tag");
        Assert.False(File.Exists(Path.Combine(_jobs, id, "request")), "the request file (it may hold credentials) is still there");
    }

    [Fact]
    public void Pull_CgiKilledAtOnce_JobFinishesAndImageArrives()
    {
        TagLocal();
        Assert.Equal("done", WaitFinished(Push().Header("X-Dockerman-Job")!).GetProperty("state").GetString());
        Assert.Equal(200, _daemon.Status("DELETE", $"/images/{Repo}:{_tag}"));
        Assert.Equal(404, _daemon.Status("GET", $"/images/{Repo}:{_tag}/json"));

        var vars = new Dictionary<string, string>(_cgi.BaseEnvironment)
        {
            ["REQUEST_METHOD"] = "POST",
            ["PATH_INFO"] = "/admin/docker/image/create",
            ["QUERY_STRING"] = $"fromImage={Uri.EscapeDataString(Repo)}&tag={_tag}",
            ["GATEWAY_INTERFACE"] = "",
        };
        using Process cgi = Process.Start(CgiRunner.StartInfo(vars))!;
        cgi.StandardInput.Close();
        string? id = null;
        var head = new StringBuilder();
        while (cgi.StandardOutput.ReadLine() is { } line && line.Length > 0)
        {
            head.AppendLine(line);
            if (line.StartsWith("X-Dockerman-Job:", StringComparison.Ordinal))
            {
                id = line["X-Dockerman-Job:".Length..].Trim();
            }
        }

        cgi.Kill(); // SIGKILL, as uhttpd's script_timeout does: only the CGI, not its children
        cgi.WaitForExit();
        Assert.True(id != null, head.ToString());

        JsonElement job = WaitFinished(id);
        Assert.Equal("done", job.GetProperty("state").GetString());
        Assert.Equal("pull", job.GetProperty("kind").GetString());
        Assert.Equal(200, _daemon.Status("GET", $"/images/{Repo}:{_tag}/json"));

        CgiReply all = _cgi.Get($"job/get/{id}");
        Assert.Equal(200, all.Status);
        Assert.Contains("Status: Downloaded newer image", all.Text, StringComparison.Ordinal);
        CgiReply rest = _cgi.Get($"job/get/{id}", "offset=10");
        Assert.Equal(all.Body[10..], rest.Body);
        Assert.Equal("10", rest.Header("X-Dockerman-Job-Offset"));
    }

    [Fact]
    public void Pull_UnknownImage_JobFailedWithTheDaemonsError()
    {
        CgiReply r = _cgi.Post("image/create", $"fromImage={Uri.EscapeDataString(Repo)}&tag=no-such-{_tag}");
        Assert.Equal(200, r.Status);
        JsonElement job = WaitFinished(r.Header("X-Dockerman-Job")!);
        Assert.Equal("failed", job.GetProperty("state").GetString());
        string error = job.GetProperty("error").GetString()!;
        Assert.Contains("not found", error, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("\"error\"", _cgi.Get($"job/get/{job.GetProperty("id").GetString()}").Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Pull_FromImageAndTagInAFormBody_RunsAsAJobForThatTag()
    {
        TagLocal();
        CgiReply push = Push();
        Assert.Equal("done", WaitFinished(push.Header("X-Dockerman-Job")!).GetProperty("state").GetString());
        Assert.Equal(200, _daemon.Status("DELETE", $"/images/{Repo}:{_tag}"));
        byte[] form = System.Text.Encoding.ASCII.GetBytes($"fromImage={Uri.EscapeDataString(Repo)}&tag={_tag}");

        CgiReply r = _cgi.Run("POST", "image/create", "", form, null, "application/x-www-form-urlencoded");

        Assert.True(r.Status == 200, r.ToString());
        string id = r.Header("X-Dockerman-Job") ?? throw new Xunit.Sdk.XunitException("no job: " + r);
        JsonElement job = WaitFinished(id);
        Assert.Equal("done", job.GetProperty("state").GetString());
        Assert.Equal($"{Repo}:{_tag}", job.GetProperty("target").GetString());
        Assert.Equal(200, _daemon.Status("GET", $"/images/{Repo}:{_tag}/json"));
    }

    /// <summary>A "registry" that accepts connections and never answers: a pull from it hangs in the daemon.</summary>
    private static TcpListener SilentRegistry(out int port)
    {
        var silent = new TcpListener(System.Net.IPAddress.Loopback, 0);
        silent.Start();
        port = ((System.Net.IPEndPoint)silent.LocalEndpoint).Port;
        var accepted = new List<Socket>();
        _ = Task.Run(() =>
        {
            while (true)
            {
                try
                {
                    accepted.Add(silent.AcceptSocket());
                }
                catch (SocketException)
                {
                    return;
                }
                catch (ObjectDisposedException)
                {
                    return;
                }
            }
        });
        return silent;
    }

    /// <summary>A pull that hangs, started with a one-second stream so that the call returns; its job id.</summary>
    private string HangingPull(int port)
    {
        File.AppendAllText(Path.Combine(_config, "dockerman"), "\toption stream_deadline '1'\n");
        CgiReply r = _cgi.Post("image/create", $"fromImage=127.0.0.1:{port}/hang&tag=x");
        return r.Header("X-Dockerman-Job")!;
    }

    [Fact]
    public async Task JobGet_WorkerKilledMidStream_StreamEndsAndJobFailed()
    {
        using TcpListener silent = SilentRegistry(out int port);
        string id = HangingPull(port);
        int pid = int.Parse(File.ReadAllText(Path.Combine(_jobs, id, "pid")).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        File.WriteAllText(Path.Combine(_config, "dockerman"),
            $"config dockerman 'main'\n\toption jobs_dir '{_jobs}'\n\toption stream_deadline '40'\n");

        var clock = Stopwatch.StartNew();
        Task<CgiReply> reading = Task.Run(() => _cgi.Get($"job/get/{id}"));
        await Task.Delay(500);
        Process.GetProcessById(pid).Kill(); // SIGKILL: no result written
        CgiReply reply = await reading;

        Assert.True(reply.Status == 200, reply.ToString());
        // Ended because the job did, not at the 40 s deadline.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"job/get took {clock.Elapsed.TotalSeconds:F1} s");
        JsonElement job = Job(id);
        Assert.Equal("failed", job.GetProperty("state").GetString());
        Assert.Contains("ended without finishing", job.GetProperty("error").GetString(), StringComparison.Ordinal);
        silent.Stop();
    }

    [Fact]
    public void Cancel_RunningPull_WorkerEndsAndJobFailedCancelled()
    {
        using TcpListener silent = SilentRegistry(out int port);
        string id = HangingPull(port);
        Assert.Equal("running", Job(id).GetProperty("state").GetString());
        string pid = File.ReadAllText(Path.Combine(_jobs, id, "pid")).Trim();
        Assert.True(Directory.Exists($"/proc/{pid}"));

        CgiReply cancel = _cgi.Post($"job/cancel/{id}");
        Assert.Equal(200, cancel.Status);
        Assert.Equal("failed", JsonDocument.Parse(cancel.Body).RootElement.GetProperty("state").GetString());
        Assert.Equal("cancelled", Job(id).GetProperty("error").GetString());
        for (int i = 0; i < 100 && Directory.Exists($"/proc/{pid}") && !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal); i++)
        {
            Thread.Sleep(20);
        }

        Assert.True(!Directory.Exists($"/proc/{pid}") || File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal),
            "the worker still runs");
        silent.Stop();
    }

    [Fact]
    public void JobRoutes_UnknownOrMalformedId_404Or400()
    {
        Assert.Equal(404, _cgi.Get("job/get/0123456789abcdef").Status);
        Assert.Equal(404, _cgi.Post("job/cancel/0123456789abcdef").Status);
        Assert.Equal(404, _cgi.Get("job/get/../../etc").Status); // a slash: no route takes it
        Assert.Equal(400, _cgi.Get("job/get/..").Status);
        Assert.Equal(400, _cgi.Get("job/get/0123456789ABCDEF").Status);
        Assert.Equal(400, _cgi.Get("job/get/0123456789abcdef", "offset=-1").Status);
    }

    public void Dispose()
    {
        _daemon.Client.DeleteAsync($"/images/{Repo}:{_tag}?force=1").Result.Dispose();
        _registry.Dispose();
        foreach (string pidFile in Directory.Exists(_jobs) ? Directory.GetFiles(_jobs, "pid", SearchOption.AllDirectories) : [])
        {
            if (int.TryParse(File.ReadAllText(pidFile).Trim(), out int pid))
            {
                try
                {
                    Process.GetProcessById(pid).Kill();
                }
                catch (ArgumentException)
                {
                }
            }
        }

        Directory.Delete(_config, true);
    }
}
