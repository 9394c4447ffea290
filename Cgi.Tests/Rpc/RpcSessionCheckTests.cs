using System.Diagnostics;
using Dockerman.Tests.Support;
using Xunit;

namespace Dockerman.Tests.Rpc;

/// <summary>
/// The one question the rpc door asks ubus itself: for <c>docker.swarm inspect</c> called with a
/// LuCI session, whether that session holds the write right, before the join tokens are shown. A fake
/// ubusd answers like rpcd, or stalls and sends garbage as rpcd will not on demand; a recording proxy in
/// front of the swarm manager shows what reached the daemon.
/// </summary>
[Collection(SwarmCollection.Name)]
public sealed class RpcSessionCheckTests : IDisposable
{
    private const string ReaderSid = "1111111111111111111111111111aaaa";
    private const string WriterSid = "2222222222222222222222222222bbbb";
    private const string UnknownSid = "3333333333333333333333333333cccc";

    private readonly RecordingProxy _proxy;
    private readonly string _config = Paths.TempDir("rpcsess");

    public RpcSessionCheckTests(SwarmCluster swarm) => _proxy = new RecordingProxy(swarm.Manager.Socket);

    public void Dispose()
    {
        _proxy.Dispose();
        Directory.Delete(_config, true);
    }

    /// <summary>The plugin in front of the swarm manager, its settings pointing at <paramref name="ubus"/>.</summary>
    private RpcPluginRunner Plugin(FakeUbusd ubus)
    {
        File.WriteAllText(Path.Combine(_config, "dockerman"),
            $"config dockerman 'main'\n\toption auth 'luci'\n\toption ubus_socket '{ubus.SocketPath}'\n");
        return new RpcPluginRunner(_proxy.Host, _config);
    }

    private RpcResult Inspect(FakeUbusd ubus, string? sid)
    {
        using RpcPluginRunner rpc = Plugin(ubus);
        return rpc.Call("docker.swarm", "inspect", sid == null ? "{}" : $$"""{"ubus_rpc_session":"{{sid}}"}""");
    }

    private static FakeUbusd Rpcd()
    {
        var ubus = new FakeUbusd();
        ubus.Sessions[ReaderSid] = new FakeSession("luci-app-dockerman", Read: true, Write: false, Token: null);
        ubus.Sessions[WriterSid] = new FakeSession("luci-app-dockerman", Read: true, Write: true, Token: null);
        return ubus;
    }

    [Theory]
    [InlineData(WriterSid, true)]
    [InlineData(ReaderSid, false)]
    [InlineData(UnknownSid, false)]
    [InlineData("not-a-session-id", false)]
    [InlineData(null, true)]
    public void SwarmInspect_TokensShownOnlyWhenTheSessionMayWrite(string? sid, bool shown)
    {
        using FakeUbusd ubus = Rpcd();

        RpcResult r = Inspect(ubus, sid);

        Assert.True(r.Code == 200, r.ToString());
        Assert.Equal(shown, r.Body.TryGetProperty("JoinTokens", out _));
        Assert.Equal(shown, r.Text.Contains("SWMTKN-", StringComparison.Ordinal));
        Assert.DoesNotContain("SWMTKN-", r.Stderr, StringComparison.Ordinal);
        if (sid is ReaderSid or WriterSid or UnknownSid)
        {
            Assert.Contains(ubus.Calls, c => c.StartsWith("access " + sid, StringComparison.Ordinal) && c.EndsWith(" write", StringComparison.Ordinal));
        }
        else
        {
            Assert.Empty(ubus.Calls); // no session to ask about, or one that cannot be one
        }
    }

    [Theory]
    [InlineData(UbusdMode.Stall)]
    [InlineData(UbusdMode.Garbage)]
    [InlineData(UbusdMode.StallMidMessage)]
    public void SwarmInspect_UbusMisbehaves_503PromptlyAndTheDaemonIsNotAsked(UbusdMode mode)
    {
        using var ubus = new FakeUbusd(mode);
        var clock = Stopwatch.StartNew();

        RpcResult r = Inspect(ubus, WriterSid);

        Assert.True(r.Code == 503, r.ToString());
        Assert.Contains("ubus is not answering", r.Message, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        Assert.Empty(_proxy.Requests);
    }

    [Fact]
    public void OtherMethods_AskUbusNothing()
    {
        using var ubus = new FakeUbusd(UbusdMode.Stall);
        using RpcPluginRunner rpc = Plugin(ubus);

        RpcResult r = rpc.Call("docker.node", "list", $$"""{"ubus_rpc_session":"{{ReaderSid}}"}""");

        Assert.True(r.Code == 200, r.ToString()); // rpcd checked the ACL already: a stalled ubusd does not matter
        Assert.Equal(2, r.Body.GetArrayLength());
    }
}
