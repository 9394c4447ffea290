using Dockerman.Http;
using Dockerman.Jobs;
using Dockerman.Tests.Support;
using Xunit;

namespace Dockerman.Tests.Orchestration;

/// <summary>The job store's housekeeping, in process, on a clock of the test's own.</summary>
public sealed class JobStoreTests : IDisposable
{
    private readonly string _root = Path.Combine(Paths.TempDir("jobstore"), "jobs");
    private DateTimeOffset _now = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);

    private JobStore Store => new(_root, () => _now);

    /// <summary>A job that ran and ended; a second later on the clock, so ids sort by age.</summary>
    private string FinishedJob(bool read)
    {
        _now = _now.AddSeconds(1);
        string id = Store.Create("pull", "busybox:latest", "POST\n/images/create\nunix:///var/run/docker.sock\n\n");
        Store.Finish(id, JobState.Done, null);
        if (read)
        {
            Store.MarkRead(id);
        }

        return id;
    }

    [Fact]
    public void Cleanup_ReadAnHourAgo_FolderRemovedWithAllItsFiles_UnreadKept()
    {
        string read = FinishedJob(read: true);
        string unread = FinishedJob(read: false);
        File.WriteAllBytes(Path.Combine(Store.Dir(read), "result.json.tmp"), []);

        _now = _now.AddSeconds(Limits.JobRetentionSeconds + 1);
        Store.Cleanup();

        Assert.False(Directory.Exists(Store.Dir(read)));
        Assert.True(Directory.Exists(Store.Dir(unread)));
        Assert.Equal([unread], Store.List().Select(j => j.Id));
    }

    [Fact]
    public void Create_StoreFullOfFinishedJobs_OldestRemoved()
    {
        var ids = new List<string>();
        for (int i = 0; i < Limits.MaxJobs; i++)
        {
            ids.Add(FinishedJob(read: false));
        }

        string newest = FinishedJob(read: false);

        Assert.False(Directory.Exists(Store.Dir(ids[0])));
        Assert.True(Directory.Exists(Store.Dir(ids[1])));
        Assert.Equal(Limits.MaxJobs, Directory.GetDirectories(_root).Length);
        Assert.Contains(newest, Store.List().Select(j => j.Id));
    }

    public void Dispose() => Directory.Delete(Path.GetDirectoryName(_root)!, true);
}
