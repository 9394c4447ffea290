using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using Dockerman.Tests.Orchestration;
using Dockerman.Tests.Support;
using Xunit;

namespace Dockerman.Tests.Faults;

/// <summary>
/// jobs_dir on a small tmpfs that the test mounts and fills: a pull that finds no room, and one whose
/// progress fills the last room, against a real registry and the real daemon, through the published
/// binary. The job must fail with a message that says why, and the store must stay readable.
/// </summary>
[Collection(DaemonCollection.Name)]
public sealed class JobsDirFullTests : IDisposable
{
    private const int Page = 4096;

    private readonly Registry _registry = new();
    private readonly string _mount = Paths.TempDir("jfull");
    private readonly string _config = Paths.TempDir("jfcfg");
    private readonly string _jobs;
    private readonly CgiRunner _cgi;
    private readonly string _tag = "t" + Guid.NewGuid().ToString("N")[..8];
    private readonly DockerDaemon _daemon;

    public JobsDirFullTests(DockerDaemon daemon)
    {
        _daemon = daemon;
        Run("mount", "-t", "tmpfs", "-o", "size=256k,mode=0700", "tmpfs", _mount);
        _jobs = Path.Combine(_mount, "jobs");
        File.WriteAllText(Path.Combine(_config, "dockerman"), $"config dockerman 'main'\n\toption jobs_dir '{_jobs}'\n");
        _cgi = new CgiRunner(daemon.Host, _config);
    }

    private static void Run(string program, params string[] args)
    {
        var psi = new ProcessStartInfo(program, args) { RedirectStandardError = true };
        using Process p = Process.Start(psi)!;
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"{program} {string.Join(' ', args)}: {err}");
    }

    /// <summary>Fills the tmpfs with a file until writes fail, then gives back <paramref name="pages"/> pages.</summary>
    private void Fill(int pages)
    {
        using var filler = new FileStream(Path.Combine(_mount, "filler"), FileMode.Create, FileAccess.Write, FileShare.None, 0);
        byte[] block = new byte[Page];
        try
        {
            while (true)
            {
                filler.Write(block);
            }
        }
        catch (IOException)
        {
        }

        filler.SetLength(filler.Length - (pages * Page));
    }

    private JsonElement[] List()
    {
        CgiReply list = _cgi.Get("job/list");
        Assert.True(list.Status == 200, list.ToString());
        return [.. JsonDocument.Parse(list.Body).RootElement.EnumerateArray().Select(j => j.Clone())];
    }

    private JsonElement WaitFinished(string id)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            JsonElement job = List().Single(j => j.GetProperty("id").GetString() == id);
            if (job.GetProperty("state").GetString() != "running")
            {
                return job;
            }

            Thread.Sleep(100);
        }

        throw new TimeoutException($"job {id} still running after 60 s");
    }

    private CgiReply Pull(string repo, string tag) =>
        _cgi.Post("image/create", $"fromImage={Uri.EscapeDataString($"{_registry.Host}/{repo}")}&tag={tag}");

    [Fact]
    public void Pull_JobsDirFull_507AndEarlierJobsStillReadable()
    {
        string earlier = Pull("nothing", "here").Header("X-Dockerman-Job")!;
        Assert.Equal("failed", WaitFinished(earlier).GetProperty("state").GetString());
        byte[] earlierProgress = _cgi.Get($"job/get/{earlier}").Body;
        JsonElement[] before = List();
        Fill(0);

        CgiReply r = Pull("testbox", _tag);

        Assert.True(r.Status == 507, r.ToString());
        Assert.Equal(1, r.ExitCode);
        string message = DaemonFailureTests.Message(r);
        Assert.Contains($"jobs_dir {_jobs} is full", message, StringComparison.Ordinal);
        Assert.Contains("No space left on device", message, StringComparison.Ordinal);
        Assert.Equal([Path.Combine(_jobs, earlier)], Directory.GetDirectories(_jobs)); // nothing half-made left
        Assert.Equal(before.Select(j => j.GetRawText()), List().Select(j => j.GetRawText()));
        CgiReply again = _cgi.Get($"job/get/{earlier}");
        Assert.Equal(200, again.Status);
        Assert.Equal(earlierProgress, again.Body);
    }

    [Fact]
    public void Pull_ProgressFillsJobsDir_JobFailedSayingWhyAndStoreReadable()
    {
        // Twelve layers: a pull's progress of several pages, where the store has room for one.
        var layers = new List<byte[]>();
        for (int i = 0; i < 12; i++)
        {
            layers.Add(Tars.Build(($"f{i}", Convert.ToHexString(RandomNumberGenerator.GetBytes(512)))));
        }

        RegistryImages.Push(_registry, "layers", _tag, layers);
        Fill(4); // job.json, request, pid and the result's reserve: what starting a job takes

        CgiReply r = Pull("layers", _tag);

        Assert.True(r.Status == 200, r.ToString());
        string id = r.Header("X-Dockerman-Job")!;
        JsonElement job = WaitFinished(id);
        Assert.Equal("failed", job.GetProperty("state").GetString());
        string error = job.GetProperty("error").GetString()!;
        Assert.Contains("could not be written to jobs_dir", error, StringComparison.Ordinal);
        Assert.Contains("No space left on device", error, StringComparison.Ordinal);

        // The progress kept is whole lines of the daemon's JSON, and more than one page was wanted.
        CgiReply progress = _cgi.Get($"job/get/{id}");
        Assert.Equal(200, progress.Status);
        Assert.Equal(0, progress.ExitCode);
        string[] lines = progress.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.NotEmpty(lines);
        Assert.All(lines, line => JsonDocument.Parse(line).Dispose());
        Assert.True(progress.Body.Length <= Page, $"{progress.Body.Length} bytes of progress in one page of room");
        Assert.Contains("Pulling fs layer", progress.Text, StringComparison.Ordinal);

        // With room again, the same pull runs to its end in the same store.
        File.Delete(Path.Combine(_mount, "filler"));
        CgiReply retry = Pull("layers", _tag);
        Assert.Equal("done", WaitFinished(retry.Header("X-Dockerman-Job")!).GetProperty("state").GetString());
        Assert.Equal(200, _daemon.Status("GET", $"/images/{_registry.Host}/layers:{_tag}/json"));
    }

    public void Dispose()
    {
        _daemon.Client.DeleteAsync($"/images/{_registry.Host}/layers:{_tag}?force=1").Result.Dispose();
        _registry.Dispose();
        for (int i = 0; i < 50; i++)
        {
            using Process p = Process.Start(new ProcessStartInfo("umount", [_mount]) { RedirectStandardError = true })!;
            p.WaitForExit();
            if (p.ExitCode == 0)
            {
                break;
            }

            Thread.Sleep(100); // a worker may still hold its progress file a moment
        }

        Directory.Delete(_mount, true);
        Directory.Delete(_config, true);
    }
}
