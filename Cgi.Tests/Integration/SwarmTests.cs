using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dockerman.Tests.Support;
using Xunit;

namespace Dockerman.Tests.Integration;

/// <summary>
/// The swarm routes through the published binary on a real two-node swarm (<see cref="SwarmCluster"/>):
/// init and join, services spread over both nodes, scaled, updated, rolled back, drained, their logs as
/// text; secrets and configs used by a service; a worker that leaves and joins again.
/// </summary>
[Collection(SwarmCollection.Name)]
public sealed class SwarmTests(SwarmCluster swarm)
{
    private const string SecondImage = DockerDaemon.SecondImage;

    private CgiRunner Cgi => swarm.ManagerCgi;

    private static string Filters(string json) => "filters=" + Uri.EscapeDataString(json);

    /// <summary>Tasks of a service the orchestrator wants running and that run, through task/list.</summary>
    private List<JsonElement> RunningTasks(string service)
    {
        CgiReply list = Cgi.Get("task/list", Filters($$"""{"service":["{{service}}"],"desired-state":["running"]}"""));
        Assert.True(list.Status == 200, list.ToString());
        return [.. DaemonObjects.Parse(list).EnumerateArray()
            .Where(t => t.GetProperty("Status").GetProperty("State").GetString() == "running")];
    }

    private static string Image(JsonElement task) =>
        task.GetProperty("Spec").GetProperty("ContainerSpec").GetProperty("Image").GetString()!;

    private static string NodeOf(JsonElement task) => task.GetProperty("NodeID").GetString()!;

    /// <summary>A service's spec as service/inspect gives it, and the version an update must name.</summary>
    private (JsonNode Spec, long Version) Inspect(string service)
    {
        CgiReply inspect = Cgi.Get($"service/inspect/{service}");
        Assert.True(inspect.Status == 200, inspect.ToString());
        JsonNode node = JsonNode.Parse(inspect.Text)!;
        return (node["Spec"]!, node["Version"]!["Index"]!.GetValue<long>());
    }

    private void Update(string service, Action<JsonNode> change, string extraQuery = "")
    {
        (JsonNode spec, long version) = Inspect(service);
        change(spec);
        CgiReply update = Cgi.Post($"service/update/{service}", $"version={version}{extraQuery}", spec.ToJsonString());
        Assert.True(update.Status == 200, update.ToString());
    }

    private static string ServiceJson(string name, int replicas, string script, string extraContainerSpec = "") => $$$"""
        {"Name":"{{{name}}}","Labels":{"dm.test":"swarm"},
         "TaskTemplate":{"ContainerSpec":{"Image":"{{{DockerDaemon.Image}}}","Command":["/bin/sh","-c",{{{JsonSerializer.Serialize(script)}}}],
           "StopGracePeriod":2000000000{{{extraContainerSpec}}}},"RestartPolicy":{"Condition":"any","Delay":100000000}},
         "Mode":{"Replicated":{"Replicas":{{{replicas}}}}},
         "UpdateConfig":{"Parallelism":0},"RollbackConfig":{"Parallelism":0}}
        """;

    /// <summary>Prints a line, then waits to be stopped; TERM ends it at once.</summary>
    private const string Script = "trap 'exit 0' TERM; echo \"task on $(hostname)\"; while true; do sleep 1; done";

    [Fact]
    public void Init_ThroughDockerman_ReplyIsTheManagersNodeId()
    {
        Assert.True(swarm.InitReply.Status == 200, swarm.InitReply.ToString());
        string nodeId = DaemonObjects.Parse(swarm.InitReply).GetString()!;
        Assert.Equal(SwarmCluster.NodeId(swarm.Manager), nodeId);

        CgiReply inspect = Cgi.Get($"node/inspect/{nodeId}");

        Assert.True(inspect.Status == 200, inspect.ToString());
        JsonElement node = DaemonObjects.Parse(inspect);
        Assert.Equal("manager", node.GetProperty("Spec").GetProperty("Role").GetString());
        Assert.True(node.GetProperty("ManagerStatus").GetProperty("Leader").GetBoolean());
        Assert.Equal($"127.0.0.1:{swarm.ManagerPort}", node.GetProperty("ManagerStatus").GetProperty("Addr").GetString());
    }

