namespace Dockerman.Jobs;

internal enum JobState { Running, Done, Failed }

/// <summary>What a job is, as job/list shows it.</summary>
internal sealed record JobInfo(string Id, string Kind, string Target, JobState State, long Started, long? Finished, string? Error)
{
    /// <summary>The daemon the job runs against (<c>endpoint=&lt;name&gt;</c> of the request that started it).</summary>
    public string Endpoint { get; init; } = "default";
}
