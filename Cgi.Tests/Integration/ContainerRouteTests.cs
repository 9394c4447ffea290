using System.Text.Json;
using Dockerman.Tests.Support;
using Xunit;

namespace Dockerman.Tests.Integration;

/// <summary>The container routes through the published binary, each checked by its effect on the daemon.</summary>
[Collection(DaemonCollection.Name)]
public sealed class ContainerRouteTests(DockerDaemon daemon) : DaemonTest(daemon)
{
    private static readonly string[] Sleeper = ["sleep", "1000"];

    private JsonElement State(string id) => Objects.Json($"/containers/{id}/json").GetProperty("State");

    [Fact]
    public void Create_JsonBody_CreatesTheNamedContainer()
    {
        string name = Objects.Container(DaemonObjects.Unique("cr"));

        CgiReply reply = Cgi.Post("container/create", $"name={name}",
            """{"Image":"testbox:1","Cmd":["echo","made"],"Labels":{"made-by":"dockerman"}}""");

        Assert.True(reply.Status == 201, reply.ToString());
        string id = DaemonObjects.Parse(reply).GetProperty("Id").GetString()!;
        JsonElement inspect = Objects.Json($"/containers/{id}/json");
        Assert.Equal("/" + name, inspect.GetProperty("Name").GetString());
        Assert.Equal("dockerman", inspect.GetProperty("Config").GetProperty("Labels").GetProperty("made-by").GetString());
        Assert.Equal("created", inspect.GetProperty("State").GetProperty("Status").GetString());
    }

    [Fact]
    public void Inspect_WithSize_ReturnsTheContainer()
    {
        string name = DaemonObjects.Unique("in");
        string id = Objects.CreateContainer(name, ["true"]);

        CgiReply reply = Cgi.Get($"container/inspect/{name}", "size=1");

        Assert.True(reply.Status == 200, reply.ToString());
        JsonElement inspect = DaemonObjects.Parse(reply);
        Assert.Equal(id, inspect.GetProperty("Id").GetString());
        Assert.True(inspect.TryGetProperty("SizeRootFs", out _), "size=1 did not reach the daemon: " + reply.Text);
    }

    [Fact]
    public void List_AllOrRunningOnly_ShowsCreatedContainerOnlyWithAll()
    {
        string id = Objects.CreateContainer(DaemonObjects.Unique("ls"), ["true"]);

        CgiReply all = Cgi.Get("container/list", "all=1&limit=1000");
        CgiReply running = Cgi.Get("container/list");

        Assert.True(all.Status == 200, all.ToString());
        Assert.True(running.Status == 200, running.ToString());
        Assert.Contains(DaemonObjects.Parse(all).EnumerateArray(), c => c.GetProperty("Id").GetString() == id);
        Assert.DoesNotContain(DaemonObjects.Parse(running).EnumerateArray(), c => c.GetProperty("Id").GetString() == id);
    }

    [Fact]
    public void Start_CreatedContainer_Runs()
    {
        string id = Objects.CreateContainer(DaemonObjects.Unique("st"), Sleeper);

        CgiReply reply = Cgi.Post($"container/start/{id}");

        Assert.True(reply.Status == 204, reply.ToString());
        Assert.True(State(id).GetProperty("Running").GetBoolean());
    }

    [Fact]
    public void Wait_ContainerThatExits_ReturnsItsExitCode()
    {
        string id = Objects.CreateContainer(DaemonObjects.Unique("wt"), ["sh", "-c", "sleep 0.3; exit 7"], start: true);

        CgiReply reply = Cgi.Post($"container/wait/{id}", "condition=not-running");

        Assert.True(reply.Status == 200, reply.ToString());
        Assert.Equal(7, DaemonObjects.Parse(reply).GetProperty("StatusCode").GetInt32());
        Assert.False(State(id).GetProperty("Running").GetBoolean());
    }

    /// <summary>The logs (stdout and stderr) as the daemon itself gives them.</summary>
    private (byte[] Body, string? ContentType) DirectLogs(string id)
    {
        using HttpResponseMessage r = Daemon.Client.GetAsync($"/containers/{id}/logs?stdout=1&stderr=1").Result;
        Assert.True(r.IsSuccessStatusCode);
        return (r.Content.ReadAsByteArrayAsync().Result, r.Content.Headers.ContentType?.ToString());
    }

