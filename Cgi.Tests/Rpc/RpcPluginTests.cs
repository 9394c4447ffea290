using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Dockerman.Tests.Support;
using Xunit;

namespace Dockerman.Tests.Rpc;

/// <summary>
/// The published binary as rpcd's exec plugin: run through links named after the ubus objects, with
/// <c>list</c> and <c>call &lt;method&gt;</c> and the arguments on stdin, against the private dockerd,
/// each call checked by its effect on the daemon.
/// </summary>
[Collection(DaemonCollection.Name)]
public sealed class RpcPluginTests : IDisposable
{
    private readonly DockerDaemon _daemon;
    private readonly DaemonObjects _d;
    private readonly RpcPluginRunner _rpc;

    public RpcPluginTests(DockerDaemon daemon)
    {
        _daemon = daemon;
        _d = new DaemonObjects(daemon);
        _rpc = new RpcPluginRunner(daemon.Host);
    }

    private readonly List<string> _dirs = [];

    public void Dispose()
    {
        _d.Dispose();
        _rpc.Dispose();
        foreach (string dir in _dirs)
        {
            Directory.Delete(dir, true);
        }
    }

    /// <summary>A settings folder of this test's own, removed when it ends.</summary>
    private string TempDir(string prefix)
    {
        string dir = Paths.TempDir(prefix);
        _dirs.Add(dir);
        return dir;
    }

    /// <summary>Every object and method of luci-app-dockerman's rpcd plugin (docker_rpc.uc).</summary>
    public static TheoryData<string, string> ReferenceMethods => new()
    {
        { "docker", "version info ping df events" },
        { "docker.container", "list create inspect top logs changes export stats resize start stop restart kill update rename " +
                              "pause unpause remove info_archive get_archive put_archive exec prune ttyd_start" },
        { "docker.exec", "start resize inspect" },
        { "docker.image", "list build build_prune create inspect history push tag remove search prune get load" },
        { "docker.network", "list inspect remove create connect disconnect prune" },
        { "docker.volume", "list create inspect update remove prune" },
    };

    [Theory]
    [MemberData(nameof(ReferenceMethods))]
    public void List_EachObject_OffersEveryMethodOfTheReferencePlugin(string obj, string methods)
    {
        RpcResult r = _rpc.List(obj);

        Assert.True(r.ExitCode == 0, r.ToString());
        JsonElement list = r.Json;
        foreach (string m in methods.Split(' '))
        {
            Assert.True(list.TryGetProperty(m, out JsonElement sig), $"{obj} lacks {m}: {r.Text}");
            Assert.Equal(JsonValueKind.Object, sig.ValueKind);
        }
    }

    /// <summary>The swarm's objects, which the reference plugin does not have: one method per swarm route.</summary>
    public static TheoryData<string, string> SwarmMethods => new()
    {
        { "docker.swarm", "inspect init join leave update unlockkey unlock" },
        { "docker.node", "list inspect update remove" },
        { "docker.service", "list create inspect update remove logs" },
        { "docker.task", "list inspect logs" },
        { "docker.secret", "list create inspect update remove" },
        { "docker.config", "list create inspect update remove" },
    };

