using System.Text;
using System.Text.Json;
using Dockerman.Tests.Support;
using Dockerman.Tests.Support.Router;
using Xunit;

namespace Dockerman.Tests.Luci;

/// <summary>
/// The swarm objects of the rpcd plugin (docker.swarm, docker.node, docker.service, docker.task,
/// docker.secret, docker.config) on the router stack in front of the two-node swarm's manager: calls
/// through /ubus with rpcd logins, the package's ACL file deciding who may call what, and
/// the join tokens shown only to a session with the write right.
/// </summary>
[Collection(SwarmCollection.Name)]
public sealed class RpcdSwarmTests : IDisposable
{
    private readonly SwarmCluster _swarm;
    private readonly RouterStack _stack;

    public RpcdSwarmTests(SwarmCluster swarm)
    {
        _swarm = swarm;
        _stack = new RouterStack(LuciRpc.WithDockermanPlugins(new RouterStackOptions { DockerHost = swarm.Manager.Host }));
    }

    public void Dispose() => _stack.Dispose();

    /// <summary>A call /ubus refused because the session's ACL does not hold it: JSON-RPC -32002 "Access denied".</summary>
    private static bool Refused(JsonElement result) =>
        result.ValueKind == JsonValueKind.Object && result.GetProperty("code").GetInt32() == -32002;

