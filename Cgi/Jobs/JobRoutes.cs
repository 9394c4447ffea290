using System.Globalization;
using Dockerman.CgiIo;
using Dockerman.Config;
using Dockerman.Docker;
using Dockerman.Hosting;
using Dockerman.Http;
using Dockerman.Native;
using Dockerman.Relay;
using Dockerman.Routing;

namespace Dockerman.Jobs;

/// <summary>
/// Pulls and pushes as background jobs, and the job/* routes. Starting a job answers with
/// <c>X-Dockerman-Job: &lt;id&gt;</c> before any progress, then streams the job's progress as
/// job/get does: until the job ends or the stream deadline comes, whichever is first.
/// </summary>
internal sealed class JobRoutes(ProcessEnv env, CgiOutput output, Settings settings, long deadline)
{
    private readonly JobStore _store = new(settings.JobsDir, env.Now);

    /// <summary>"pull" for image/create with fromImage (in the query or a form body, as every value), "push"
    /// for image/push; null for everything else.</summary>
    public static string? KindOf(Route route, CgiRequest request) => route.Name switch
    {
        "image/create" when request.Value("fromImage") is { Length: > 0 } => "pull",
        "image/push" => "push",
        _ => null,
    };

    /// <summary>What <see cref="KindOf"/> makes of a route, in words (dockerman --routes).</summary>
    public static string? Describe(string route) => route switch
    {
        "image/create" => "with `fromImage`: a background job (pull)",
        "image/push" => "a background job (push)",
        _ => null,
    };

    public static string TargetOf(string kind, string? id, CgiRequest request)
    {
        string name = kind == "pull" ? request.Value("fromImage")! : id!;
        string? tag = request.Value("tag");
        return string.IsNullOrEmpty(tag) ? name : $"{name}:{tag}";
    }

    public int Start(string kind, string target, string method, string daemonTarget, DockerEndpoint endpoint, string? registryAuth)
    {
        string self = env.ProcessPath ?? throw new ApiException(500, "cannot find this program's own path to start a job");
        string id = _store.Create(kind, target, JobWorker.RequestText(method, daemonTarget, endpoint, registryAuth), endpoint.Name);
        try
        {
            int pid = Spawn.Detached(self, ["--run-job", _store.Dir(id)], WorkerEnvironment());
            _store.SetPid(id, pid);
        }
        catch (IOException e)
        {
            _store.Finish(id, JobState.Failed, $"the job could not be started: {e.Message}");
            throw new ApiException(500, $"the job could not be started: {e.Message}");
        }

        return Stream(id, 0);
    }

    private List<string> WorkerEnvironment()
    {
        var vars = new List<string> { Spawn.SafePath };
        foreach (string name in (string[])["DOCKERMAN_CONFIG_DIR", "TZ"])
        {
            if (env.GetVariable(name) is { Length: > 0 } value)
            {
                vars.Add($"{name}={value}");
            }
        }

        return vars;
    }

    public int List()
    {
        output.WriteJson(200, null, JobJson.List(_store.Cleanup()));
        return ExitCodes.Success;
    }

    public int Get(string id, CgiRequest request)
    {
        long offset = 0;
        if (request.QueryValue("offset") is { } text &&
            (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out offset) || offset < 0))
        {
            throw ApiException.BadRequest("query parameter 'offset': expected a byte offset (0 or more)");
        }

        _ = _store.Get(id) ?? throw new ApiException(404, $"no such job: {id}");
        return Stream(id, offset);
    }

    public int Cancel(string id)
    {
        JobInfo job = _store.Get(id) ?? throw new ApiException(404, $"no such job: {id}");
        if (job.State == JobState.Running)
        {
            _store.Cancel(id);
            job = _store.Get(id) ?? job;
        }

        output.WriteJson(200, null, Json.Document(w => JobJson.WriteJob(w, job)));
        return ExitCodes.Success;
    }

    /// <summary>The job's progress from <paramref name="offset"/>, as it grows, until the job has
    /// ended and all of it was sent, or the deadline. Heartbeat blank lines are not part of the
    /// progress: an offset counts only the progress file's bytes.</summary>
    private int Stream(string id, long offset)
    {
        output.WriteHead(200, null, "application/json", -1,
        [
            new("X-Dockerman-Job", id),
            new("X-Dockerman-Job-Offset", offset.ToString(CultureInfo.InvariantCulture)),
        ]);
        output.Flush();
        byte[] buffer = new byte[Limits.CopyBufferSize];
        using var file = new FileStream(_store.ProgressPath(id), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1);
        file.Position = Math.Min(offset, file.Length);
        long quietSince = env.Milliseconds();
        long workerCheckedAt = quietSince;
        bool atLineStart = true;
        while (true)
        {
            bool finished = File.Exists(_store.ResultPath(id));
            int n = file.Read(buffer);
            if (n > 0)
            {
                output.Write(buffer.AsSpan(0, n));
                output.Flush();
                atLineStart = buffer[n - 1] == (byte)'\n';
                quietSince = env.Milliseconds();
                continue;
            }

            if (finished)
            {
                // Everything the worker wrote before its result is in the file: read to the end.
                _store.MarkRead(id);
                return ExitCodes.Success;
            }

            long nowMs = env.Milliseconds();
            if (nowMs >= deadline)
            {
                return ExitCodes.Success; // the job goes on; the client resumes with offset=
            }

            if (nowMs - workerCheckedAt >= Limits.JobWorkerCheckMs)
            {
                workerCheckedAt = nowMs;
                _store.Get(id); // a worker gone without a result: the job is failed now, and its result written
                continue;
            }

            if (atLineStart && nowMs - quietSince >= settings.Heartbeat * 1000L)
            {
                output.Write("\n"u8);
                output.Flush();
                quietSince = nowMs;
            }

            Thread.Sleep((int)Math.Min(Limits.JobPollMs, deadline - nowMs));
        }
    }
}
