using System.Globalization;
using System.Text.Json;
using Dockerman.Tests.Support;
using Xunit;

namespace Dockerman.Tests.Integration;

/// <summary>version, info, ping, df and events through the published binary against the private daemon.</summary>
[Collection(DaemonCollection.Name)]
public sealed class CoreRouteTests(DockerDaemon daemon) : DaemonTest(daemon)
{
    [Fact]
    public void Version_Get_MatchesTheDaemonsOwnAnswer()
    {
        CgiReply reply = Cgi.Get("version");

        Assert.True(reply.Status == 200, reply.ToString());
        JsonElement direct = Objects.Json("/version");
        JsonElement relayed = DaemonObjects.Parse(reply);
        Assert.Equal(direct.GetProperty("ApiVersion").GetString(), relayed.GetProperty("ApiVersion").GetString());
        Assert.Equal(direct.GetProperty("GitCommit").GetString(), relayed.GetProperty("GitCommit").GetString());
    }

    [Fact]
    public void Info_Get_DescribesThePrivateDaemon()
    {
        CgiReply reply = Cgi.Get("info");

        Assert.True(reply.Status == 200, reply.ToString());
        JsonElement info = DaemonObjects.Parse(reply);
        Assert.Equal(Path.Combine(Daemon.Dir, "root"), info.GetProperty("DockerRootDir").GetString());
        Assert.Equal(Objects.Json("/info").GetProperty("ID").GetString(), info.GetProperty("ID").GetString());
    }

    [Fact]
    public void Ping_Get_RelaysOk()
    {
        CgiReply reply = Cgi.Get("ping");

        Assert.True(reply.Status == 200, reply.ToString());
        Assert.Equal("OK", reply.Text);
        Assert.Equal(0, reply.ExitCode);
    }

    [Fact]
    public void Ping_Head_ReturnsStatusWithoutBody()
    {
        CgiReply reply = Cgi.Run("HEAD", "ping");

        Assert.True(reply.Status == 200, reply.ToString());
        Assert.Empty(reply.Body);
        Assert.Equal(0, reply.ExitCode);
    }

    [Fact]
    public void Df_Get_ListsTheTestImage()
    {
        string testboxId = Objects.Json($"/images/{DockerDaemon.Image}/json").GetProperty("Id").GetString()!;

        CgiReply reply = Cgi.Get("df");

        Assert.True(reply.Status == 200, reply.ToString());
        JsonElement df = DaemonObjects.Parse(reply);
        Assert.Contains(df.GetProperty("Images").EnumerateArray(), i => i.GetProperty("Id").GetString() == testboxId);
        Assert.True(df.TryGetProperty("LayersSize", out _), reply.Text);
    }

    [Fact]
    public void Events_NoUntilAndQuiet_SendsHeartbeatsAndEndsAtTheStreamDeadline()
    {
        string config = Paths.TempDir("dmcfg");
        File.WriteAllText(Path.Combine(config, "dockerman"),
            "config dockerman 'main'\n\toption stream_deadline '3'\n\toption heartbeat '1'\n");
        string filters = Uri.EscapeDataString($$"""{"container":["{{DaemonObjects.Unique("nobody")}}"]}""");
        var clock = System.Diagnostics.Stopwatch.StartNew();

        CgiReply reply = new CgiRunner(Daemon.Host, config).Get("events", $"filters={filters}");

        Assert.True(reply.Status == 200, reply.ToString());
        Assert.Equal(0, reply.ExitCode);
        Assert.InRange(clock.Elapsed.TotalSeconds, 2.5, 15);
        Assert.Matches("^\n+$", reply.Text);
    }

    [Theory]
    [InlineData("events", false)]
    [InlineData("docker/events", false)]
    [InlineData("events", true)]
    public void Events_SinceAndUntilAroundACreate_StreamsTheCreateEventAndEnds(string path, bool untilInThePast)
    {
        long since = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 1;
        string name = DaemonObjects.Unique("ev");
        string id = Objects.CreateContainer(name, ["true"]);
        long until = DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1;
        if (untilInThePast)
        {
            DaemonObjects.WaitFor(() => DateTimeOffset.UtcNow.ToUnixTimeSeconds() > until, "until to pass");
        }
        string filters = Uri.EscapeDataString($$"""{"type":["container"],"container":["{{id}}"]}""");

        // The pages' endpoint is POST (menu.d "post": true); the route is GET.
        CgiReply reply = Cgi.Run(path == "events" ? "GET" : "POST", path,
            $"since={since}&until={until.ToString(CultureInfo.InvariantCulture)}&filters={filters}");

        Assert.True(reply.Status == 200, reply.ToString());
        Assert.Equal(0, reply.ExitCode);
        List<JsonElement> events = DaemonObjects.Lines(reply);
        Assert.Contains(events, e => e.GetProperty("Action").GetString() == "create" &&
                                     e.GetProperty("Actor").GetProperty("ID").GetString() == id &&
                                     e.GetProperty("Actor").GetProperty("Attributes").GetProperty("name").GetString() == name);
        Assert.All(events, e => Assert.Equal(id, e.GetProperty("Actor").GetProperty("ID").GetString()));
    }
}