    [Fact]
    public void Logs_Raw_PassesTheMultiplexedFramesUnchanged()
    {
        string id = Objects.RunContainer(DaemonObjects.Unique("lg"), ["sh", "-c", "echo to-out; echo to-err >&2"]);

        CgiReply reply = Cgi.Get($"container/logs/{id}", "stdout=1&stderr=1");

        Assert.True(reply.Status == 200, reply.ToString());
        (byte[] direct, string? directType) = DirectLogs(id);
        Assert.Equal(directType, reply.Header("Content-Type"));
        Assert.Equal(direct, reply.Body);
        List<(int Type, string Text)> frames = LogFrames.Parse(reply.Body);
        Assert.Contains((1, "to-out\n"), frames);
        Assert.Contains((2, "to-err\n"), frames);
        Assert.Equal(2, frames.Count);
    }

    [Fact]
    public void Logs_FormatText_DemultiplexesIntoPlainText()
    {
        string id = Objects.RunContainer(DaemonObjects.Unique("lt"), ["sh", "-c", "seq 1 500; echo to-err >&2"]);

        CgiReply reply = Cgi.Get($"container/logs/{id}", "stdout=1&stderr=1&format=text");

        Assert.True(reply.Status == 200, reply.ToString());
        Assert.Equal("text/plain; charset=utf-8", reply.Header("Content-Type"));
        // The daemon interleaves stdout and stderr as its log file holds them: the text is the frames' payloads in order.
        Assert.Equal(string.Concat(LogFrames.Parse(DirectLogs(id).Body).Select(f => f.Text)), reply.Text);
        string stdout = string.Concat(Enumerable.Range(1, 500).Select(i => $"{i}\n"));
        Assert.Contains("to-err\n", reply.Text, StringComparison.Ordinal);
        Assert.Equal(stdout, reply.Text.Replace("to-err\n", "", StringComparison.Ordinal));
    }

    [Fact]
    public void Logs_Tail_ForwardsTheParameter()
    {
        string id = Objects.RunContainer(DaemonObjects.Unique("tl"), ["seq", "1", "10"]);

        CgiReply reply = Cgi.Get($"container/logs/{id}", "stdout=1&tail=3&format=text");

        Assert.True(reply.Status == 200, reply.ToString());
        Assert.Equal("8\n9\n10\n", reply.Text);
    }

    [Fact]
    public void Logs_TtyContainer_RelaysRawBytes()
    {
        string id = Objects.RunContainer(DaemonObjects.Unique("ty"), ["echo", "on-a-tty"], tty: true);

        CgiReply raw = Cgi.Get($"container/logs/{id}", "stdout=1");
        CgiReply text = Cgi.Get($"container/logs/{id}", "stdout=1&format=text");

        Assert.True(raw.Status == 200, raw.ToString());
        Assert.Equal(DirectLogs(id).ContentType, raw.Header("Content-Type"));
        Assert.Equal("on-a-tty\r\n", raw.Text);
        Assert.Equal("on-a-tty\r\n", text.Text);
    }

    [Fact]
    public void Stats_OneShot_ReturnsOneSampleOfThatContainer()
    {
        string id = Objects.CreateContainer(DaemonObjects.Unique("ss"), Sleeper, start: true);

        CgiReply reply = Cgi.Get($"container/stats/{id}", "stream=false&one-shot=true");

        Assert.True(reply.Status == 200, reply.ToString());
        Assert.Equal(0, reply.ExitCode);
        JsonElement stats = DaemonObjects.Parse(reply);
        Assert.Equal(id, stats.GetProperty("id").GetString());
        Assert.True(stats.GetProperty("pids_stats").GetProperty("current").GetInt32() >= 1, reply.Text);
    }

    /// <summary>A CgiRunner whose long streams end after <paramref name="seconds"/>.</summary>
    private CgiRunner WithStreamDeadline(int seconds)
    {
        string config = Paths.TempDir("dmcfg");
        File.WriteAllText(Path.Combine(config, "dockerman"), $"config dockerman 'main'\n\toption stream_deadline '{seconds}'\n");
        return new CgiRunner(Daemon.Host, config);
    }

