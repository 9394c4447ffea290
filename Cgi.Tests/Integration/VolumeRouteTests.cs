using System.Text.Json;
using Dockerman.Tests.Support;
using Xunit;

namespace Dockerman.Tests.Integration;

/// <summary>The volume routes through the published binary, each checked by its effect on the daemon.</summary>
[Collection(DaemonCollection.Name)]
public sealed class VolumeRouteTests(DockerDaemon daemon) : DaemonTest(daemon)
{
    private void NewVolume(string name, string? label = null)
    {
        Objects.Volume(name);
        var config = new Dictionary<string, object> { ["Name"] = name };
        if (label != null)
        {
            config["Labels"] = new Dictionary<string, string> { ["dm.test"] = label };
        }

        (int status, string text) = Objects.Send("POST", "/volumes/create", config);
        Assert.True(status == 201, text);
    }

    [Fact]
    public void Create_JsonBody_CreatesTheNamedVolume()
    {
        string name = Objects.Volume(DaemonObjects.Unique("vc"));

        CgiReply reply = Cgi.Post("volume/create", "", $$$"""{"Name":"{{{name}}}","Labels":{"dm.test":"made"}}""");

        Assert.True(reply.Status == 201, reply.ToString());
        Assert.Equal(name, DaemonObjects.Parse(reply).GetProperty("Name").GetString());
        Assert.Equal("made", Objects.Json($"/volumes/{name}").GetProperty("Labels").GetProperty("dm.test").GetString());
    }

    [Fact]
    public void Create_NoBody_CreatesAnAnonymousVolume()
    {
        CgiReply reply = Cgi.Post("volume/create");

        Assert.True(reply.Status == 201, reply.ToString());
        string name = Objects.Volume(DaemonObjects.Parse(reply).GetProperty("Name").GetString()!);
        Assert.Equal(64, name.Length);
        Assert.True(Objects.Exists($"/volumes/{name}"));
    }

    [Fact]
    public void Inspect_ByName_ReturnsTheVolume()
    {
        string name = DaemonObjects.Unique("vi");
        NewVolume(name, "inspected");

        CgiReply reply = Cgi.Get($"volume/inspect/{name}");

        Assert.True(reply.Status == 200, reply.ToString());
        JsonElement volume = DaemonObjects.Parse(reply);
        Assert.Equal(name, volume.GetProperty("Name").GetString());
        Assert.Equal(Path.Combine(Daemon.Dir, "root", "volumes", name, "_data"), volume.GetProperty("Mountpoint").GetString());
    }

    [Fact]
    public void List_LabelFilter_ReturnsOnlyThatVolume()
    {
        string label = DaemonObjects.Unique("list");
        string name = DaemonObjects.Unique("vl");
        NewVolume(name, label);
        NewVolume(DaemonObjects.Unique("vo"));
        string filters = Uri.EscapeDataString($$"""{"label":["dm.test={{label}}"]}""");

        CgiReply reply = Cgi.Get("volume/list", $"filters={filters}");

        Assert.True(reply.Status == 200, reply.ToString());
        JsonElement only = Assert.Single(DaemonObjects.Parse(reply).GetProperty("Volumes").EnumerateArray());
        Assert.Equal(name, only.GetProperty("Name").GetString());
    }

    [Theory]
    [InlineData("DELETE")]
    [InlineData("POST")]
    public void Remove_UnusedVolume_RemovesIt(string method)
    {
        string name = DaemonObjects.Unique("vr");
        NewVolume(name);

        CgiReply reply = Cgi.Run(method, $"volume/remove/{name}", "force=false");

        Assert.True(reply.Status == 204, reply.ToString());
        Assert.Equal(404, Objects.Send("GET", $"/volumes/{name}").Status);
    }

    [Theory]
    [InlineData("volume/prune")]
    [InlineData("volumes/prune")]
    public void Prune_LabelFilter_RemovesOnlyTheUnusedVolumeWithThatLabel(string path)
    {
        string label = DaemonObjects.Unique("prune");
        string pruned = DaemonObjects.Unique("vp");
        NewVolume(pruned, label);
        string kept = DaemonObjects.Unique("vk");
        NewVolume(kept);
        string filters = Uri.EscapeDataString($$"""{"label":["dm.test={{label}}"]}""");

        CgiReply reply = Cgi.Post(path, $"filters={filters}");

        Assert.True(reply.Status == 200, reply.ToString());
        Assert.Equal([pruned], DaemonObjects.Parse(reply).GetProperty("VolumesDeleted").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal(404, Objects.Send("GET", $"/volumes/{pruned}").Status);
        Assert.True(Objects.Exists($"/volumes/{kept}"));
    }

    [Theory]
    [InlineData("PUT")]
    [InlineData("POST")]
    public void Update_OnANonSwarmDaemon_RelaysTheDaemonsErrorAndStatus(string method)
    {
        // Volume update is for cluster volumes: a plain daemon refuses it (or, before API 1.42, has no such path).
        string name = DaemonObjects.Unique("vu");
        NewVolume(name);
        const string body = """{"Spec":{"Availability":"drain"}}""";
        (int expectedStatus, string expectedText) = Objects.SendRaw("PUT", $"/volumes/{name}?version=1", body, "application/json");

        CgiReply reply = Cgi.Run(method, $"volume/update/{name}", "version=1", System.Text.Encoding.UTF8.GetBytes(body),
            contentType: "application/json");

        Assert.True(expectedStatus >= 400, expectedText);
        Assert.Equal(expectedStatus, reply.Status);
        Assert.Equal(1, reply.ExitCode);
        Assert.Equal(JsonDocument.Parse(expectedText).RootElement.GetProperty("message").GetString(),
            DaemonObjects.Parse(reply).GetProperty("message").GetString());
    }
}
