using System.Text;
using System.Text.Json;
using Dockerman.Tests.Support;
using Dockerman.Tests.Support.Router;
using Xunit;

namespace Dockerman.Tests.Luci;

/// <summary>
/// dockerman as the pages' rpcd plugin on the router stack: the links in rpcd's plugin folder
/// before rpcd starts, a LuCI login from session.login, and each call made through /ubus as
/// LuCI's rpc.declare() makes it, against the private dockerd.
/// </summary>
[Collection(DaemonCollection.Name)]
public sealed class RpcdPluginStackTests : IDisposable
{
    private readonly DockerDaemon _daemon;
    private readonly DaemonObjects _d;
    private readonly string _dir = Paths.TempDir("rpcs");
    private readonly RouterStack _stack;

    public RpcdPluginStackTests(DockerDaemon daemon)
    {
        _daemon = daemon;
        _d = new DaemonObjects(daemon);
        string ttyd = Path.Combine(_dir, "ttyd");
        File.WriteAllText(ttyd, $"#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done > {_dir}/argv.tmp\nmv {_dir}/argv.tmp {_dir}/argv\nsleep 30\n");
        File.SetUnixFileMode(ttyd, (UnixFileMode)0b111_101_101);
        var options = LuciRpc.WithDockermanPlugins(new RouterStackOptions { DockerHost = daemon.Host });
        options.DockermanOptions.Add($"\toption ttyd '{ttyd}'");
        _stack = new RouterStack(options);
    }

    public void Dispose()
    {
        _d.Dispose();
        _stack.Dispose();
        Directory.Delete(_dir, true);
    }

