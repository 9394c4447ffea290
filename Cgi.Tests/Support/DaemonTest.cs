namespace Dockerman.Tests.Support;

/// <summary>
/// The ground a test class on the shared dockerd stands on: a runner for the binary against that
/// daemon, and the objects the class makes there, removed when each test ends.
/// </summary>
public abstract class DaemonTest(DockerDaemon daemon, CgiRunner? cgi = null) : IDisposable
{
    protected DockerDaemon Daemon => daemon;

    /// <summary>The binary against <see cref="Daemon"/>'s socket unless the class gives another runner.</summary>
    protected CgiRunner Cgi { get; } = cgi ?? new CgiRunner(daemon.Host);

    protected DaemonObjects Objects { get; } = new(daemon);

    public void Dispose()
    {
        Objects.Dispose();
        GC.SuppressFinalize(this);
    }
}
