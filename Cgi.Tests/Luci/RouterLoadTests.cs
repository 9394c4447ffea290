using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Dockerman.Tests.Support;
using Dockerman.Tests.Support.Router;
using Xunit;
using Xunit.Abstractions;

namespace Dockerman.Tests.Luci;

/// <summary>
/// Many browsers at once against the router's web server: a web server that runs three CGIs at a
/// time and queues the rest, as uhttpd's <c>-n 3</c> does (lighttpd, <see cref="Lighttpd"/>), a
/// LuCI login (rpcd), the published binary, the real daemon and a real registry. A fixed mix of
/// requests from 20 clients, each holding a connection as a browser does (the server closes it
/// after each request, and the client opens the next); every reply must be whole and right, and
/// afterwards nothing may be left over: no CGI, no descriptor in the web server, no file beyond
/// the pull job's own.
/// </summary>
[Collection(DaemonCollection.Name)]
public sealed class RouterLoadTests(DockerDaemon daemon, ITestOutputHelper output) : IDisposable
{
    private const int Clients = 20;
    private const int DeadlineSeconds = 2;

    /// <summary>Streams run at most two at a time, so one slot stays for the short requests and
    /// every request, waiting included, fits in the deadline plus this margin.</summary>
    private const int StreamsAtOnce = 2;

    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(8);

    /// <summary>What a finished job's folder holds (JobStore): its request file is gone.</summary>
    private static readonly string[] JobFiles = ["job.json", "pid", "progress", "result.json", "read"];

    private readonly Registry _registry = new();
    private readonly string _tag = "load" + Guid.NewGuid().ToString("N")[..8];
    private readonly string _name = "load" + Guid.NewGuid().ToString("N")[..8];
    private readonly SemaphoreSlim _streams = new(StreamsAtOnce);
    private readonly TaskCompletionSource<string> _jobId = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentDictionary<string, string> _uploaded = new(StringComparer.Ordinal);

    private string Repo => $"{_registry.Host}/loadbox";

    private enum Kind { Pull, ContainerList, ImageList, ContainerInspect, ImageInspect, Logs, Events, Export, Upload, JobList, JobGet }

    private sealed record Outcome(Kind Kind, int Index, TimeSpan Duration, string? Failure);

