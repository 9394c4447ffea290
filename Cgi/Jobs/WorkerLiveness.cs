using Dockerman.Native;

namespace Dockerman.Jobs;

/// <summary>
/// Whether a job's worker (<c>dockerman --run-job DIR</c>) still runs: by the pid in the job's
/// folder, and only while that pid is still the worker of this job.
/// </summary>
internal static class WorkerLiveness
{
    /// <summary>The worker's pid, if it is still the worker of the job in <paramref name="dir"/>.</summary>
    public static int? WorkerPid(string dir, string id) =>
        Signals.OwnedPid(Path.Combine(dir, "pid"), "--run-job\0", id); // "dockerman\0--run-job\0<dir>\0"

    /// <summary>True while the worker runs, and for a job just created whose worker has yet to write its pid.</summary>
    public static bool WorkerAlive(string dir, string id, Func<DateTimeOffset> now)
    {
        if (WorkerPid(dir, id) != null)
        {
            return true;
        }

        // Just created: the worker's pid replaces the placeholder a moment after the folder is made.
        return IsPlaceholder(Path.Combine(dir, "pid")) && File.GetCreationTimeUtc(dir) > now().UtcDateTime.AddSeconds(-5);
    }

    private static bool IsPlaceholder(string pidFile)
    {
        try
        {
            return File.ReadAllText(pidFile).Trim('0').Length == 0;
        }
        catch (IOException)
        {
            return true; // a job from before pid placeholders: the pid file comes after the folder
        }
    }
}