    [Theory]
    [MemberData(nameof(SwarmMethods))]
    public void List_SwarmObject_OffersExactlyItsRoutes(string obj, string methods)
    {
        RpcResult r = _rpc.List(obj);

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(methods.Split(' ').Order(StringComparer.Ordinal),
            r.Json.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("docker.service", "create", "body:Object headers:Object")]
    [InlineData("docker.service", "update", "id:String query:Object body:Object headers:Object")]
    [InlineData("docker.service", "logs", "id:String query:Object")]
    [InlineData("docker.node", "update", "id:String query:Object body:Object")]
    [InlineData("docker.swarm", "join", "body:Object")]
    [InlineData("docker.container", "inspect", "id:String query:Object")]
    [InlineData("docker.container", "create", "query:Object body:Object")]
    [InlineData("docker.container", "exec", "id:String opts:Object")]
    [InlineData("docker.container", "ttyd_start", "id:String cmd:String port:Number uid:String")]
    [InlineData("docker.container", "changes", "id:String")]
    [InlineData("docker.image", "push", "name:String query:Object headers:Object")]
    [InlineData("docker.image", "create", "query:Object headers:Object")]
    [InlineData("docker.volume", "create", "opts:Object")]
    [InlineData("docker.volume", "update", "id:String query:Object spec:Object")]
    [InlineData("docker.network", "connect", "id:String body:Object")]
    [InlineData("docker", "events", "query:Object")]
    public void List_Method_ArgumentsNamedAndTypedAsTheReferenceTemplates(string obj, string method, string args)
    {
        JsonElement sig = _rpc.List(obj).Json.GetProperty(method);

        foreach (string arg in args.Split(' '))
        {
            string[] nameType = arg.Split(':');
            Assert.True(sig.TryGetProperty(nameType[0], out JsonElement v), $"{obj}.{method} lacks '{nameType[0]}': {sig}");
            Assert.Equal(Enum.Parse<JsonValueKind>(nameType[1]), v.ValueKind);
        }
    }

    [Fact]
    public void List_BinaryUnderItsOwnName_IsNoPlugin()
    {
        CgiReply r = CgiRunner.Exec(new Dictionary<string, string>(), null, TimeSpan.FromSeconds(10), "list");

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("unknown argument 'list'", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Call_VersionWithAWebServersEnvironment_AnswersWithoutCredentials()
    {
        // rpcd checked the caller's ACL: a stray GATEWAY_INTERFACE in rpcd's environment must not ask for more.
        _rpc.Environment["GATEWAY_INTERFACE"] = "CGI/1.1";

        RpcResult r = _rpc.Call("docker", "version");

        Assert.True(r.Code == 200, r.ToString());
        Assert.Equal("1.41", r.Body.GetProperty("ApiVersion").GetString());
        Assert.Equal("application/json", r.Json.GetProperty("headers").GetProperty("content-type").GetString());
    }

    [Fact]
    public void Call_ContainerLifeCycle_EachMethodActsOnTheDaemon()
    {
        string name = _d.Container(DaemonObjects.Unique("rl"));
        RpcResult created = _rpc.Call("docker.container", "create",
            $$$"""{"query":{"name":"{{{name}}}","platform":""},"body":{"Image":"testbox:1","Cmd":["sleep","300"]}}""");
        Assert.True(created.Code == 201, created.ToString());
        string id = created.Body.GetProperty("Id").GetString()!;

        Assert.Equal(204, _rpc.Call("docker.container", "start", $$$"""{"id":"{{{name}}}","query":{}}""").Code);
        Assert.True(State(id).GetProperty("Running").GetBoolean());

        RpcResult top = _rpc.Call("docker.container", "top", $$$"""{"id":"{{{name}}}","query":{"ps_args":""}}""");
        Assert.Contains(top.Body.GetProperty("Processes").EnumerateArray(), p => p.ToString().Contains("sleep", StringComparison.Ordinal));

        Assert.Equal(204, _rpc.Call("docker.container", "pause", $$"""{"id":"{{name}}"}""").Code);
        Assert.True(State(id).GetProperty("Paused").GetBoolean());
        Assert.Equal(204, _rpc.Call("docker.container", "unpause", $$"""{"id":"{{name}}"}""").Code);
        Assert.False(State(id).GetProperty("Paused").GetBoolean());

        RpcResult update = _rpc.Call("docker.container", "update",
            $$$$"""{"id":"{{{{name}}}}","body":{"RestartPolicy":{"Name":"on-failure","MaximumRetryCount":3}}}""");
        Assert.True(update.Code == 200, update.ToString());
        Assert.Equal(3, _d.Json($"/containers/{id}/json").GetProperty("HostConfig").GetProperty("RestartPolicy")
            .GetProperty("MaximumRetryCount").GetInt32());

        string renamed = _d.Container(name + "-b");
        Assert.Equal(204, _rpc.Call("docker.container", "rename", $$$"""{"id":"{{{name}}}","query":{"name":"{{{renamed}}}"}}""").Code);
        Assert.Equal("/" + renamed, _d.Json($"/containers/{id}/json").GetProperty("Name").GetString());

        string started = State(id).GetProperty("StartedAt").GetString()!;
        Assert.Equal(204, _rpc.Call("docker.container", "restart", $$$"""{"id":"{{{id}}}","query":{"signal":"","t":0}}""").Code);
        Assert.NotEqual(started, State(id).GetProperty("StartedAt").GetString());

        Assert.Equal(204, _rpc.Call("docker.container", "kill", $$$"""{"id":"{{{id}}}","query":{"signal":"SIGKILL"}}""").Code);
        DaemonObjects.WaitFor(() => !State(id).GetProperty("Running").GetBoolean(), "the killed container to stop");

        Assert.Equal(204, _rpc.Call("docker.container", "remove", $$$"""{"id":"{{{id}}}","query":{"v":false,"force":true,"link":false}}""").Code);
        Assert.False(_d.Exists($"/containers/{id}/json"));
    }

    private JsonElement State(string id) => _d.Json($"/containers/{id}/json").GetProperty("State");

    [Fact]
    public void Call_ListAndInspect_BodyIsTheDaemonsJson()
    {
        string id = _d.CreateContainer(DaemonObjects.Unique("li"), ["true"]);

        RpcResult list = _rpc.Call("docker.container", "list", """{"query":{"all":true,"limit":false,"size":false,"filters":""}}""");
        RpcResult running = _rpc.Call("docker.container", "list");
        RpcResult inspect = _rpc.Call("docker.container", "inspect", $$$"""{"id":"{{{id}}}","query":{"size":true}}""");

        Assert.Contains(list.Body.EnumerateArray(), c => c.GetProperty("Id").GetString() == id);
        Assert.DoesNotContain(running.Body.EnumerateArray(), c => c.GetProperty("Id").GetString() == id);
        Assert.Equal(id, inspect.Body.GetProperty("Id").GetString());
        Assert.True(inspect.Body.TryGetProperty("SizeRootFs", out _), "query.size did not reach the daemon: " + inspect);
    }

    [Fact]
    public void Call_LogsOfAContainerWithoutTty_TextWithTheFramesUnwrapped()
    {
        string id = _d.RunContainer(DaemonObjects.Unique("lg"), ["sh", "-c", "echo one; echo two >&2; echo three"]);

        RpcResult r = _rpc.Call("docker.container", "logs",
            $$$"""{"id":"{{{id}}}","query":{"tail":100,"stdout":1,"stderr":1,"follow":0,"timestamps":0}}""");

        Assert.True(r.Code == 200, r.ToString());
        string text = r.Body.GetString()!;
        Assert.Equal(["one", "three", "two"], text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order());
        Assert.DoesNotContain('\u0001', text);
    }

    [Fact]
    public void Call_FollowedLogs_EndAtTheStreamDeadlineWithACompleteReply()
    {
        string config = TempDir("rpcf");
        File.WriteAllText(Path.Combine(config, "dockerman"), "config dockerman 'main'\n\toption stream_deadline '2'\n");
        _rpc.Environment["DOCKERMAN_CONFIG_DIR"] = config;
        string id = _d.CreateContainer(DaemonObjects.Unique("lf"), ["sh", "-c", "echo ready; sleep 300"], start: true);

        var clock = Stopwatch.StartNew();
        RpcResult r = _rpc.Call("docker.container", "logs", $$$"""{"id":"{{{id}}}","query":{"follow":true,"stdout":true}}""");

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        Assert.True(r.Code == 200, r.ToString());
        Assert.Equal("ready\n", r.Body.GetString());
    }

    [Fact]
    public void Call_EventsUntilNow_AnArrayOfEvents()
    {
        string name = DaemonObjects.Unique("ev");
        _d.CreateContainer(name, ["true"]);
        long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1;

        RpcResult r = _rpc.Call("docker", "events", $$$$"""{"query":{"since":"0","until":"{{{{now}}}}","filters":{"container":["{{{{name}}}}"]}}}""");

        Assert.True(r.Code == 200, r.ToString());
        JsonElement create = Assert.Single(r.Body.EnumerateArray());
        Assert.Equal("create", create.GetProperty("Action").GetString());
    }

    [Fact]
    public void Call_StatsOneShot_OneDocument()
    {
        string id = _d.CreateContainer(DaemonObjects.Unique("st"), ["sleep", "300"], start: true);

        RpcResult r = _rpc.Call("docker.container", "stats", $$$"""{"id":"{{{id}}}","query":{"stream":false,"one-shot":true}}""");

        Assert.True(r.Code == 200, r.ToString());
        Assert.Equal(JsonValueKind.Object, r.Body.ValueKind);
        Assert.True(r.Body.TryGetProperty("memory_stats", out _), r.ToString());
    }

    [Fact]
    public void Call_ChangesLargerThanTheCap_413NamingTheHttpRouteThatStreamsIt()
    {
        string name = DaemonObjects.Unique("ch");
        // 2500 changed paths of some 230 bytes each: well over 256 KiB as JSON.
        _d.RunContainer(name, ["sh", "-c",
            "mkdir /many; n=a-file-with-a-name-long-enough-to-make-the-list-of-changes-larger-than-what-rpcd-passes-on-in-fewer-files; " +
            "i=0; while [ $i -lt 2500 ]; do : > /many/$n-$n-$i; i=$((i+1)); done"]);

        RpcResult r = _rpc.Call("docker.container", "changes", $$"""{"id":"{{name}}"}""");

        Assert.True(r.Output.Length <= 256 * 1024, $"{r.Output.Length} bytes");
        Assert.True(r.Code == 413, r.ToString());
        Assert.Contains($"GET /cgi-bin/dockerman/admin/docker/container/changes/{name} streams it", r.Message, StringComparison.Ordinal);
        CgiReply http = new CgiRunner(_daemon.Host).Get($"container/changes/{name}");
        Assert.True(http.Body.Length > 256 * 1024, "the changes were not over the cap after all");
        Assert.True(DaemonObjects.Parse(http).GetArrayLength() > 2500);
    }

    [Fact]
    public void Call_GetArchive_BinaryReplyNamesTheDownloadRoute()
    {
        string id = _d.CreateContainer(DaemonObjects.Unique("ga"), ["true"]);

        RpcResult r = _rpc.Call("docker.container", "get_archive", $$$"""{"id":"{{{id}}}","query":{"path":"/bin/busybox"}}""");
        RpcResult small = _rpc.Call("docker.container", "get_archive", $$$"""{"id":"{{{id}}}","query":{"path":"/etc"}}""");

        Assert.True(r.Code == 413, r.ToString());
        Assert.Contains($"GET /cgi-bin/dockerman/admin/docker/container/get_archive/{id}?path=%2Fbin%2Fbusybox streams it", r.Message,
            StringComparison.Ordinal);
        Assert.True(small.Code is 406 or 404, small.ToString());
    }

    [Fact]
    public void Call_InfoArchive_PathStatInTheHeaders()
    {
        string id = _d.CreateContainer(DaemonObjects.Unique("ia"), ["true"]);

        RpcResult r = _rpc.Call("docker.container", "info_archive", $$$"""{"id":"{{{id}}}","query":{"path":"/bin"}}""");

        Assert.True(r.Code == 200, r.ToString());
        string stat = r.Json.GetProperty("headers").GetProperty("x-docker-container-path-stat").GetString()!;
        using JsonDocument info = JsonDocument.Parse(Convert.FromBase64String(stat));
        Assert.Equal("bin", info.RootElement.GetProperty("name").GetString());
    }

    [Theory]
    [InlineData("docker.container", "inspect", "{}", 400, "argument 'id'")]
    [InlineData("docker.container", "inspect", "[1]", 400, "arguments: expected a JSON object")]
    [InlineData("docker.container", "inspect", "{\"id\":", 400, "arguments: not well-formed JSON")]
    [InlineData("docker.container", "list", """{"query":{"limit":"many"}}""", 400, "query parameter 'limit'")]
    [InlineData("docker.container", "list", """{"query":"all"}""", 400, "argument 'query'")]
    [InlineData("docker.container", "create", """{"body":"not json"}""", 400, "request body")]
    [InlineData("docker.container", "inspect", """{"id":"no such container"}""", 400, "id")]
    [InlineData("docker.container", "no_such_method", "{}", 404, "docker.container has no method 'no_such_method'")]
    [InlineData("docker.image", "inspect", """{"id":"nosuchimage:0"}""", 404, "No such image")]
    public void Call_BadArguments_ErrorInTheReplyShape(string obj, string method, string args, int code, string message)
    {
        RpcResult r = _rpc.Call(obj, method, args);

        Assert.True(r.Code == code, r.ToString());
        Assert.Contains(message, r.Message, StringComparison.Ordinal);
        Assert.Equal(1, r.ExitCode);
    }

    [Fact]
    public void Call_Exec_CreateStartInspect()
    {
        string id = _d.CreateContainer(DaemonObjects.Unique("ex"), ["sleep", "300"], start: true);

        RpcResult created = _rpc.Call("docker.container", "exec",
            $$$"""{"id":"{{{id}}}","opts":{"Cmd":["sh","-c","echo out; echo err >&2; exit 3"],"AttachStdout":true,"AttachStderr":true}}""");
        Assert.True(created.Code == 201, created.ToString());
        string exec = created.Body.GetProperty("Id").GetString()!;
        RpcResult started = _rpc.Call("docker.exec", "start", $$$"""{"id":"{{{exec}}}","body":{"Detach":false,"Tty":false}}""");
        RpcResult inspect = _rpc.Call("docker.exec", "inspect", $$"""{"id":"{{exec}}"}""");
        RpcResult resize = _rpc.Call("docker.exec", "resize", $$$"""{"id":"{{{exec}}}","query":{"h":24,"w":80}}""");

        Assert.True(started.Code == 200, started.ToString());
        Assert.Equal(["err", "out"], started.Body.GetString()!.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order());
        Assert.Equal(3, inspect.Body.GetProperty("ExitCode").GetInt32());
        Assert.True(resize.Code >= 200, resize.ToString()); // the daemon's own answer, whatever it is, in the reply's shape
    }

    [Fact]
    public void Call_ImageMethods_TagInspectHistoryListRemovePrune()
    {
        string repo = "rpc-" + Guid.NewGuid().ToString("N")[..8];
        _d.Image(repo + ":v1");

        Assert.Equal(201, _rpc.Call("docker.image", "tag", $$$"""{"id":"testbox:1","query":{"repo":"{{{repo}}}","tag":"v1"}}""").Code);
        Assert.True(_d.Exists($"/images/{repo}:v1/json"));
        RpcResult inspect = _rpc.Call("docker.image", "inspect", $$"""{"id":"{{repo}}:v1"}""");
        RpcResult history = _rpc.Call("docker.image", "history", $$"""{"id":"{{repo}}:v1"}""");
        RpcResult list = _rpc.Call("docker.image", "list", """{"query":{"all":false,"digests":false,"filters":{"reference":["rpc-*"]}}}""");
        Assert.Contains($"{repo}:v1", inspect.Body.GetProperty("RepoTags").EnumerateArray().Select(t => t.GetString()));
        Assert.True(history.Body.GetArrayLength() >= 1, history.ToString());
        Assert.Contains(list.Body.EnumerateArray(), i => i.GetProperty("RepoTags").ToString().Contains(repo, StringComparison.Ordinal));

        RpcResult removed = _rpc.Call("docker.image", "remove", $$$"""{"id":"{{{repo}}}:v1","query":{"force":false,"noprune":false}}""");
        Assert.True(removed.Code == 200, removed.ToString());
        Assert.False(_d.Exists($"/images/{repo}:v1/json"));

        string dangling = _d.ImportImage();
        RpcResult pruned = _rpc.Call("docker.image", "prune", """{"query":{"filters":{"dangling":["true"]}}}""");
        Assert.True(pruned.Code == 200, pruned.ToString());
        Assert.False(_d.Exists($"/images/{dangling}/json"));
    }

    [Fact]
    public void Call_PushThenPull_BackgroundJobsSaySoInTheReply()
    {
        using var registry = new Registry();
        string jobs = TempDir("rpcj");
        File.WriteAllText(Path.Combine(jobs, "dockerman"), $"config dockerman 'main'\n\toption jobs_dir '{jobs}/jobs'\n");
        _rpc.Environment["DOCKERMAN_CONFIG_DIR"] = jobs;
        string repo = $"{registry.Host}/testbox";
        string tag = "t" + Guid.NewGuid().ToString("N")[..8];
        _d.Image($"{repo}:{tag}");
        Assert.Equal(201, _daemon.Status("POST", $"/images/{DockerDaemon.Image}/tag?repo={repo}&tag={tag}"));

        // As the pages send it: X-Registry-Auth in standard base64 under headers.
        string auth = Convert.ToBase64String("{\"username\":\"u?>\",\"password\":\"p\"}"u8.ToArray());
        RpcResult push = _rpc.Call("docker.image", "push",
            $$$"""{"name":"{{{repo}}}","query":{"tag":"{{{tag}}}","platform":""},"headers":{"X-Registry-Auth":"{{{auth}}}"}}""");
        Assert.True(push.Code == 200, push.ToString());
        JsonElement job = push.Json.GetProperty("job");
        string id = job.GetProperty("id").GetString()!;
        Assert.Equal(id, push.Json.GetProperty("headers").GetProperty("x-dockerman-job").GetString());
        Assert.Contains($"/cgi-bin/dockerman/admin/docker/job/get/{id}?offset=", job.GetProperty("progress").GetString(), StringComparison.Ordinal);
        Assert.Contains(push.Body.EnumerateArray(), l => l.TryGetProperty("status", out _));
        DaemonObjects.WaitFor(() => JobState(jobs, id) == "done", "the push job to finish", 90);

        Assert.Equal(200, _daemon.Status("DELETE", $"/images/{repo}:{tag}"));
        RpcResult pull = _rpc.Call("docker.image", "create", $$$"""{"query":{"fromImage":"{{{repo}}}","tag":"{{{tag}}}"},"headers":{}}""");
        Assert.True(pull.Code == 200, pull.ToString());
        string pullId = pull.Json.GetProperty("job").GetProperty("id").GetString()!;
        DaemonObjects.WaitFor(() => JobState(jobs, pullId) == "done", "the pull job to finish", 90);
        Assert.True(_d.Exists($"/images/{repo}:{tag}/json"));
    }

    private static string? JobState(string configDir, string id)
    {
        var vars = new Dictionary<string, string>
        {
            ["DOCKERMAN_CONFIG_DIR"] = configDir,
            ["REQUEST_METHOD"] = "GET",
            ["PATH_INFO"] = "/admin/docker/job/list",
        };
        CgiReply list = CgiRunner.Exec(vars, null, TimeSpan.FromSeconds(30));
        foreach (JsonElement j in DaemonObjects.Parse(list).EnumerateArray())
        {
            if (j.GetProperty("id").GetString() == id)
            {
                return j.GetProperty("state").GetString();
            }
        }

        return null;
    }

    [Fact]
    public void Call_NetworkMethods_CreateConnectDisconnectRemovePrune()
    {
        string net = _d.Network(DaemonObjects.Unique("rn"));
        string container = _d.CreateContainer(DaemonObjects.Unique("nc"), ["sleep", "300"], start: true);

        RpcResult created = _rpc.Call("docker.network", "create", $$$"""{"body":{"Name":"{{{net}}}","Driver":"bridge","Internal":true}}""");
        Assert.True(created.Code == 201, created.ToString());
        string netId = created.Body.GetProperty("Id").GetString()!;
        Assert.Equal(200, _rpc.Call("docker.network", "connect", $$$"""{"id":"{{{net}}}","body":{"Container":"{{{container}}}"}}""").Code);
        RpcResult inspect = _rpc.Call("docker.network", "inspect", $$$"""{"id":"{{{net}}}","query":{"verbose":false,"scope":""}}""");
        Assert.True(inspect.Body.GetProperty("Containers").TryGetProperty(container, out _), inspect.ToString());
        Assert.Equal(200, _rpc.Call("docker.network", "disconnect", $$$"""{"id":"{{{net}}}","body":{"Container":"{{{container}}}","Force":true}}""").Code);
        RpcResult list = _rpc.Call("docker.network", "list", $$$$"""{"query":{"filters":{"name":["{{{{net}}}}"]}}}""");
        Assert.Equal(netId, Assert.Single(list.Body.EnumerateArray()).GetProperty("Id").GetString());
        Assert.Equal(204, _rpc.Call("docker.network", "remove", $$"""{"id":"{{netId}}"}""").Code);
        Assert.False(_d.Exists($"/networks/{netId}"));

        string unused = _d.Network(DaemonObjects.Unique("rp"));
        Assert.Equal(201, _d.Send("POST", "/networks/create", new Dictionary<string, object> { ["Name"] = unused, ["Internal"] = true }).Status);
        RpcResult pruned = _rpc.Call("docker.network", "prune", """{"query":{"filters":""}}""");
        Assert.True(pruned.Code == 200, pruned.ToString());
        Assert.Contains(unused, pruned.Body.GetProperty("NetworksDeleted").EnumerateArray().Select(n => n.GetString()));
    }

    [Fact]
    public void Call_VolumeMethods_CreateInspectListUpdateRemovePrune()
    {
        string vol = _d.Volume(DaemonObjects.Unique("rv"));

        RpcResult created = _rpc.Call("docker.volume", "create", $$$$"""{"opts":{"Name":"{{{{vol}}}}","Labels":{"by":"rpc"}}}""");
        Assert.True(created.Code == 201, created.ToString());
        Assert.Equal("rpc", _d.Json($"/volumes/{vol}").GetProperty("Labels").GetProperty("by").GetString());
        Assert.Equal(vol, _rpc.Call("docker.volume", "inspect", $$"""{"id":"{{vol}}"}""").Body.GetProperty("Name").GetString());
        RpcResult list = _rpc.Call("docker.volume", "list", $$$$"""{"query":{"filters":{"name":["{{{{vol}}}}"]}}}""");
        Assert.Equal(vol, Assert.Single(list.Body.GetProperty("Volumes").EnumerateArray()).GetProperty("Name").GetString());
        // Only cluster volumes can be updated: the daemon's refusal comes back as it is.
        RpcResult update = _rpc.Call("docker.volume", "update", $$$"""{"id":"{{{vol}}}","query":{"version":1},"spec":{}}""");
        Assert.True(update.Code >= 400 && update.Body.TryGetProperty("message", out _), update.ToString());

        Assert.Equal(204, _rpc.Call("docker.volume", "remove", $$$"""{"id":"{{{vol}}}","query":{"force":false}}""").Code);
        Assert.False(_d.Exists($"/volumes/{vol}"));

        string unused = _d.Volume(DaemonObjects.Unique("ru"));
        Assert.Equal(201, _d.Send("POST", "/volumes/create", new Dictionary<string, object> { ["Name"] = unused }).Status);
        RpcResult pruned = _rpc.Call("docker.volume", "prune", """{"query":{"filters":""}}""");
        Assert.True(pruned.Code == 200, pruned.ToString());
        Assert.False(_d.Exists($"/volumes/{unused}"));
    }

    [Fact]
    public void Call_TtydStart_StartsTheConsoleAsTheHttpRouteDoes()
    {
        string dir = TempDir("rpct");
        string fake = Path.Combine(dir, "ttyd");
        File.WriteAllText(fake, $"#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done > {dir}/argv.tmp\nmv {dir}/argv.tmp {dir}/argv\nsleep 30\n");
        File.SetUnixFileMode(fake, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.WriteAllText(Path.Combine(dir, "dockerman"), $"config dockerman 'main'\n\toption ttyd '{fake}'\n\toption jobs_dir '{dir}/run/jobs'\n");
        _rpc.Environment["DOCKERMAN_CONFIG_DIR"] = dir;
        string name = DaemonObjects.Unique("tt");
        _d.CreateContainer(name, ["sleep", "300"], start: true);

        RpcResult r = _rpc.Call("docker.container", "ttyd_start", $$"""{"id":"{{name}}","cmd":"/bin/sh","port":7798,"uid":""}""");

        Assert.True(r.Code == 200, r.ToString());
        Assert.Equal(7798, r.Body.GetProperty("port").GetInt32());
        int pid = r.Body.GetProperty("pid").GetInt32();
        DaemonObjects.WaitFor(() => File.Exists(Path.Combine(dir, "argv")), "the console to start");
        Assert.Equal(["-q", "-d", "2", "--once", "--writable", "-p", "7798", "/usr/bin/docker", "-H", _daemon.Host, "exec", "-it", name, "/bin/sh"],
            File.ReadAllLines(Path.Combine(dir, "argv")));
        Process.GetProcessById(pid).Kill();
    }

    [Fact]
    public void Call_Upload_415NamingTheHttpRouteThatTakesTheArchive()
    {
        string id = _d.CreateContainer(DaemonObjects.Unique("pa"), ["true"]);
        string tar = Encoding.UTF8.GetString(Tars.Build(("hello.txt", "from rpc\n")));

        RpcResult r = _rpc.Call("docker.container", "put_archive",
            $$"""{"id":"{{id}}","query":{"path":"/tmp","noOverwriteDirNonDir":"","copyUIDGID":""},"body":{{JsonSerializer.Serialize(tar)}}}""");
        RpcResult import = _rpc.Call("docker.image", "create", """{"query":{"fromSrc":"-","repo":"x"}}""");

        Assert.True(r.Code == 415, r.ToString());
        Assert.Contains($"POST /cgi-bin/dockerman/admin/docker/container/put_archive/{id}?path=%2Ftmp uploads it", r.Message, StringComparison.Ordinal);
        Assert.False(_d.Exists($"/containers/{id}/archive?path=/tmp/hello.txt"), "the archive reached the daemon");
        Assert.True(import.Code == 415, import.ToString());
    }
}