    [Fact]
    public async Task WebServer_TwentyClientsMixedRoutes_EveryReplyWholeAndNothingLeftBehind()
    {
        PushToRegistryAndDropLocally();
        var options = new RouterStackOptions { DockerHost = daemon.Host };
        options.DockermanOptions.Add($"\toption stream_deadline '{DeadlineSeconds}'");
        using var stack = new RouterStack(options);
        LuciSession admin = stack.LoginAdmin();
        string id = daemon.CreateContainer(_name,
            ["sh", "-c", "mkdir -p /tmp/up; echo line0; i=0; while true; do echo tick $i; i=$((i+1)); sleep 1; done"], start: true);

        // One request first, so that whatever the web server opens once is open before counting.
        using (HttpClient warm = Client(stack))
        {
            using HttpResponseMessage r = await warm.SendAsync(Read(admin, "version"));
            Assert.True(r.StatusCode == HttpStatusCode.OK, await r.Content.ReadAsStringAsync() + stack.Log);
        }

        int fdsBefore = await SettledFdCount(stack, int.MaxValue);
        HashSet<string> filesBefore = Files(stack.Dir);
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(stack.Dir, "jobs")));

        ConcurrentQueue<(Kind, int)> work = new(Mix());
        int total = work.Count;
        var outcomes = new ConcurrentBag<Outcome>();
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(_ => Task.Run(async () =>
        {
            using HttpClient http = Client(stack);
            while (work.TryDequeue(out (Kind Kind, int Index) item))
            {
                outcomes.Add(await Run(http, admin, id, item.Kind, item.Index));
            }
        })));
        TimeSpan elapsed = clock.Elapsed;

        string jobId = await _jobId.Task;
        JsonElement job = await WaitFinished(stack, admin, jobId);
        int fdsAfter = await SettledFdCount(stack, fdsBefore);
        int[] left = await CgisLeft(stack);

        Outcome slowest = outcomes.MaxBy(o => o.Duration)!;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{outcomes.Count} requests, {Clients} clients, {options.MaxRequests} at once, stream_deadline {DeadlineSeconds} s: " +
            $"{elapsed.TotalSeconds:F1} s in all; slowest {slowest.Kind} {slowest.Duration.TotalMilliseconds:F0} ms; " +
            $"web server fds {fdsBefore} before, {fdsAfter} after"));
        foreach (IGrouping<Kind, Outcome> g in outcomes.GroupBy(o => o.Kind).OrderBy(g => g.Key))
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {g.Key}: {g.Count()}, slowest {g.Max(o => o.Duration.TotalMilliseconds):F0} ms"));
        }

        Assert.Equal(total, outcomes.Count);
        string[] failures = [.. outcomes.Where(o => o.Failure != null).Select(o => $"{o.Kind} #{o.Index}: {o.Failure}")];
        Assert.True(failures.Length == 0, string.Join("\n", failures) + "\n" + stack.Log);
        Assert.True(slowest.Duration <= TimeSpan.FromSeconds(DeadlineSeconds) + Margin,
            $"{slowest.Kind} #{slowest.Index} took {slowest.Duration.TotalMilliseconds:F0} ms");

        // Nothing left behind: no program run from the CGI folder, no descriptor, no stray file.
        Assert.True(left.Length == 0, $"still running from {stack.CgiPath}: {string.Join(", ", left)}");
        Assert.Equal(fdsBefore, fdsAfter);
        string[] stray = [.. Files(stack.Dir).Except(filesBefore)
            .Where(f => !IsJobFile(f, jobId))];
        Assert.True(stray.Length == 0, "files left: " + string.Join(", ", stray));
        string jobDir = Path.Combine(stack.Dir, "jobs", jobId);
        Assert.Equal([jobId], Directory.GetFileSystemEntries(Path.Combine(stack.Dir, "jobs")).Select(Path.GetFileName));
        Assert.Subset(JobFiles.ToHashSet(StringComparer.Ordinal),
            Directory.GetFiles(jobDir).Select(f => Path.GetFileName(f)).ToHashSet(StringComparer.Ordinal));
        Assert.True(File.Exists(Path.Combine(jobDir, "result.json")), "the job has no result");

        // The daemon holds what was asked: the pulled image, and every upload with its content.
        Assert.True(job.GetProperty("state").GetString() == "done", job.ToString());
        Assert.Equal(200, daemon.Status("GET", $"/images/{Repo}:{_tag}/json"));
        using HttpResponseMessage archive = await daemon.Client.GetAsync($"/containers/{id}/archive?path=/tmp/up");
        Assert.Equal(HttpStatusCode.OK, archive.StatusCode);
        Dictionary<string, byte[]> files = Tars.Read(await archive.Content.ReadAsByteArrayAsync());
        Assert.NotEmpty(_uploaded);
        foreach ((string name, string content) in _uploaded)
        {
            Assert.True(files.ContainsKey("up/" + name), $"{name} is not in the container");
            Assert.Equal(content, files.Text("up/" + name));
        }
    }

    /// <summary>200 requests in a fixed, shuffled order; the pull first, so the polls have a job.</summary>
    private static List<(Kind, int)> Mix()
    {
        (Kind Kind, int Count)[] counts =
        [
            (Kind.ContainerList, 35), (Kind.ImageList, 30), (Kind.ContainerInspect, 30), (Kind.ImageInspect, 26),
            (Kind.Upload, 30), (Kind.JobList, 20), (Kind.Export, 10), (Kind.Logs, 6), (Kind.Events, 6), (Kind.JobGet, 6),
        ];
        var items = counts.SelectMany(c => Enumerable.Range(0, c.Count).Select(i => (c.Kind, i))).ToList();
        var random = new Random(14);
        for (int i = items.Count - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }

        return [(Kind.Pull, 0), .. items.Take(199)];
    }

    private async Task<Outcome> Run(HttpClient http, LuciSession s, string id, Kind kind, int index)
    {
        bool stream = kind is Kind.Logs or Kind.Events or Kind.JobGet or Kind.Pull;
        string? jobId = kind == Kind.JobGet ? await _jobId.Task : null;
        if (stream)
        {
            await _streams.WaitAsync();
        }

        var clock = Stopwatch.StartNew(); // from the moment the request is sent

        try
        {
            using HttpRequestMessage request = kind switch
            {
                Kind.Pull => Write(s, $"image/create?fromImage={Repo}&tag={_tag}&token={s.Token}", Form(("X-Registry-Auth", "e30"))),
                Kind.ContainerList => Read(s, "container/list?all=1"),
                Kind.ImageList => Read(s, "image/list"),
                Kind.ContainerInspect => Bearer(s, $"container/inspect/{id}"),
                Kind.ImageInspect => Bearer(s, $"image/inspect/{DockerDaemon.Image}"),
                Kind.Logs => Read(s, $"container/logs/{id}?follow=1&stdout=1&format=text"),
                Kind.Events => Read(s, "events"),
                Kind.Export => Read(s, $"container/export/{id}"),
                Kind.Upload => Write(s, $"container/put_archive/{id}?path=/tmp/up", Upload(s, index)),
                Kind.JobList => Read(s, "job/list"),
                _ => Read(s, $"job/get/{jobId}"),
            };
            using HttpResponseMessage r = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            byte[] body = await r.Content.ReadAsByteArrayAsync();
            string? failure = r.StatusCode == HttpStatusCode.OK
                ? Check(kind, index, id, r, body)
                : $"{(int)r.StatusCode}: {Encoding.UTF8.GetString(body)}";
            return Done(new Outcome(kind, index, clock.Elapsed, failure));
        }
        catch (HttpRequestException e)
        {
            return Done(new Outcome(kind, index, clock.Elapsed, e.Message));
        }
        finally
        {
            if (stream)
            {
                _streams.Release();
            }
        }
    }

    /// <summary>A failed pull fails the polls waiting for its job, instead of leaving them waiting.</summary>
    private Outcome Done(Outcome o)
    {
        if (o.Kind == Kind.Pull && o.Failure != null)
        {
            _jobId.TrySetException(new InvalidOperationException("the pull did not start: " + o.Failure));
        }

        return o;
    }

    /// <summary>Why the reply is wrong or incomplete, or null when it is right.</summary>
    private string? Check(Kind kind, int index, string id, HttpResponseMessage r, byte[] body)
    {
        string text = Encoding.UTF8.GetString(body);
        try
        {
            switch (kind)
            {
                case Kind.Pull:
                    string? job = r.Headers.TryGetValues("X-Dockerman-Job", out IEnumerable<string>? v) ? v.Single() : null;
                    if (job == null)
                    {
                        return "no X-Dockerman-Job";
                    }

                    _jobId.TrySetResult(job);
                    return NdjsonProblem(text);
                case Kind.ContainerList:
                    return JsonDocument.Parse(body).RootElement.EnumerateArray().Any(c => c.GetProperty("Id").GetString() == id)
                        ? null : "the container is not listed";
                case Kind.ImageList:
                    return JsonDocument.Parse(body).RootElement.EnumerateArray()
                        .Any(i => i.GetProperty("RepoTags").EnumerateArray().Any(t => t.GetString() == DockerDaemon.Image))
                        ? null : "the image is not listed";
                case Kind.ContainerInspect:
                    return JsonDocument.Parse(body).RootElement.GetProperty("Id").GetString() == id ? null : "another container";
                case Kind.ImageInspect:
                    return JsonDocument.Parse(body).RootElement.GetProperty("RepoTags").EnumerateArray()
                        .Any(t => t.GetString() == DockerDaemon.Image) ? null : "another image";
                case Kind.Logs:
                    if (!text.StartsWith("line0\n", StringComparison.Ordinal) || !text.EndsWith('\n'))
                    {
                        return $"not whole lines from the start: '{text}'";
                    }

                    return text.TrimEnd('\n').Split('\n').Skip(1).All(l => l.StartsWith("tick ", StringComparison.Ordinal))
                        ? null : $"foreign lines: '{text}'";
                case Kind.Events:
                    return NdjsonProblem(text);
                case Kind.Export:
                    Dictionary<string, byte[]> fs = Tars.Read(body);
                    return fs.TryGetValue("bin/busybox", out byte[]? busybox) && busybox.Length > 100_000 ? null : "no bin/busybox";
                case Kind.Upload:
                    return body.Length == 0 || text.Trim() is "" or "{}" ? null : $"unexpected reply '{text}'";
                case Kind.JobList:
                    return JsonDocument.Parse(body).RootElement.ValueKind == JsonValueKind.Array ? null : "not a list";
                default:
                    return NdjsonProblem(text);
            }
        }
        catch (Exception e) when (e is JsonException or InvalidDataException or InvalidOperationException or KeyNotFoundException or FormatException)
        {
            return $"{e.GetType().Name} {e.Message}: '{(text.Length > 300 ? text[..300] : text)}'";
        }
    }

    /// <summary>Complete lines, each blank (a heartbeat) or one JSON object.</summary>
    private static string? NdjsonProblem(string text)
    {
        if (text.Length > 0 && !text.EndsWith('\n'))
        {
            return $"cut mid-line: '{text}'";
        }

        foreach (string line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (JsonDocument.Parse(line).RootElement.ValueKind != JsonValueKind.Object)
            {
                return $"not an object: '{line}'";
            }
        }

        return null;
    }

    private static HttpClient Client(RouterStack stack) =>
        new(new SocketsHttpHandler { MaxConnectionsPerServer = 1, UseCookies = false })
        {
            BaseAddress = new Uri(stack.BaseUrl, "cgi-bin/dockerman/admin/docker/"),
            Timeout = TimeSpan.FromSeconds(60),
        };

    private static HttpRequestMessage Read(LuciSession s, string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Cookie", s.Cookie);
        return request;
    }

    private static HttpRequestMessage Bearer(LuciSession s, string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", s.Sid);
        return request;
    }

    private static HttpRequestMessage Write(LuciSession s, string path, HttpContent content)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        request.Headers.Add("Cookie", s.Cookie);
        request.Headers.Add("X-Requested-With", "XMLHttpRequest");
        return request;
    }

    private static FormUrlEncodedContent Form(params (string Name, string Value)[] fields) =>
        new(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)));

    /// <summary>A browser's FormData upload: token, upload-name, then the file as upload-archive.</summary>
    private MultipartFormDataContent Upload(LuciSession s, int index)
    {
        string name = $"f{index}.txt";
        string content = $"upload {index} {Guid.NewGuid():N}\n" + new string((char)('a' + (index % 26)), 1000 * index);
        _uploaded[name] = content;
        byte[] tar = Tars.Build((name, content));
        var file = new ByteArrayContent(tar);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/x-tar");
        return new MultipartFormDataContent("----WebKitFormBoundary" + Guid.NewGuid().ToString("N")[..16])
        {
            { new StringContent(s.Token), "token" },
            { new StringContent(name + ".tar"), "upload-name" },
            { file, "upload-archive", name + ".tar" },
        };
    }

    private static async Task<JsonElement> WaitFinished(RouterStack stack, LuciSession s, string jobId)
    {
        using HttpClient http = Client(stack);
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            using HttpResponseMessage r = await http.SendAsync(Read(s, "job/list"));
            string text = await r.Content.ReadAsStringAsync();
            Assert.True(r.StatusCode == HttpStatusCode.OK, text);
            JsonElement job = JsonDocument.Parse(text).RootElement.EnumerateArray().Single(j => j.GetProperty("id").GetString() == jobId).Clone();
            if (job.GetProperty("state").GetString() != "running")
            {
                return job;
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"job {jobId} still running after 30 s");
    }

    /// <summary>The web server's open descriptors once they stop falling (closed connections take a moment)
    /// or reach <paramref name="target"/>; at most 5 s.</summary>
    private static async Task<int> SettledFdCount(RouterStack stack, int target)
    {
        int count = Directory.GetFileSystemEntries($"/proc/{stack.WebServerPid}/fd").Length;
        for (int i = 0; i < 50 && count > target; i++)
        {
            await Task.Delay(100);
            count = Directory.GetFileSystemEntries($"/proc/{stack.WebServerPid}/fd").Length;
        }

        await Task.Delay(200);
        return Directory.GetFileSystemEntries($"/proc/{stack.WebServerPid}/fd").Length;
    }

    /// <summary>Processes whose program is the stack's CGI, after at most 5 s for them to end.</summary>
    private static async Task<int[]> CgisLeft(RouterStack stack)
    {
        int[] left = Running(stack.CgiPath);
        for (int i = 0; i < 50 && left.Length > 0; i++)
        {
            await Task.Delay(100);
            left = Running(stack.CgiPath);
        }

        return left;
    }

    private static int[] Running(string program)
    {
        var pids = new List<int>();
        foreach (string dir in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid))
            {
                continue;
            }

            try
            {
                if (new FileInfo(Path.Combine(dir, "exe")).LinkTarget is string exe &&
                    (exe == program || exe == program + " (deleted)"))
                {
                    pids.Add(pid);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }

        return [.. pids];
    }

    private static HashSet<string> Files(string dir) =>
        Directory.GetFiles(dir, "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true })
            .ToHashSet(StringComparer.Ordinal);

    private static bool IsJobFile(string path, string jobId) =>
        path.Contains($"/jobs/{jobId}/", StringComparison.Ordinal);

    private void PushToRegistryAndDropLocally()
    {
        Assert.Equal(201, daemon.Status("POST", $"/images/{DockerDaemon.Image}/tag?repo={Repo}&tag={_tag}"));
        using var push = new HttpRequestMessage(HttpMethod.Post, $"/images/{Repo}/push?tag={_tag}");
        push.Headers.Add("X-Registry-Auth", "e30");
        using HttpResponseMessage r = daemon.Client.Send(push);
        string progress = r.Content.ReadAsStringAsync().Result;
        Assert.True(r.IsSuccessStatusCode && !progress.Contains("\"error\"", StringComparison.Ordinal), progress);
        Assert.Equal(200, daemon.Status("DELETE", $"/images/{Repo}:{_tag}"));
    }

    public void Dispose()
    {
        daemon.RemoveContainer(_name);
        daemon.Status("DELETE", $"/images/{Repo}:{_tag}");
        _registry.Dispose();
        _streams.Dispose();
    }
}