    [Fact]
    public void Stats_Streaming_EndsCleanlyAtTheStreamDeadline()
    {
        string id = Objects.CreateContainer(DaemonObjects.Unique("sd"), Sleeper, start: true);
        var clock = System.Diagnostics.Stopwatch.StartNew();

        CgiReply reply = WithStreamDeadline(3).Get($"container/stats/{id}", "stream=1");

        Assert.True(reply.Status == 200, reply.ToString());
        Assert.Equal(0, reply.ExitCode);
        Assert.InRange(clock.Elapsed.TotalSeconds, 2.5, 15);
        List<JsonElement> samples = DaemonObjects.Lines(reply);
        Assert.True(samples.Count >= 2, $"{samples.Count} samples in 3 s");
        Assert.All(samples, s => Assert.Equal(id, s.GetProperty("id").GetString()));
    }

    [Fact]
    public void Logs_Follow_RelaysNewLinesAndEndsAtTheStreamDeadline()
    {
        string id = Objects.CreateContainer(DaemonObjects.Unique("lf"),
            ["sh", "-c", "for i in $(seq 1 1000); do echo line-$i; sleep 0.2; done"], start: true);

        CgiReply reply = WithStreamDeadline(2).Get($"container/logs/{id}", "follow=1&stdout=1&format=text");

        Assert.True(reply.Status == 200, reply.ToString());
        Assert.Equal(0, reply.ExitCode);
        string[] lines = reply.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length >= 5, reply.Text);
        Assert.Equal(Enumerable.Range(1, lines.Length).Select(i => $"line-{i}"), lines);
    }

    [Fact]
    public void Top_RunningContainer_ListsItsProcess()
    {
        string id = Objects.CreateContainer(DaemonObjects.Unique("tp"), Sleeper, start: true);

        CgiReply reply = Cgi.Get($"container/top/{id}", "ps_args=-ef");

        Assert.True(reply.Status == 200, reply.ToString());
        JsonElement top = DaemonObjects.Parse(reply);
        Assert.Contains(top.GetProperty("Processes").EnumerateArray(),
            p => p.EnumerateArray().Any(col => col.GetString()!.Contains("sleep 1000", StringComparison.Ordinal)));
    }

    [Fact]
    public void Changes_AfterAWrite_ListsTheNewFile()
    {
        string id = Objects.RunContainer(DaemonObjects.Unique("ch"), ["sh", "-c", "echo x > /tmp/new-file"]);

        CgiReply reply = Cgi.Get($"container/changes/{id}");

        Assert.True(reply.Status == 200, reply.ToString());
        Assert.Contains(DaemonObjects.Parse(reply).EnumerateArray(),
            c => c.GetProperty("Path").GetString() == "/tmp/new-file" && c.GetProperty("Kind").GetInt32() == 1);
    }

    [Fact]
    public void Resize_TtyContainer_ChangesItsTerminalSize()
    {
        // The container ends with 0 only once it sees the new size on its terminal.
        string id = Objects.CreateContainer(DaemonObjects.Unique("rs"),
            ["sh", "-c", "for i in $(seq 200); do [ \"$(busybox stty size)\" = '33 77' ] && exit 0; sleep 0.05; done; exit 3"],
            start: true, tty: true);

        CgiReply reply = Cgi.Post($"container/resize/{id}", "h=33&w=77");

        Assert.True(reply.Status == 200, reply.ToString());
        CgiReply wait = Cgi.Post($"container/wait/{id}");
        Assert.Equal(0, DaemonObjects.Parse(wait).GetProperty("StatusCode").GetInt32());
    }

    [Fact]
    public void Stop_RunningContainer_StopsIt()
    {
        string id = Objects.CreateContainer(DaemonObjects.Unique("sp"), Sleeper, start: true);

        CgiReply reply = Cgi.Post($"container/stop/{id}", "t=1");

        Assert.True(reply.Status == 204, reply.ToString());
        Assert.False(State(id).GetProperty("Running").GetBoolean());
    }

    [Fact]
    public void Restart_RunningContainer_StartsItAgain()
    {
        string id = Objects.CreateContainer(DaemonObjects.Unique("rt"), Sleeper, start: true);
        string startedBefore = State(id).GetProperty("StartedAt").GetString()!;

        CgiReply reply = Cgi.Post($"container/restart/{id}", "t=0");

        Assert.True(reply.Status == 204, reply.ToString());
        JsonElement state = State(id);
        Assert.True(state.GetProperty("Running").GetBoolean());
        Assert.NotEqual(startedBefore, state.GetProperty("StartedAt").GetString());
    }

    [Fact]
    public void Kill_WithSignal_DeliversThatSignal()
    {
        string id = Objects.CreateContainer(DaemonObjects.Unique("kl"), Sleeper, start: true);

        CgiReply reply = Cgi.Post($"container/kill/{id}", "signal=SIGKILL");

        Assert.True(reply.Status == 204, reply.ToString());
        DaemonObjects.WaitFor(() => !State(id).GetProperty("Running").GetBoolean(), "the container to die");
        Assert.Equal(137, State(id).GetProperty("ExitCode").GetInt32());
    }

    [Fact]
    public void PauseThenUnpause_RunningContainer_FreezesAndThaws()
    {
        string id = Objects.CreateContainer(DaemonObjects.Unique("pa"), Sleeper, start: true);

        CgiReply pause = Cgi.Post($"container/pause/{id}");
        Assert.True(pause.Status == 204, pause.ToString());
        Assert.Equal("paused", State(id).GetProperty("Status").GetString());

        CgiReply unpause = Cgi.Post($"container/unpause/{id}");
        Assert.True(unpause.Status == 204, unpause.ToString());
        Assert.Equal("running", State(id).GetProperty("Status").GetString());
    }

    [Fact]
    public void Update_RestartPolicy_ChangesTheHostConfig()
    {
        string id = Objects.CreateContainer(DaemonObjects.Unique("up"), Sleeper);

        CgiReply reply = Cgi.Post($"container/update/{id}", "",
            """{"RestartPolicy":{"Name":"on-failure","MaximumRetryCount":4}}""");

        Assert.True(reply.Status == 200, reply.ToString());
        JsonElement policy = Objects.Json($"/containers/{id}/json").GetProperty("HostConfig").GetProperty("RestartPolicy");
        Assert.Equal("on-failure", policy.GetProperty("Name").GetString());
        Assert.Equal(4, policy.GetProperty("MaximumRetryCount").GetInt32());
    }

    [Fact]
    public void Rename_NewName_RenamesIt()
    {
        string id = Objects.CreateContainer(DaemonObjects.Unique("rn"), Sleeper);
        string newName = Objects.Container(DaemonObjects.Unique("renamed"));

        CgiReply reply = Cgi.Post($"container/rename/{id}", $"name={newName}");

        Assert.True(reply.Status == 204, reply.ToString());
        Assert.Equal("/" + newName, Objects.Json($"/containers/{id}/json").GetProperty("Name").GetString());
    }

    [Theory]
    [InlineData("DELETE")]
    [InlineData("POST")]
    public void Remove_ForceOnRunningContainer_RemovesIt(string method)
    {
        string id = Objects.CreateContainer(DaemonObjects.Unique("rm"), Sleeper, start: true);

        CgiReply reply = Cgi.Run(method, $"container/remove/{id}", "force=true&v=1");

        Assert.True(reply.Status == 204, reply.ToString());
        Assert.Equal(404, Objects.Send("GET", $"/containers/{id}/json").Status);
    }

    [Fact]
    public void Remove_RunningWithoutForce_RelaysTheDaemonsConflict()
    {
        string id = Objects.CreateContainer(DaemonObjects.Unique("rc"), Sleeper, start: true);

        CgiReply reply = Cgi.Run("DELETE", $"container/remove/{id}");

        Assert.Equal(409, reply.Status);
        Assert.Equal(1, reply.ExitCode);
        Assert.Contains("running", DaemonObjects.Parse(reply).GetProperty("message").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.True(State(id).GetProperty("Running").GetBoolean());
    }

    [Theory]
    [InlineData("container/prune")]
    [InlineData("containers/prune")]
    public void Prune_LabelFilter_RemovesOnlyTheStoppedContainerWithThatLabel(string path)
    {
        string label = DaemonObjects.Unique("prune");
        string stopped = Objects.CreateContainer(DaemonObjects.Unique("pr"), ["true"], labels: new() { ["dm.test"] = label });
        string other = Objects.CreateContainer(DaemonObjects.Unique("po"), ["true"]);
        string filters = Uri.EscapeDataString($$"""{"label":["dm.test={{label}}"]}""");

        CgiReply reply = Cgi.Post(path, $"filters={filters}");

        Assert.True(reply.Status == 200, reply.ToString());
        Assert.Equal([stopped], DaemonObjects.Parse(reply).GetProperty("ContainersDeleted").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(404, Objects.Send("GET", $"/containers/{stopped}/json").Status);
        Assert.True(Objects.Exists($"/containers/{other}/json"));
    }
}