    [Fact]
    public void Join_WithTheTokenInspectGave_WorkerIsASecondReadyNode()
    {
        Assert.True(swarm.JoinReply.Status == 200, swarm.JoinReply.ToString());
        Assert.StartsWith("SWMTKN-1-", swarm.FirstWorkerToken, StringComparison.Ordinal);

        CgiReply workers = Cgi.Get("node/list", Filters("""{"role":["worker"]}"""));

        Assert.True(workers.Status == 200, workers.ToString());
        JsonElement worker = Assert.Single(DaemonObjects.Parse(workers).EnumerateArray());
        Assert.Equal(SwarmCluster.NodeId(swarm.Worker), worker.GetProperty("ID").GetString());
        Assert.Equal("ready", worker.GetProperty("Status").GetProperty("State").GetString());
        Assert.Equal(2, swarm.Nodes().Count);

        // Cluster state lives on the managers: a worker's daemon refuses, and its refusal passes through.
        CgiReply onWorker = swarm.WorkerCgi.Get("service/list");
        Assert.True(onWorker.Status == 503, onWorker.ToString());
        Assert.Contains("not a swarm manager", DaemonObjects.Parse(onWorker).GetProperty("message").GetString()!, StringComparison.Ordinal);
    }

    [Fact]
    public void Update_RotateWorkerToken_InspectShowsANewToken()
    {
        string before = swarm.WorkerToken();
        CgiReply inspect = Cgi.Get("swarm/inspect");
        JsonNode info = JsonNode.Parse(inspect.Text)!;

        CgiReply update = Cgi.Post("swarm/update", $"version={info["Version"]!["Index"]}&rotateWorkerToken=1",
            info["Spec"]!.ToJsonString());

        Assert.True(update.Status == 200, update.ToString());
        string after = swarm.WorkerToken();
        Assert.NotEqual(before, after);
        Assert.StartsWith("SWMTKN-1-", after, StringComparison.Ordinal);
    }

    [Fact]
    public void Unlock_RestartedAutoLockedManager_UnlockedWithTheKeyUnlockKeyGave()
    {
        SetAutoLock(true);
        try
        {
            string key = DaemonObjects.Parse(Cgi.Get("swarm/unlockkey")).GetProperty("UnlockKey").GetString()!;
            swarm.Manager.Restart();
            SwarmCluster.Poll(() => LocalNodeState(swarm.Manager) == "locked", "the restarted manager locked");

            CgiReply wrong = Cgi.Post("swarm/unlock", "", """{"UnlockKey":"SWMKEY-1-notthekeyatallnotthekeyatallnotthekeyat"}""");
            Assert.True(wrong.Status >= 400, wrong.ToString());
            Assert.Equal("locked", LocalNodeState(swarm.Manager));

            CgiReply unlock = Cgi.Post("swarm/unlock", "", $$"""{"UnlockKey":"{{key}}"}""");

            Assert.True(unlock.Status == 200, unlock.ToString());
            Assert.DoesNotContain(key, unlock.Text + unlock.Stderr, StringComparison.Ordinal);
            SwarmCluster.Poll(() => LocalNodeState(swarm.Manager) == "active", "the manager active again");
            swarm.WaitForTwoReadyNodes();
        }
        finally
        {
            SetAutoLock(false);
        }
    }

    private static string? LocalNodeState(DockerDaemon daemon) =>
        daemon.GetJson("/info").GetProperty("Swarm").GetProperty("LocalNodeState").GetString();

