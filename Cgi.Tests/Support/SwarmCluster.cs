using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Xunit;

namespace Dockerman.Tests.Support;

/// <summary>
/// A real two-node swarm on this machine: two private daemons (own data roots and sockets, swarm
/// ports on loopback), the first made a manager by <c>swarm/init</c> through dockerman, the second
/// joined as a worker by <c>swarm/join</c> through dockerman with the worker token that
/// <c>swarm/inspect</c> gave. At the end both leave the swarm and stop.
/// </summary>
public sealed class SwarmCluster : IDisposable
{
    public DockerDaemon Manager { get; }

    public DockerDaemon Worker { get; }

    /// <summary>dockerman in front of each daemon, run from a shell (no credentials asked).</summary>
    public CgiRunner ManagerCgi { get; }

    public CgiRunner WorkerCgi { get; }

    public int ManagerPort { get; }

    public int WorkerPort { get; }

    public CgiReply InitReply { get; }

    public CgiReply JoinReply { get; }

    /// <summary>The worker token swarm/inspect gave at the start, which the worker joined with.</summary>
    public string FirstWorkerToken { get; }

    public SwarmCluster()
    {
        Manager = DockerDaemon.SwarmNode();
        try
        {
            Worker = DockerDaemon.SwarmNode();
            ManagerCgi = new CgiRunner(Manager.Host);
            WorkerCgi = new CgiRunner(Worker.Host);
            ManagerPort = FreePort();
            WorkerPort = FreePort();

            InitReply = ManagerCgi.Post("swarm/init", "",
                $$"""{"ListenAddr":"127.0.0.1:{{ManagerPort}}","AdvertiseAddr":"127.0.0.1:{{ManagerPort}}"}""");
            Require(InitReply.Status == 200, "swarm/init", InitReply);
            FirstWorkerToken = WorkerToken();
            JoinReply = Join();
            Require(JoinReply.Status == 200, "swarm/join", JoinReply);
            WaitForTwoReadyNodes();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The worker's join token, as a write caller sees it in swarm/inspect.</summary>
    public string WorkerToken()
    {
        CgiReply inspect = ManagerCgi.Get("swarm/inspect");
        Require(inspect.Status == 200, "swarm/inspect", inspect);
        return DaemonObjects.Parse(inspect).GetProperty("JoinTokens").GetProperty("Worker").GetString()!;
    }

    /// <summary>The worker joins through dockerman with the current worker token.</summary>
    public CgiReply Join() => WorkerCgi.Post("swarm/join", "",
        $$"""
        {"ListenAddr":"127.0.0.1:{{WorkerPort}}","AdvertiseAddr":"127.0.0.1:{{WorkerPort}}",
         "RemoteAddrs":["127.0.0.1:{{ManagerPort}}"],"JoinToken":"{{WorkerToken()}}"}
        """);

    /// <summary>The nodes as the manager lists them through dockerman.</summary>
    public List<JsonElement> Nodes()
    {
        CgiReply list = ManagerCgi.Get("node/list");
        Require(list.Status == 200, "node/list", list);
        return [.. DaemonObjects.Parse(list).EnumerateArray()];
    }

    /// <summary>The node id a daemon has in the swarm, from its own /info.</summary>
    public static string NodeId(DockerDaemon daemon) =>
        daemon.GetJson("/info").GetProperty("Swarm").GetProperty("NodeID").GetString()!;

    public void WaitForTwoReadyNodes() => Poll(() =>
    {
        List<JsonElement> nodes = Nodes();
        return nodes.Count == 2 && nodes.All(n => n.GetProperty("Status").GetProperty("State").GetString() == "ready");
    }, "two ready nodes");

    /// <summary>Polls <paramref name="condition"/> every 200 ms; fails after <paramref name="seconds"/> (swarm
    /// convergence takes seconds, never minutes).</summary>
    public static void Poll(Func<bool> condition, string what, int seconds = 40)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(seconds), $"timed out after {seconds} s waiting for {what}");
            Thread.Sleep(200);
        }
    }

    private static void Require(bool ok, string what, CgiReply reply)
    {
        if (!ok)
        {
            throw new InvalidOperationException($"{what} through dockerman failed: {reply}");
        }
    }

    private static int FreePort()
    {
        using var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        s.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)s.LocalEndPoint!).Port;
    }

    public void Dispose()
    {
        // Leave the swarm first (the worker, then the last manager, which needs force), then stop.
        foreach (DockerDaemon? d in new[] { Worker, Manager })
        {
            if (d != null)
            {
                d.Status("POST", "/swarm/leave?force=1");
                d.Dispose();
            }
        }
    }
}

/// <summary>The swarm tests share one cluster and run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class SwarmCollection : ICollectionFixture<SwarmCluster>
{
    public const string Name = "real two-node swarm";
}