    [Fact]
    public void SwarmInspect_JoinTokensOnlyForTheWriteSessionAndTheRouterItself()
    {
        JsonElement admin = new LuciRpc(_stack, _stack.LoginAdmin()).Expect(200, "docker.swarm", "inspect");
        JsonElement viewer = new LuciRpc(_stack, _stack.LoginViewer()).Expect(200, "docker.swarm", "inspect");
        UbusAnswer local = _stack.Call("docker.swarm", "inspect", timeoutSeconds: 20);

        string id = admin.GetProperty("ID").GetString()!;
        Assert.StartsWith("SWMTKN-", admin.GetProperty("JoinTokens").GetProperty("Worker").GetString(), StringComparison.Ordinal);
        Assert.Equal(id, viewer.GetProperty("ID").GetString());
        Assert.False(viewer.TryGetProperty("JoinTokens", out _), viewer.ToString());
        Assert.DoesNotContain("SWMTKN-", viewer.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, local.Status);
        Assert.Contains("SWMTKN-", local.Data.ToString(), StringComparison.Ordinal); // ubus call as root on the router: no session, no ACL
        Assert.DoesNotContain("SWMTKN-", _stack.Log, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadOnlySession_ListsButRpcdRefusesWhatWritesOrRevealsTheUnlockKey()
    {
        var viewer = new LuciRpc(_stack, _stack.LoginViewer());

        Assert.Equal(2, viewer.Expect(200, "docker.node", "list", """{"query":{}}""").GetArrayLength());
        Assert.Equal(JsonValueKind.Array, viewer.Expect(200, "docker.service", "list").ValueKind);
        Assert.Equal(JsonValueKind.Array, viewer.Expect(200, "docker.task", "list").ValueKind);
        Assert.Equal(JsonValueKind.Array, viewer.Expect(200, "docker.secret", "list").ValueKind);
        Assert.Equal(JsonValueKind.Array, viewer.Expect(200, "docker.config", "list").ValueKind);
        string name = DaemonObjects.Unique("ro");
        Assert.True(Refused(viewer.Send("docker.secret", "create", $$$"""{"body":{"Name":"{{{name}}}","Data":"eA=="}}""")));
        Assert.True(Refused(viewer.Send("docker.service", "create", $$$"""{"body":{"Name":"{{{name}}}"}}""")));
        Assert.True(Refused(viewer.Send("docker.swarm", "unlockkey")));
        Assert.True(Refused(viewer.Send("docker.swarm", "leave", """{"query":{"force":true}}""")));
        Assert.True(Refused(viewer.Send("docker.node", "update", """{"id":"x","query":{"version":1},"body":{}}""")));
        Assert.DoesNotContain(_swarm.ManagerCgi.Get("secret/list").Text, name, StringComparison.Ordinal);
        Assert.Equal(2, _swarm.Nodes().Count);
    }

    [Fact]
    public void WriteSession_ServiceWithASecret_RunsLogsAsTextAndIsRemoved()
    {
        var admin = new LuciRpc(_stack, _stack.LoginAdmin());
        string secretName = DaemonObjects.Unique("rsec");
        string service = DaemonObjects.Unique("rsvc");
        string secretText = "rpc-secret-" + Guid.NewGuid().ToString("N");
        string secretData = Convert.ToBase64String(Encoding.UTF8.GetBytes(secretText));
        var bodies = new StringBuilder();
        JsonElement Keep(JsonElement e)
        {
            bodies.Append(e.ToString());
            return e;
        }

        string secretId = Keep(admin.Expect(201, "docker.secret", "create",
            $$$"""{"body":{"Name":"{{{secretName}}}","Data":"{{{secretData}}}"}}""")).GetProperty("ID").GetString()!;
        try
        {
            Assert.Equal(secretName, Keep(admin.Expect(200, "docker.secret", "inspect", $$"""{"id":"{{secretId}}"}"""))
                .GetProperty("Spec").GetProperty("Name").GetString());
            string created = Keep(admin.Expect(201, "docker.service", "create", $$$"""
                {"body":{"Name":"{{{service}}}","Labels":{"dm.test":"swarm"},
                 "TaskTemplate":{"ContainerSpec":{"Image":"{{{DockerDaemon.Image}}}",
                   "Command":["/bin/sh","-c","echo \"secret is $(cat /run/secrets/s | wc -c) bytes\"; trap 'exit 0' TERM; while true; do sleep 1; done"],
                   "Secrets":[{"SecretID":"{{{secretId}}}","SecretName":"{{{secretName}}}","File":{"Name":"s","UID":"0","GID":"0","Mode":292}}],
                   "StopGracePeriod":2000000000}},
                 "Mode":{"Replicated":{"Replicas":1}}
                }}
                """)).GetProperty("ID").GetString()!;
            Assert.Equal(service, Keep(admin.Expect(200, "docker.service", "inspect", $$"""{"id":"{{created}}"}"""))
                .GetProperty("Spec").GetProperty("Name").GetString());

            string filters = JsonSerializer.Serialize($$"""{"service":["{{service}}"]}""");
            string byName = JsonSerializer.Serialize($$"""{"name":["{{service}}"]}""");
            SwarmCluster.Poll(() => Keep(admin.Expect(200, "docker.task", "list", $$$"""{"query":{"filters":{{{filters}}}}}"""))
                .EnumerateArray().Any(t => t.GetProperty("Status").GetProperty("State").GetString() == "running"), "a running task");
            string expected = $"secret is {secretText.Length} bytes\n";
            SwarmCluster.Poll(() => admin.Expect(200, "docker.service", "logs",
                $$$"""{"id":"{{{service}}}","query":{"stdout":true,"stderr":true}}""").GetString() == expected, "the service's log as text");

            Keep(admin.Expect(200, "docker.service", "remove", $$"""{"id":"{{created}}"}"""));
            Assert.Equal(0, Keep(admin.Expect(200, "docker.service", "list", $$$"""{"query":{"filters":{{{byName}}}}}""")).GetArrayLength());
        }
        finally
        {
            _swarm.ManagerCgi.Post($"service/remove/{service}", "", null);
            SwarmCluster.Poll(() => admin.Call("docker.secret", "remove", $$"""{"id":"{{secretId}}"}""")
                .GetProperty("code").GetInt32() is 204 or 404, "the secret removed once no task uses it");
        }

        Assert.DoesNotContain(secretText, bodies.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(secretData, bodies.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(secretData, _stack.Log, StringComparison.Ordinal);
    }
}
