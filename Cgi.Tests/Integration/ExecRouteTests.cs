using System.Text.Json;
using Dockerman.Tests.Support;
using Xunit;

namespace Dockerman.Tests.Integration;

/// <summary>container/exec, exec/start (the hijacked stream), exec/inspect and exec/resize.</summary>
[Collection(DaemonCollection.Name)]
public sealed class ExecRouteTests(DockerDaemon daemon) : DaemonTest(daemon)
{
    private string Running() => Objects.CreateContainer(DaemonObjects.Unique("xc"), ["sleep", "1000"], start: true);

    [Fact]
    public void ExecCreate_JsonBody_RegistersTheExecWithTheDaemon()
    {
        string container = Running();

        CgiReply reply = Cgi.Post($"container/exec/{container}", "",
            """{"Cmd":["echo","x"],"AttachStdout":true,"AttachStderr":true}""");

        Assert.True(reply.Status == 201, reply.ToString());
        string execId = DaemonObjects.Parse(reply).GetProperty("Id").GetString()!;
        JsonElement exec = Objects.Json($"/exec/{execId}/json");
        Assert.Equal(container, exec.GetProperty("ContainerID").GetString());
        Assert.Equal("echo", exec.GetProperty("ProcessConfig").GetProperty("entrypoint").GetString());
    }

    [Fact]
    public void ExecStart_NotDetached_RelaysTheRawOutputUntilTheCommandEnds()
    {
        string container = Running();
        CgiReply created = Cgi.Post($"container/exec/{container}", "",
            """{"Cmd":["sh","-c","seq 1 2000; echo exec-err >&2; exit 5"],"AttachStdout":true,"AttachStderr":true}""");
        string execId = DaemonObjects.Parse(created).GetProperty("Id").GetString()!;

        CgiReply reply = Cgi.Post($"exec/start/{execId}", "", """{"Detach":false,"Tty":false}""");

        Assert.True(reply.Status == 200, reply.ToString());
        Assert.Equal(0, reply.ExitCode);
        // Without a TTY the raw output is the 8-byte-framed stream: stdout frames then stderr.
        List<(int Type, string Text)> frames = LogFrames.Parse(reply.Body);
        string stdout = string.Concat(frames.Where(f => f.Type == 1).Select(f => f.Text));
        string stderr = string.Concat(frames.Where(f => f.Type == 2).Select(f => f.Text));
        Assert.All(frames, f => Assert.Contains(f.Type, new[] { 1, 2 }));

        Assert.Equal(string.Concat(Enumerable.Range(1, 2000).Select(i => $"{i}\n")), stdout);
        Assert.Equal("exec-err\n", stderr);

        CgiReply inspect = Cgi.Get($"exec/inspect/{execId}");
        Assert.True(inspect.Status == 200, inspect.ToString());
        JsonElement exec = DaemonObjects.Parse(inspect);
        Assert.False(exec.GetProperty("Running").GetBoolean());
        Assert.Equal(5, exec.GetProperty("ExitCode").GetInt32());
        Assert.Equal(container, exec.GetProperty("ContainerID").GetString());
    }

    [Fact]
    public void ExecStart_NoBody_StartsWithTheDefaults()
    {
        string container = Running();
        CgiReply created = Cgi.Post($"container/exec/{container}", "",
            """{"Cmd":["echo","defaults"],"AttachStdout":true}""");
        string execId = DaemonObjects.Parse(created).GetProperty("Id").GetString()!;

        CgiReply reply = Cgi.Post($"exec/start/{execId}");

        Assert.True(reply.Status == 200, reply.ToString());
        Assert.EndsWith("defaults\n", reply.Text, StringComparison.Ordinal);
        Assert.Equal(0, Objects.Json($"/exec/{execId}/json").GetProperty("ExitCode").GetInt32());
    }

    [Fact]
    public void ExecStart_TtyExec_RelaysTheTerminalOutputUnframed()
    {
        string container = Running();
        CgiReply created = Cgi.Post($"container/exec/{container}", "",
            """{"Cmd":["sh","-c","echo on-the-tty; echo err-on-the-tty >&2"],"AttachStdout":true,"AttachStderr":true,"Tty":true}""");
        string execId = DaemonObjects.Parse(created).GetProperty("Id").GetString()!;

        CgiReply reply = Cgi.Post($"exec/start/{execId}", "", """{"Detach":false,"Tty":true}""");

        Assert.True(reply.Status == 200, reply.ToString());
        Assert.Equal("on-the-tty\r\nerr-on-the-tty\r\n", reply.Text);
    }

    [Fact]
    public void ExecResize_TtyExec_ChangesItsTerminalSize()
    {
        string container = Running();
        // The exec ends with 0 only once it sees the new size on its terminal.
        (int status, string text) = Objects.Send("POST", $"/containers/{container}/exec", new Dictionary<string, object>
        {
            ["Cmd"] = new[] { "sh", "-c", "for i in $(seq 200); do [ \"$(busybox stty size)\" = '21 66' ] && exit 0; sleep 0.05; done; exit 3" },
            ["Tty"] = true,
        });
        Assert.True(status == 201, text);
        string execId = JsonDocument.Parse(text).RootElement.GetProperty("Id").GetString()!;
        (status, text) = Objects.Send("POST", $"/exec/{execId}/start", new Dictionary<string, object> { ["Detach"] = true, ["Tty"] = true });
        Assert.True(status == 200, text);
        DaemonObjects.WaitFor(() => Objects.Json($"/exec/{execId}/json").GetProperty("Running").GetBoolean(), "the exec to run");

        CgiReply reply = Cgi.Post($"exec/resize/{execId}", "h=21&w=66");

        Assert.True(reply.Status is 200 or 201, reply.ToString());
        DaemonObjects.WaitFor(() => !Objects.Json($"/exec/{execId}/json").GetProperty("Running").GetBoolean(), "the exec to end");
        Assert.Equal(0, Objects.Json($"/exec/{execId}/json").GetProperty("ExitCode").GetInt32());
    }

    [Fact]
    public void ExecInspect_UnknownExec_RelaysNotFound()
    {
        CgiReply reply = Cgi.Get($"exec/inspect/{Guid.NewGuid():N}{Guid.NewGuid():N}");

        Assert.Equal(404, reply.Status);
        Assert.Contains("No such exec", DaemonObjects.Parse(reply).GetProperty("message").GetString(), StringComparison.OrdinalIgnoreCase);
    }
}
