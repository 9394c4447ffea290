namespace Dockerman.StandIns.Rpcd;

/// <summary>How rpcd runs its exec plugins: the timeout of one run (rpcd's <c>-t</c>) and the
/// environment the plugins get (rpcd's own; null: this process's).</summary>
internal sealed record RpcdExecSettings(TimeSpan Timeout, IReadOnlyDictionary<string, string>? Environment);