    [Fact]
    public void UnlockKey_AutoLockOn_KeyShownRotatedAndUnlockOfAnUnlockedSwarmRelaysTheRefusal()
    {
        SetAutoLock(true);
        try
        {
            CgiReply key = Cgi.Get("swarm/unlockkey");
            Assert.True(key.Status == 200, key.ToString());
            string first = DaemonObjects.Parse(key).GetProperty("UnlockKey").GetString()!;
            Assert.StartsWith("SWMKEY-1-", first, StringComparison.Ordinal);

            JsonNode info = JsonNode.Parse(Cgi.Get("swarm/inspect").Text)!;
            CgiReply rotate = Cgi.Post("swarm/update", $"version={info["Version"]!["Index"]}&rotateManagerUnlockKey=true",
                info["Spec"]!.ToJsonString());
            Assert.True(rotate.Status == 200, rotate.ToString());
            string second = DaemonObjects.Parse(Cgi.Get("swarm/unlockkey")).GetProperty("UnlockKey").GetString()!;
            Assert.NotEqual(first, second);

            CgiReply unlock = Cgi.Post("swarm/unlock", "", $$"""{"UnlockKey":"{{second}}"}""");

            // The manager is not locked (its daemon has not restarted): the daemon says so, and its
            // status and message pass through.
            Assert.True(unlock.Status >= 400, unlock.ToString());
            Assert.Contains("not locked", DaemonObjects.Parse(unlock).GetProperty("message").GetString()!, StringComparison.Ordinal);
            Assert.DoesNotContain(second, unlock.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            SetAutoLock(false);
        }
    }

    private void SetAutoLock(bool on)
    {
        JsonNode info = JsonNode.Parse(Cgi.Get("swarm/inspect").Text)!;
        JsonNode spec = info["Spec"]!;
        spec["EncryptionConfig"] = new JsonObject { ["AutoLockManagers"] = on };
        CgiReply update = Cgi.Post("swarm/update", $"version={info["Version"]!["Index"]}", spec.ToJsonString());
        Assert.True(update.Status == 200, update.ToString());
    }

    [Fact]
    public void Service_TwoReplicas_OneTaskPerNodeThenScaledUpdatedRolledBackDrainedAndRemoved()
    {
        string name = DaemonObjects.Unique("web");
        string managerId = SwarmCluster.NodeId(swarm.Manager);
        string workerId = SwarmCluster.NodeId(swarm.Worker);
        try
        {
            CgiReply create = Cgi.Post("service/create", "", ServiceJson(name, 2, Script));
            Assert.True(create.Status == 201, create.ToString());
            string id = DaemonObjects.Parse(create).GetProperty("ID").GetString()!;

            // Two replicas: one task on each node.
            SwarmCluster.Poll(() => RunningTasks(name).Count == 2, "two running tasks");
            Assert.Equal(new[] { managerId, workerId }.Order(), RunningTasks(name).Select(NodeOf).Order());

            CgiReply listed = Cgi.Get("service/list", "status=1&" + Filters($$"""{"name":["{{name}}"]}"""));
            Assert.True(listed.Status == 200, listed.ToString());
            JsonElement service = Assert.Single(DaemonObjects.Parse(listed).EnumerateArray());
            Assert.Equal(id, service.GetProperty("ID").GetString());

            // Scale to three.
            Update(name, spec => spec["Mode"]!["Replicated"]!["Replicas"] = 3);
            SwarmCluster.Poll(() => RunningTasks(name).Count == 3, "three running tasks");

            // A new image: every running task is replaced by one of the second tag.
            Update(name, spec => spec["TaskTemplate"]!["ContainerSpec"]!["Image"] = SecondImage);
            SwarmCluster.Poll(() => RunningTasks(name) is { Count: 3 } t && t.All(x => Image(x) == SecondImage),
                $"three running tasks of {SecondImage}");

            // The logs of all tasks, both nodes, as text.
            CgiReply logs = Cgi.Get($"service/logs/{name}", "stdout=1&stderr=1&format=text");
            Assert.True(logs.Status == 200, logs.ToString());
            Assert.Equal("text/plain; charset=utf-8", logs.Header("Content-Type"));
            foreach (JsonElement task in RunningTasks(name))
            {
                string container = task.GetProperty("Status").GetProperty("ContainerStatus").GetProperty("ContainerID").GetString()!;
                string line = $"task on {container[..12]}\n";
                SwarmCluster.Poll(() => Cgi.Get($"service/logs/{id}", "stdout=1&format=text").Text.Contains(line, StringComparison.Ordinal),
                    $"'{line.Trim()}' in the service's logs");

                CgiReply taskLogs = Cgi.Get($"task/logs/{task.GetProperty("ID").GetString()}", "stdout=1&format=text");
                Assert.True(taskLogs.Status == 200, taskLogs.ToString());
                Assert.Equal(line, taskLogs.Text);

                CgiReply inspect = Cgi.Get($"task/inspect/{task.GetProperty("ID").GetString()}");
                Assert.True(inspect.Status == 200, inspect.ToString());
                Assert.Equal(id, DaemonObjects.Parse(inspect).GetProperty("ServiceID").GetString());
            }

            // Followed, the logs end cleanly at the stream deadline, as container logs do.
            string config = Paths.TempDir("swcfg");
            File.WriteAllText(Path.Combine(config, "dockerman"), "config dockerman 'main'\n\toption stream_deadline '2'\n");
            var clock = System.Diagnostics.Stopwatch.StartNew();
            CgiReply followed = new CgiRunner(swarm.Manager.Host, config).Get($"service/logs/{name}", "stdout=1&follow=1&format=text");
            Assert.True(followed.Status == 200 && followed.ExitCode == 0, followed.ToString());
            Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(1.5), $"ended after {clock.Elapsed}");
            Assert.Contains("task on ", followed.Text, StringComparison.Ordinal);
            Directory.Delete(config, true);

            // Back to the previous spec: the first image again.
            Update(name, _ => { }, "&rollback=previous");
            Assert.Equal(DockerDaemon.Image, Inspect(name).Spec["TaskTemplate"]!["ContainerSpec"]!["Image"]!.GetValue<string>());
            SwarmCluster.Poll(() => RunningTasks(name) is { Count: 3 } t && t.All(x => Image(x) == DockerDaemon.Image),
                $"three running tasks of {DockerDaemon.Image} after the rollback");

            // Drain the worker: its tasks move to the manager.
            Assert.Contains(workerId, RunningTasks(name).Select(NodeOf));
            SetAvailability(workerId, "drain");
            SwarmCluster.Poll(() => RunningTasks(name) is { Count: 3 } t && t.All(x => NodeOf(x) == managerId),
                "all three tasks on the manager");
            Assert.Empty(swarm.Worker.GetJson("/containers/json").EnumerateArray());

            CgiReply remove = Cgi.Run("DELETE", $"service/remove/{name}");
            Assert.True(remove.Status == 200, remove.ToString());
            Assert.Equal(404, Cgi.Get($"service/inspect/{name}").Status);
            SwarmCluster.Poll(() => swarm.Manager.GetJson("/containers/json").GetArrayLength() == 0, "the tasks' containers gone");
        }
        finally
        {
            SetAvailability(workerId, "active");
            swarm.Manager.Status("DELETE", $"/services/{name}");
        }
    }

