using System.Text.Json;
using Dockerman.Tests.Support;
using Xunit;

namespace Dockerman.Tests.Integration;

/// <summary>The network routes through the published binary, each checked by its effect on the daemon.</summary>
[Collection(DaemonCollection.Name)]
public sealed class NetworkRouteTests(DockerDaemon daemon) : DaemonTest(daemon)
{
    /// <summary>A network made straight through the socket; returns its id.</summary>
    private string NewNetwork(string name, string? label = null)
    {
        Objects.Network(name);
        var config = new Dictionary<string, object> { ["Name"] = name, ["Internal"] = true };
        if (label != null)
        {
            config["Labels"] = new Dictionary<string, string> { ["dm.test"] = label };
        }

        (int status, string text) = Objects.Send("POST", "/networks/create", config);
        Assert.True(status == 201, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("Id").GetString()!;
    }

    private JsonElement Networks(string container) =>
        Objects.Json($"/containers/{container}/json").GetProperty("NetworkSettings").GetProperty("Networks");

    [Fact]
    public void Create_JsonBody_CreatesTheNetwork()
    {
        string name = Objects.Network(DaemonObjects.Unique("nc"));

        CgiReply reply = Cgi.Post("network/create", "",
            $$$"""{"Name":"{{{name}}}","Internal":true,"Labels":{"dm.test":"created"},"IPAM":{"Config":[{"Subnet":"10.251.7.0/24"}]}}""");

        Assert.True(reply.Status == 201, reply.ToString());
        string id = DaemonObjects.Parse(reply).GetProperty("Id").GetString()!;
        JsonElement network = Objects.Json($"/networks/{id}");
        Assert.Equal(name, network.GetProperty("Name").GetString());
        Assert.Equal("created", network.GetProperty("Labels").GetProperty("dm.test").GetString());
        Assert.Equal("10.251.7.0/24", network.GetProperty("IPAM").GetProperty("Config")[0].GetProperty("Subnet").GetString());
    }

    [Fact]
    public void Inspect_ByName_ReturnsTheNetwork()
    {
        string name = DaemonObjects.Unique("ni");
        string id = NewNetwork(name);

        CgiReply reply = Cgi.Get($"network/inspect/{name}", "verbose=false&scope=local");

        Assert.True(reply.Status == 200, reply.ToString());
        JsonElement network = DaemonObjects.Parse(reply);
        Assert.Equal(id, network.GetProperty("Id").GetString());
        Assert.True(network.GetProperty("Internal").GetBoolean());
    }

    [Fact]
    public void List_IdFilter_ReturnsOnlyThatNetwork()
    {
        string name = DaemonObjects.Unique("nl");
        string id = NewNetwork(name);
        NewNetwork(name + "x");
        string filters = Uri.EscapeDataString($$"""{"id":["{{id}}"]}""");

        CgiReply all = Cgi.Get("network/list");
        CgiReply filtered = Cgi.Get("network/list", $"filters={filters}");

        Assert.True(all.Status == 200, all.ToString());
        Assert.Contains(DaemonObjects.Parse(all).EnumerateArray(), n => n.GetProperty("Name").GetString() == name + "x");
        Assert.Equal(name, Assert.Single(DaemonObjects.Parse(filtered).EnumerateArray()).GetProperty("Name").GetString());
    }

    [Fact]
    public void ConnectThenDisconnect_Container_JoinsAndLeavesTheNetwork()
    {
        string name = DaemonObjects.Unique("nd");
        NewNetwork(name);
        string container = Objects.CreateContainer(DaemonObjects.Unique("ndc"), ["true"]);

        CgiReply connect = Cgi.Post($"network/connect/{name}", "", $$$"""{"Container":"{{{container}}}","EndpointConfig":{"Aliases":["web"]}}""");

        Assert.True(connect.Status == 200, connect.ToString());
        Assert.True(Networks(container).TryGetProperty(name, out JsonElement endpoint), "not connected");
        Assert.Contains(endpoint.GetProperty("Aliases").EnumerateArray(), a => a.GetString() == "web");

        CgiReply disconnect = Cgi.Post($"network/disconnect/{name}", "", $$"""{"Container":"{{container}}","Force":false}""");

        Assert.True(disconnect.Status == 200, disconnect.ToString());
        Assert.False(Networks(container).TryGetProperty(name, out _), "still connected");
    }

    [Theory]
    [InlineData("DELETE")]
    [InlineData("POST")]
    public void Remove_UnusedNetwork_RemovesIt(string method)
    {
        string name = DaemonObjects.Unique("nr");
        string id = NewNetwork(name);

        CgiReply reply = Cgi.Run(method, $"network/remove/{name}");

        Assert.True(reply.Status == 204, reply.ToString());
        Assert.Equal(404, Objects.Send("GET", $"/networks/{id}").Status);
    }

    [Theory]
    [InlineData("network/prune")]
    [InlineData("networks/prune")]
    public void Prune_LabelFilter_RemovesOnlyTheUnusedNetworkWithThatLabel(string path)
    {
        string label = DaemonObjects.Unique("prune");
        string pruned = DaemonObjects.Unique("np");
        NewNetwork(pruned, label);
        string kept = DaemonObjects.Unique("nk");
        NewNetwork(kept);
        string filters = Uri.EscapeDataString($$"""{"label":["dm.test={{label}}"]}""");

        CgiReply reply = Cgi.Post(path, $"filters={filters}");

        Assert.True(reply.Status == 200, reply.ToString());
        Assert.Equal([pruned], DaemonObjects.Parse(reply).GetProperty("NetworksDeleted").EnumerateArray().Select(n => n.GetString()));
        Assert.Equal(404, Objects.Send("GET", $"/networks/{pruned}").Status);
        Assert.True(Objects.Exists($"/networks/{kept}"));
    }
}