    [Fact]
    public void Rpc_EveryMethodOnce_ActsOnTheDaemonThroughUbus()
    {
        var rpc = new LuciRpc(_stack, _stack.LoginAdmin());
        string name = _d.Container(DaemonObjects.Unique("sc"));
        string now = (DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);

        // docker
        Assert.Equal("1.41", rpc.Expect(200, "docker", "version").GetProperty("ApiVersion").GetString());
        Assert.True(rpc.Expect(200, "docker", "info").GetProperty("Containers").GetInt32() >= 0);
        Assert.Equal("OK", rpc.Expect(200, "docker", "ping").GetString());
        Assert.Equal(JsonValueKind.Array, rpc.Expect(200, "docker", "df").GetProperty("Images").ValueKind);
        Assert.Equal(JsonValueKind.Array, rpc.Expect(200, "docker", "events", $$$"""{"query":{"since":"0","until":"{{{now}}}","filters":""}}""").ValueKind);

        // docker.container: a container's life
        string id = rpc.Expect(201, "docker.container", "create",
            $$$"""{"query":{"name":"{{{name}}}"},"body":{"Image":"testbox:1","Cmd":["sh","-c","echo started; mkdir /made; sleep 300"]}}""")
            .GetProperty("Id").GetString()!;
        rpc.Expect(204, "docker.container", "start", $$$"""{"id":"{{{id}}}","query":{}}""");
        Assert.True(rpc.Expect(200, "docker.container", "inspect", $$$"""{"id":"{{{id}}}","query":{}}""")
            .GetProperty("State").GetProperty("Running").GetBoolean());
        Assert.Contains(rpc.Expect(200, "docker.container", "list", """{"query":{"all":true}}""").EnumerateArray(),
            c => c.GetProperty("Id").GetString() == id);
        Assert.Contains("sleep", rpc.Expect(200, "docker.container", "top", $$$"""{"id":"{{{id}}}","query":{"ps_args":""}}""").ToString(),
            StringComparison.Ordinal);
        DaemonObjects.WaitFor(() => rpc.Expect(200, "docker.container", "logs", $$$"""{"id":"{{{id}}}","query":{"tail":10,"stdout":1,"stderr":1}}""")
            .GetString() == "started\n", "the container's log");
        Assert.Contains("/made", rpc.Expect(200, "docker.container", "changes", $$"""{"id":"{{id}}"}""").ToString(), StringComparison.Ordinal);
        Assert.True(rpc.Expect(200, "docker.container", "stats", $$$"""{"id":"{{{id}}}","query":{"stream":false,"one-shot":true}}""")
            .TryGetProperty("memory_stats", out _));
        JsonElement resize = rpc.Call("docker.container", "resize", $$$"""{"id":"{{{id}}}","query":{"h":24,"w":80}}""");
        Assert.True(resize.GetProperty("code").GetInt32() is 200 or 500, resize.ToString()); // no TTY: the daemon's own answer
        rpc.Expect(204, "docker.container", "pause", $$"""{"id":"{{id}}"}""");
        Assert.True(State(id).GetProperty("Paused").GetBoolean());
        rpc.Expect(204, "docker.container", "unpause", $$"""{"id":"{{id}}"}""");
        rpc.Expect(200, "docker.container", "update", $$$$"""{"id":"{{{{id}}}}","body":{"RestartPolicy":{"Name":"on-failure","MaximumRetryCount":2}}}""");
        Assert.Equal(2, _d.Json($"/containers/{id}/json").GetProperty("HostConfig").GetProperty("RestartPolicy").GetProperty("MaximumRetryCount").GetInt32());
        string renamed = _d.Container(name + "-r");
        rpc.Expect(204, "docker.container", "rename", $$$"""{"id":"{{{id}}}","query":{"name":"{{{renamed}}}"}}""");
        Assert.Equal("/" + renamed, _d.Json($"/containers/{id}/json").GetProperty("Name").GetString());
        rpc.Expect(204, "docker.container", "restart", $$$"""{"id":"{{{id}}}","query":{"t":0}}""");
        rpc.Expect(200, "docker.container", "info_archive", $$$"""{"id":"{{{id}}}","query":{"path":"/etc"}}""");
        // An archive is full of NUL bytes, where a ubus string ends: uploads are for the HTTP routes.
        Assert.Contains($"POST /cgi-bin/dockerman/admin/docker/container/put_archive/{id}?path=%2Ftmp uploads it",
            rpc.Expect(415, "docker.container", "put_archive", $$"""{"id":"{{id}}","query":{"path":"/tmp"},"body":"x"}""")
            .GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(200, _d.SendRaw("PUT", $"/containers/{id}/archive?path=/tmp", Encoding.UTF8.GetString(Tars.Build(("note.txt", "x\n"))),
            "application/x-tar").Status);
        Assert.Contains("/container/get_archive/", rpc.Expect(406, "docker.container", "get_archive",
            $$$"""{"id":"{{{id}}}","query":{"path":"/tmp/note.txt"}}""").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Contains("/container/export/", rpc.Expect(413, "docker.container", "export", $$"""{"id":"{{id}}"}""")
            .GetProperty("message").GetString(), StringComparison.Ordinal);
        JsonElement console = rpc.Expect(200, "docker.container", "ttyd_start", $$"""{"id":"{{id}}","cmd":"/bin/sh","port":7797,"uid":""}""");
        Assert.Equal(7797, console.GetProperty("port").GetInt32());
        DaemonObjects.WaitFor(() => File.Exists(Path.Combine(_dir, "argv")), "the console to start");
        System.Diagnostics.Process.GetProcessById(console.GetProperty("pid").GetInt32()).Kill();

        // docker.exec
        string exec = rpc.Expect(201, "docker.container", "exec",
            $$$"""{"id":"{{{id}}}","opts":{"Cmd":["sh","-c","echo from exec"],"AttachStdout":true}}""").GetProperty("Id").GetString()!;
        Assert.Equal("from exec\n", rpc.Expect(200, "docker.exec", "start", $$$"""{"id":"{{{exec}}}","body":{"Detach":false}}""").GetString());
        Assert.Equal(0, rpc.Expect(200, "docker.exec", "inspect", $$"""{"id":"{{exec}}"}""").GetProperty("ExitCode").GetInt32());
        JsonElement execResize = rpc.Call("docker.exec", "resize", $$$"""{"id":"{{{exec}}}","query":{"h":24,"w":80}}""");
        Assert.True(execResize.GetProperty("code").GetInt32() >= 200, execResize.ToString());

        rpc.Expect(204, "docker.container", "kill", $$$"""{"id":"{{{id}}}","query":{"signal":"KILL"}}""");
        Assert.Equal(137, rpc.Expect(200, "docker.container", "wait", $$$"""{"id":"{{{id}}}","query":{"condition":"not-running"}}""")
            .GetProperty("StatusCode").GetInt32());
        rpc.Expect(304, "docker.container", "stop", $$$"""{"id":"{{{id}}}","query":{}}""");
        rpc.Expect(204, "docker.container", "remove", $$$"""{"id":"{{{id}}}","query":{"force":true}}""");
        Assert.False(_d.Exists($"/containers/{id}/json"));
        string stopped = _d.CreateContainer(DaemonObjects.Unique("sp"), ["true"]);
        Assert.Contains(stopped, rpc.Expect(200, "docker.container", "prune", """{"query":{"filters":""}}""")
            .GetProperty("ContainersDeleted").ToString(), StringComparison.Ordinal);

        // docker.image
        string repo = "rpcs-" + Guid.NewGuid().ToString("N")[..8];
        _d.Image(repo + ":1");
        rpc.Expect(201, "docker.image", "tag", $$$"""{"id":"testbox:1","query":{"repo":"{{{repo}}}","tag":"1"}}""");
        Assert.Contains($"{repo}:1", rpc.Expect(200, "docker.image", "inspect", $$"""{"id":"{{repo}}:1"}""").GetProperty("RepoTags").ToString(),
            StringComparison.Ordinal);
        Assert.True(rpc.Expect(200, "docker.image", "history", $$"""{"id":"{{repo}}:1"}""").GetArrayLength() >= 1);
        Assert.Contains($"{repo}:1", rpc.Expect(200, "docker.image", "list", """{"query":{"all":false}}""").ToString(), StringComparison.Ordinal);
        Assert.Contains("/image/get/", rpc.Expect(413, "docker.image", "get", $$"""{"id":"{{repo}}:1"}""").GetProperty("message").GetString(),
            StringComparison.Ordinal);
        rpc.Expect(200, "docker.image", "remove", $$$"""{"id":"{{{repo}}}:1","query":{}}""");
        Assert.False(_d.Exists($"/images/{repo}:1/json"));
        JsonElement search = rpc.Call("docker.image", "search", """{"query":{"term":"busybox","limit":1}}"""); // no internet here
        Assert.True(search.GetProperty("code").GetInt32() is 200 or >= 500, search.ToString());
        string dangling = _d.ImportImage();
        rpc.Expect(200, "docker.image", "prune", """{"query":{"filters":{"dangling":["true"]}}}""");
        Assert.False(_d.Exists($"/images/{dangling}/json"));
        rpc.Expect(200, "docker.image", "build_prune", """{"query":{}}""");
        Assert.Contains("POST /cgi-bin/dockerman/admin/docker/image/load?quiet=true uploads it",
            rpc.Expect(415, "docker.image", "load", """{"query":{"quiet":true},"body":"x"}""").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Contains("POST /cgi-bin/dockerman/admin/docker/image/build?t=x uploads it",
            rpc.Expect(415, "docker.image", "build", """{"query":{"t":"x"}}""").GetProperty("message").GetString(), StringComparison.Ordinal);
        PushAndPull(rpc);

        // docker.network
        string net = _d.Network(DaemonObjects.Unique("sn"));
        string member = _d.CreateContainer(DaemonObjects.Unique("sm"), ["sleep", "300"], start: true);
        string netId = rpc.Expect(201, "docker.network", "create", $$$"""{"body":{"Name":"{{{net}}}","Internal":true}}""").GetProperty("Id").GetString()!;
        rpc.Expect(200, "docker.network", "connect", $$$"""{"id":"{{{netId}}}","body":{"Container":"{{{member}}}"}}""");
        Assert.True(rpc.Expect(200, "docker.network", "inspect", $$"""{"id":"{{netId}}"}""").GetProperty("Containers").TryGetProperty(member, out _));
        rpc.Expect(200, "docker.network", "disconnect", $$$"""{"id":"{{{netId}}}","body":{"Container":"{{{member}}}"}}""");
        Assert.Contains(netId, rpc.Expect(200, "docker.network", "list", $$$$"""{"query":{"filters":{"name":["{{{{net}}}}"]}}}""").ToString(),
            StringComparison.Ordinal);
        rpc.Expect(204, "docker.network", "remove", $$"""{"id":"{{netId}}"}""");
        Assert.False(_d.Exists($"/networks/{netId}"));
        rpc.Expect(200, "docker.network", "prune", """{"query":{}}""");

        // docker.volume
        string vol = _d.Volume(DaemonObjects.Unique("sv"));
        rpc.Expect(201, "docker.volume", "create", $$$"""{"opts":{"Name":"{{{vol}}}"}}""");
        Assert.Equal(vol, rpc.Expect(200, "docker.volume", "inspect", $$"""{"id":"{{vol}}"}""").GetProperty("Name").GetString());
        Assert.Contains(vol, rpc.Expect(200, "docker.volume", "list", """{"query":{}}""").ToString(), StringComparison.Ordinal);
        JsonElement update = rpc.Call("docker.volume", "update", $$$"""{"id":"{{{vol}}}","query":{"version":1},"spec":{}}""");
        Assert.True(update.GetProperty("code").GetInt32() >= 400, update.ToString()); // only cluster volumes can be updated
        rpc.Expect(204, "docker.volume", "remove", $$$"""{"id":"{{{vol}}}","query":{}}""");
        Assert.False(_d.Exists($"/volumes/{vol}"));
        rpc.Expect(200, "docker.volume", "prune", """{"query":{}}""");
    }

    private void PushAndPull(LuciRpc rpc)
    {
        using var registry = new Registry();
        string repo = $"{registry.Host}/testbox";
        _d.Image($"{repo}:2");
        Assert.Equal(201, _daemon.Status("POST", $"/images/{DockerDaemon.Image}/tag?repo={repo}&tag=2"));
        JsonElement push = rpc.Call("docker.image", "push", $$$"""{"name":"{{{repo}}}","query":{"tag":"2"},"headers":{"X-Registry-Auth":"e30="}}""");
        Assert.Equal(200, push.GetProperty("code").GetInt32());
        string pushJob = push.GetProperty("job").GetProperty("id").GetString()!;
        DaemonObjects.WaitFor(() => JobState(pushJob) != "running", "the push", 90);
        Assert.True(JobState(pushJob) == "done", File.ReadAllText(Path.Combine(_stack.Dir, "jobs", pushJob, "result.json")));
        Assert.Equal(200, _daemon.Status("DELETE", $"/images/{repo}:2"));
        JsonElement pull = rpc.Call("docker.image", "create", $$$"""{"query":{"fromImage":"{{{repo}}}","tag":"2"},"headers":{}}""");
        Assert.Equal(pull.GetProperty("job").GetProperty("id").GetString(), pull.GetProperty("headers").GetProperty("x-dockerman-job").GetString());
        DaemonObjects.WaitFor(() => _d.Exists($"/images/{repo}:2/json"), "the pulled image", 90);
    }

    private string? JobState(string id)
    {
        string jobs = Path.Combine(_stack.Dir, "jobs", id, "result.json");
        return File.Exists(jobs) ? JsonDocument.Parse(File.ReadAllBytes(jobs)).RootElement.GetProperty("state").GetString() : "running";
    }

    private JsonElement State(string id) => _d.Json($"/containers/{id}/json").GetProperty("State");

    [Fact]
    public void Rpc_ChangesOverTheCap_ClearErrorAndRpcdAnswersTheNextCall()
    {
        var rpc = new LuciRpc(_stack, _stack.LoginAdmin());
        string name = DaemonObjects.Unique("so");
        _d.RunContainer(name, ["sh", "-c",
            "mkdir /many; n=a-file-with-a-name-long-enough-to-make-the-list-of-changes-larger-than-what-rpcd-passes-on-in-fewer-files; " +
            "i=0; while [ $i -lt 2500 ]; do : > /many/$n-$n-$i; i=$((i+1)); done"]);

        JsonElement over = rpc.Expect(413, "docker.container", "changes", $$"""{"id":"{{name}}"}""");

        Assert.Contains($"GET /cgi-bin/dockerman/admin/docker/container/changes/{name} streams it", over.GetProperty("message").GetString(),
            StringComparison.Ordinal);
        Assert.Equal("OK", rpc.Expect(200, "docker", "ping").GetString());
        Assert.Equal(JsonValueKind.Array, rpc.Expect(200, "docker.container", "list").ValueKind);
    }

    [Fact]
    public void Rpc_ReadOnlySession_ListsButGetsAccessDeniedForRemove()
    {
        var viewer = new LuciRpc(_stack, _stack.LoginViewer());
        string id = _d.CreateContainer(DaemonObjects.Unique("sr"), ["true"]);

        JsonElement list = viewer.Expect(200, "docker.container", "list", """{"query":{"all":true}}""");
        JsonElement remove = viewer.Send("docker.container", "remove", $$$"""{"id":"{{{id}}}","query":{"force":true}}""");

        Assert.Contains(list.EnumerateArray(), c => c.GetProperty("Id").GetString() == id);
        // /ubus asks rpcd's session.access before the call: JSON-RPC "Access denied", nothing reaches the plugin.
        Assert.True(remove.ValueKind == JsonValueKind.Object && remove.GetProperty("code").GetInt32() == -32002, remove.ToString());
        Assert.True(_d.Exists($"/containers/{id}/json"));
    }

    [Fact]
    public void Rpc_AsRpcDeclareSendsObjectTemplates_EmptyArgumentsGetAClearError()
    {
        // LuCI's rpc.declare() maps arguments only from an array of names; the pages declare an object
        // template, so what reaches ubus is {} whatever the page passed.
        var rpc = new LuciRpc(_stack, _stack.LoginAdmin());

        JsonElement inspect = rpc.Expect(400, "docker.container", "inspect");
        JsonElement list = rpc.Expect(200, "docker.container", "list");

        Assert.Contains("argument 'id'", inspect.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Array, list.ValueKind);
    }

    [Fact]
    public void RootBusClient_CallAndLookup_ReachThePlugin()
    {
        string id = _d.CreateContainer(DaemonObjects.Unique("su"), ["true"]);

        // As `ubus call` and `ubus -v list` in a root shell on the router: no session, no ACL.
        UbusAnswer list = _stack.Call("docker.container", "list", """{"query":{"all":true}}""");
        Dictionary<string, Dictionary<string, string>> signatures = _stack.Signatures("docker.container");

        Assert.True(list.Status == 0, $"status {list.Status}\n{_stack.Log}");
        JsonElement reply = list.Data!.Value;
        Assert.Equal(200, reply.GetProperty("code").GetInt32());
        Assert.Contains(reply.GetProperty("body").EnumerateArray(), c => c.GetProperty("Id").GetString() == id);
        Assert.Equal(new Dictionary<string, string> { ["id"] = "String", ["cmd"] = "String", ["port"] = "Integer", ["uid"] = "String" },
            signatures["ttyd_start"]);
    }
}