    private void SetAvailability(string nodeId, string availability)
    {
        CgiReply inspect = Cgi.Get($"node/inspect/{nodeId}");
        JsonNode node = JsonNode.Parse(inspect.Text)!;
        JsonNode spec = node["Spec"]!;
        spec["Availability"] = availability;
        CgiReply update = Cgi.Post($"node/update/{nodeId}", $"version={node["Version"]!["Index"]}", spec.ToJsonString());
        Assert.True(update.Status == 200, update.ToString());
    }

    [Fact]
    public void SecretAndConfig_UsedByAServiceOnBothNodes_SecretDataNeverShown()
    {
        string secretName = DaemonObjects.Unique("sec");
        string configName = DaemonObjects.Unique("cfg");
        string service = DaemonObjects.Unique("usr");
        string secretText = "secret-" + Guid.NewGuid().ToString("N");
        string secretData = Convert.ToBase64String(Encoding.UTF8.GetBytes(secretText));
        string configText = "config-" + Guid.NewGuid().ToString("N");
        string secretHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secretText)));
        var replies = new List<CgiReply>();
        CgiReply Keep(CgiReply r)
        {
            replies.Add(r);
            return r;
        }

        try
        {
            CgiReply secret = Keep(Cgi.Post("secret/create", "",
                $$"""{"Name":"{{secretName}}","Labels":{"dm.test":"swarm"},"Data":"{{secretData}}"}"""));
            Assert.True(secret.Status == 201, secret.ToString());
            string secretId = DaemonObjects.Parse(secret).GetProperty("ID").GetString()!;
            CgiReply config = Keep(Cgi.Post("config/create", "",
                $$"""{"Name":"{{configName}}","Data":"{{Convert.ToBase64String(Encoding.UTF8.GetBytes(configText))}}"}"""));
            Assert.True(config.Status == 201, config.ToString());
            string configId = DaemonObjects.Parse(config).GetProperty("ID").GetString()!;

            // Labels change; the version is the one inspect gave.
            CgiReply inspectSecret = Keep(Cgi.Get($"secret/inspect/{secretId}"));
            Assert.True(inspectSecret.Status == 200, inspectSecret.ToString());
            long secretVersion = DaemonObjects.Parse(inspectSecret).GetProperty("Version").GetProperty("Index").GetInt64();
            CgiReply updateSecret = Keep(Cgi.Post($"secret/update/{secretId}", $"version={secretVersion}",
                $$$"""{"Name":"{{{secretName}}}","Labels":{"dm.test":"relabelled"}}"""));
            Assert.True(updateSecret.Status == 200, updateSecret.ToString());
            CgiReply secrets = Keep(Cgi.Get("secret/list", Filters("""{"label":["dm.test=relabelled"]}""")));
            Assert.Equal(secretName, Assert.Single(DaemonObjects.Parse(secrets).EnumerateArray())
                .GetProperty("Spec").GetProperty("Name").GetString());

            JsonElement configInspect = DaemonObjects.Parse(Keep(Cgi.Get($"config/inspect/{configName}")));
            Assert.Equal(configText, Encoding.UTF8.GetString(Convert.FromBase64String(
                configInspect.GetProperty("Spec").GetProperty("Data").GetString()!)));
            string configData = configInspect.GetProperty("Spec").GetProperty("Data").GetString()!;
            CgiReply updateConfig = Keep(Cgi.Post($"config/update/{configId}",
                $"version={configInspect.GetProperty("Version").GetProperty("Index").GetInt64()}",
                $$"""{"Name":"{{configName}}","Labels":{"dm.test":"relabelled"},"Data":"{{configData}}"}"""));
            Assert.True(updateConfig.Status == 200, updateConfig.ToString());
            CgiReply configs = Keep(Cgi.Get("config/list", Filters($$"""{"name":["{{configName}}"]}""")));
            Assert.Equal("relabelled", Assert.Single(DaemonObjects.Parse(configs).EnumerateArray())
                .GetProperty("Spec").GetProperty("Labels").GetProperty("dm.test").GetString());

            // A task on each node reads both: it prints the config and only the secret's hash.
            string uses =
                $",\"Secrets\":[{{\"SecretID\":\"{secretId}\",\"SecretName\":\"{secretName}\",\"File\":{{\"Name\":\"token\",\"UID\":\"0\",\"GID\":\"0\",\"Mode\":256}}}}]" +
                $",\"Configs\":[{{\"ConfigID\":\"{configId}\",\"ConfigName\":\"{configName}\",\"File\":{{\"Name\":\"/etc/app.conf\",\"UID\":\"0\",\"GID\":\"0\",\"Mode\":292}}}}]";
            CgiReply create = Keep(Cgi.Post("service/create", "",
                ServiceJson(service, 2, "sha256sum /run/secrets/token; cat /etc/app.conf; echo; " + Script, uses)));
            Assert.True(create.Status == 201, create.ToString());
            SwarmCluster.Poll(() => RunningTasks(service).Select(NodeOf).Distinct().Count() == 2, "a running task on each node");
            SwarmCluster.Poll(() =>
            {
                string text = Keep(Cgi.Get($"service/logs/{service}", "stdout=1&stderr=1&format=text")).Text;
                return CountOf(text, secretHash) == 2 && CountOf(text, configText) == 2;
            }, "the secret's hash and the config from both tasks");

            CgiReply inUse = Keep(Cgi.Post($"secret/remove/{secretId}"));
            Assert.True(inUse.Status >= 400, inUse.ToString()); // in use: the daemon refuses
            Assert.Equal(200, Keep(Cgi.Post($"service/remove/{service}")).Status);
            Assert.Equal(204, Keep(Cgi.Run("DELETE", $"secret/remove/{secretName}")).Status);
            Assert.Equal(204, Keep(Cgi.Post($"config/remove/{configId}")).Status);
            Assert.Empty(DaemonObjects.Parse(Keep(Cgi.Get("secret/list", Filters($$"""{"name":["{{secretName}}"]}""")))).EnumerateArray());
            Assert.Empty(DaemonObjects.Parse(Keep(Cgi.Get("config/list", Filters($$"""{"name":["{{configName}}"]}""")))).EnumerateArray());

            foreach (CgiReply r in replies)
            {
                foreach (string shown in new[] { r.Text, r.Stderr })
                {
                    Assert.DoesNotContain(secretText, shown, StringComparison.Ordinal);
                    Assert.DoesNotContain(secretData, shown, StringComparison.Ordinal);
                }
            }
        }
        finally
        {
            swarm.Manager.Status("DELETE", $"/services/{service}");
            swarm.Manager.Status("DELETE", $"/secrets/{secretName}");
            swarm.Manager.Status("DELETE", $"/configs/{configName}");
        }
    }

    private static int CountOf(string text, string part)
    {
        int n = 0;
        for (int i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + part.Length, StringComparison.Ordinal))
        {
            n++;
        }

        return n;
    }

    [Fact]
    public void Leave_Worker_NodeRemovedByForceAndJoinsAgain()
    {
        string oldId = SwarmCluster.NodeId(swarm.Worker);

        CgiReply leave = swarm.WorkerCgi.Post("swarm/leave");

        Assert.True(leave.Status == 200, leave.ToString());
        Assert.Equal("inactive", swarm.Worker.GetJson("/info").GetProperty("Swarm").GetProperty("LocalNodeState").GetString());
        // The manager marks the node down only after its heartbeat times out (about 15 s here):
        // force removes it at once.
        CgiReply remove = Cgi.Post($"node/remove/{oldId}", "force=1");
        Assert.True(remove.Status == 200, remove.ToString());
        Assert.Equal(404, Cgi.Get($"node/inspect/{oldId}").Status);

        CgiReply join = swarm.Join();

        Assert.True(join.Status == 200, join.ToString());
        swarm.WaitForTwoReadyNodes();
        Assert.NotEqual(oldId, SwarmCluster.NodeId(swarm.Worker));
    }

    [Theory]
    [InlineData("POST", "node/update/abc", "version=-1", "query parameter 'version': expected a non-negative whole number")]
    [InlineData("POST", "service/update/abc", "version=1&rollback=yes", "query parameter 'rollback': expected previous")]
    [InlineData("POST", "service/update/abc", "version=1&registryAuthFrom=elsewhere",
        "query parameter 'registryAuthFrom': expected spec or previous-spec")]
    [InlineData("POST", "swarm/update", "version=x", "query parameter 'version'")]
    [InlineData("GET", "service/logs/abc", "tail=some", "query parameter 'tail'")]
    [InlineData("GET", "task/inspect/..", "", "id or name '..' is not valid")]
    [InlineData("POST", "service/create", "X-Registry-Auth=not-base64-json", "X-Registry-Auth")]
    public void BadInput_OwnError400(string method, string path, string query, string message)
    {
        CgiReply reply = Cgi.Run(method, path, query, method == "POST" ? "{}"u8.ToArray() : null,
            contentType: method == "POST" ? "application/json" : null);

        Assert.True(reply.Status == 400, reply.ToString());
        Assert.Contains(message, DaemonObjects.Parse(reply).GetProperty("message").GetString()!, StringComparison.Ordinal);
    }
}
