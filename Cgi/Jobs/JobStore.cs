using System.Globalization;
using System.Text;
using System.Text.Json;
using Dockerman.CgiIo;
using Dockerman.Http;
using Dockerman.Native;

namespace Dockerman.Jobs;

/// <summary>
/// Background jobs (pulls and pushes) as folders in jobs_dir (tmpfs): <c>job.json</c> (id, kind,
/// target, started), <c>request</c> (what the worker sends; mode 0600, removed once read),
/// <c>pid</c>, <c>progress</c> (the daemon's NDJSON, appended as it comes), <c>result.json</c>
/// (state, finished, error; written last, atomically) and <c>read</c> (set when a reader reached
/// the end of a finished job). Bounded in count; finished jobs read to their end are removed after
/// an hour, and the oldest finished ones first when the store is full.
/// </summary>
internal sealed class JobStore(string root, Func<DateTimeOffset> now)
{
    public static bool IsJobId(string id) => id.Length == 16 && !id.AsSpan().ContainsAnyExcept("0123456789abcdef");

    public string Dir(string id) => Path.Combine(root, id);

    public string ProgressPath(string id) => Path.Combine(root, id, "progress");

    public string ResultPath(string id) => Path.Combine(root, id, "result.json");

    /// <summary>A new job folder with its description and request; throws 503 when the store is full of
    /// running jobs, 507 when jobs_dir has no room. Everything a job needs besides its progress is
    /// written here, the pid and result files included (as reserves, overwritten in place later), so
    /// that a jobs_dir that fills up while the job runs can still take the job's end.</summary>
    public string Create(string kind, string target, string requestText, string endpoint = "default")
    {
        Directory.CreateDirectory(root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        if (Cleanup().Count >= Limits.MaxJobs)
        {
            throw new ApiException(503, $"{Limits.MaxJobs} background jobs already running; wait for one to finish or cancel one");
        }

        long started = now().ToUnixTimeSeconds();
        string id = started.ToString("x8", CultureInfo.InvariantCulture) + Random.Shared.Next().ToString("x8", CultureInfo.InvariantCulture);
        string dir = Dir(id);
        try
        {
            Directory.CreateDirectory(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            File.WriteAllBytes(Path.Combine(dir, "progress"), []);
            JobFiles.WriteSecret(Path.Combine(dir, "request"), requestText);
            File.WriteAllBytes(Path.Combine(dir, "pid"), "0000000000"u8.ToArray()); // no worker yet: no process has pid 0
            File.WriteAllBytes(ResultReserve(id), JobFiles.Reserve(ResultBytes));
            JobFiles.WriteAtomically(Path.Combine(dir, "job.json"), JobJson.Description(id, kind, target, endpoint, started));
        }
        catch (IOException e)
        {
            try
            {
                JobFiles.RemoveJobFolder(dir); // no half-made job left behind, unlisted and never removed
            }
            catch (IOException)
            {
            }

            throw e.HResult == JobFiles.Enospc
                ? new ApiException(507, $"jobs_dir {root} is full, no room for a new job: {e.Message}")
                : new ApiException(500, $"the job could not be created in jobs_dir {root}: {e.Message}");
        }

        return id;
    }

    /// <summary>The most a result file holds; its reserve is this size.</summary>
    private const int ResultBytes = 4096;

    private string ResultReserve(string id) => Path.Combine(Dir(id), "result.reserve");

    /// <summary>Writes the pid over the placeholder Create left, in place: no new room is needed.</summary>
    public void SetPid(string id, int pid)
    {
        using var f = new FileStream(Path.Combine(Dir(id), "pid"), FileMode.Open, FileAccess.Write);
        f.Write(Encoding.ASCII.GetBytes(pid.ToString(CultureInfo.InvariantCulture)));
        f.SetLength(f.Position);
    }

    /// <summary>Writes the job's end once: the first word stands (a cancel, the worker's own end, or a
    /// reader finding the worker gone). The result is written into the reserve Create left and then
    /// renamed into place, so that it needs no new room in jobs_dir and appears whole or not at all.</summary>
    public void Finish(string id, JobState state, string? error)
    {
        if (File.Exists(ResultPath(id)))
        {
            return;
        }

        if (error is { Length: > 1024 })
        {
            error = error[..1024] + "…";
        }

        byte[] bytes = JobJson.Result(state, now().ToUnixTimeSeconds(), error);

        // Claimed by a rename: of two writers at once, one gets the reserve, the other a file of its own.
        string mine = ResultPath(id) + "." + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + ".tmp";
        try
        {
            File.Move(ResultReserve(id), mine);
            using var f = new FileStream(mine, FileMode.Open, FileAccess.Write);
            f.Write(bytes);
            f.SetLength(bytes.Length);
        }
        catch (FileNotFoundException)
        {
            File.WriteAllBytes(mine, bytes);
        }

        try
        {
            File.Move(mine, ResultPath(id), overwrite: false);
        }
        catch (IOException) when (File.Exists(ResultPath(id)))
        {
            File.Delete(mine); // another writer was first
        }
    }

    public void MarkRead(string id) => File.WriteAllBytes(Path.Combine(Dir(id), "read"), []);

    public JobInfo? Get(string id)
    {
        string dir = Dir(id);
        string meta = Path.Combine(dir, "job.json");
        if (!IsJobId(id) || !File.Exists(meta))
        {
            return null;
        }

        try
        {
            Dictionary<string, string> j = JobJson.ReadFlatObject(File.ReadAllBytes(meta));
            long started = long.Parse(j["started"], CultureInfo.InvariantCulture);
            if (File.Exists(ResultPath(id)))
            {
                Dictionary<string, string> r = JobJson.ReadFlatObject(File.ReadAllBytes(ResultPath(id)));
                return new JobInfo(id, j["kind"], j["target"], r["state"] == "done" ? JobState.Done : JobState.Failed, started,
                    long.Parse(r["finished"], CultureInfo.InvariantCulture), r.GetValueOrDefault("error"))
                { Endpoint = j.GetValueOrDefault("endpoint") ?? "default" };
            }

            if (!WorkerLiveness.WorkerAlive(dir, id, now))
            {
                // The worker is gone without a word (killed, out of memory, a reboot of tmpfs' host).
                Finish(id, JobState.Failed, "the job's worker process ended without finishing");
                return Get(id);
            }

            return new JobInfo(id, j["kind"], j["target"], JobState.Running, started, null, null)
            { Endpoint = j.GetValueOrDefault("endpoint") ?? "default" };
        }
        catch (Exception e) when (e is IOException or JsonException or KeyNotFoundException or FormatException)
        {
            return null; // a folder being written or removed right now
        }
    }

    public List<JobInfo> List()
    {
        var jobs = new List<JobInfo>();
        if (!Directory.Exists(root))
        {
            return jobs;
        }

        foreach (string dir in Directory.GetDirectories(root))
        {
            if (Get(Path.GetFileName(dir)) is { } job)
            {
                jobs.Add(job);
            }
        }

        jobs.Sort((a, b) => string.CompareOrdinal(a.Id, b.Id));
        return jobs;
    }

    public void Cancel(string id)
    {
        if (WorkerLiveness.WorkerPid(Dir(id), id) is int pid)
        {
            Signals.Kill(pid, Signals.SigTerm);
        }

        Finish(id, JobState.Failed, "cancelled");
    }

    /// <summary>Removes finished jobs read to their end more than an hour ago; when the store is
    /// still full, the oldest finished jobs whatever their reading. Returns the jobs that remain,
    /// oldest first, as <see cref="List"/> would.</summary>
    public List<JobInfo> Cleanup()
    {
        List<JobInfo> jobs = List();
        long cutoff = now().ToUnixTimeSeconds() - Limits.JobRetentionSeconds;
        for (int i = jobs.Count - 1; i >= 0; i--)
        {
            JobInfo job = jobs[i];
            if (job.State != JobState.Running && job.Finished < cutoff && File.Exists(Path.Combine(Dir(job.Id), "read")) &&
                Remove(job.Id))
            {
                jobs.RemoveAt(i);
            }
        }

        for (int i = 0; i < jobs.Count && jobs.Count >= Limits.MaxJobs;)
        {
            if (jobs[i].State != JobState.Running && Remove(jobs[i].Id))
            {
                jobs.RemoveAt(i);
            }
            else
            {
                i++;
            }
        }

        return jobs;
    }

    /// <summary>Removes a job's folder (<see cref="JobFiles.RemoveJobFolder"/>). Returns false when the
    /// job is still listed (its job.json could not be removed).</summary>
    private bool Remove(string id)
    {
        string meta = Path.Combine(Dir(id), "job.json");
        try
        {
            JobFiles.RemoveJobFolder(Dir(id));
        }
        catch (IOException)
        {
            return !File.Exists(meta);
        }

        return true; // job.json is gone: no longer listed, whatever else is left
    }
}
