using System.Text.Json;
using Dockerman.Tests.Support;
using Dockerman.Tests.Support.Router;
using Microsoft.Playwright;
using Xunit;

namespace Dockerman.Tests.Console;

/// <summary>The volumes view: create with labels, inspect, remove (and the daemon's refusal for a
/// volume in use), prune.</summary>
[Collection(DaemonCollection.Name)]
public sealed class ConsoleVolumeTests(DockerDaemon daemon, ConsoleBrowser browser) : ConsolePageTest(daemon, browser)
{
    private ILocator VolumeRow(string name) => Page.Locator($"#volume-rows tr[data-name=\"{name}\"]");

    private string DaemonVolume()
    {
        string name = Objects.Volume(DaemonObjects.Unique("vol"));
        (int status, string text) = Objects.Send("POST", "/volumes/create", new Dictionary<string, object> { ["Name"] = name });
        Assert.True(status == 201, text);
        return name;
    }

    /// <summary>A container (created, not started) that mounts <paramref name="volume"/>: the daemon counts it as in use.</summary>
    private void UseVolume(string volume)
    {
        string name = Objects.Container(DaemonObjects.Unique("con"));
        (int status, string text) = Objects.Send("POST", $"/containers/create?name={name}", new Dictionary<string, object>
        {
            ["Image"] = DockerDaemon.Image,
            ["Cmd"] = new[] { "true" },
            ["HostConfig"] = new Dictionary<string, object> { ["Binds"] = new[] { $"{volume}:/data" } },
        });
        Assert.True(status == 201, text);
    }

    private async Task OpenVolumes(string shown)
    {
        await LogIn(RpcdLogin.Admin);
        await Open("Volumes");
        await VolumeRow(shown).WaitForAsync();
    }

    [Fact]
    public async Task Create_WithLabels_OnTheDaemonAndListed()
    {
        string name = Objects.Volume(DaemonObjects.Unique("vol"));
        await LogIn(RpcdLogin.Admin);
        await Open("Volumes");

        await Page.GetByLabel("Volume name").FillAsync(name);
        Assert.Equal("local", await Page.GetByLabel("Volume driver").InputValueAsync());
        await Page.GetByLabel("Labels (optional, one k=v a line)").FillAsync("purpose=console test\n\nowner=dockerman");
        await Page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Create volume", Exact = true }).ClickAsync();

        await NoticeShows($"Volume {name} created.");
        JsonElement volume = Objects.Json($"/volumes/{name}");
        Assert.Equal("local", volume.GetProperty("Driver").GetString());
        JsonElement labels = volume.GetProperty("Labels");
        Assert.Equal("console test", labels.GetProperty("purpose").GetString());
        Assert.Equal("dockerman", labels.GetProperty("owner").GetString());
        Assert.Equal(2, labels.EnumerateObject().Count());
        Assert.Equal(volume.GetProperty("Mountpoint").GetString(),
            await VolumeRow(name).Locator("td[data-label=\"Mountpoint\"]").TextContentAsync());
    }

    [Fact]
    public async Task Inspect_ShowsTheDaemonsAnswer()
    {
        string name = DaemonVolume();
        string mountpoint = Objects.Json($"/volumes/{name}").GetProperty("Mountpoint").GetString()!;
        await OpenVolumes(name);

        await Control("Inspect", name).ClickAsync();

        await DetailsShow(mountpoint);
        Assert.Equal($"Volume {name}", await Page.Locator("#details-title").TextContentAsync());
    }

    [Fact]
    public async Task Remove_UnusedVolume_GoneFromTheDaemon()
    {
        string name = DaemonVolume();
        await OpenVolumes(name);

        await Control("Remove", name).ClickAsync();

        await NoticeShows($"Volume {name} removed.");
        Assert.False(Objects.Exists($"/volumes/{name}"), Failure);
        await VolumeRow(name).WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Detached });
    }

    [Fact]
    public async Task Remove_VolumeInUse_RefusedWithTheDaemonsMessage()
    {
        string name = DaemonVolume();
        UseVolume(name);
        await OpenVolumes(name);

        await Control("Remove", name).ClickAsync();

        await NoticeShows("volume is in use");
        Assert.Equal("error", await Page.Locator("#notice").GetAttributeAsync("class"));
        Assert.True(Objects.Exists($"/volumes/{name}"), Failure);
        Assert.Equal(1, await VolumeRow(name).CountAsync());
    }

    [Fact]
    public async Task Prune_UnusedVolumeGone_UsedOneStays()
    {
        string unused = DaemonVolume();
        string used = DaemonVolume();
        UseVolume(used);
        await OpenVolumes(unused);

        // The daemon decides what "unused" takes in: named volumes too before API 1.42, only
        // anonymous ones from then on unless asked (the box the page shows then).
        ILocator all = Page.GetByLabel("Named volumes too");
        if (await all.IsVisibleAsync())
        {
            await all.CheckAsync();
        }
        else
        {
            Assert.Contains("named ones too", await Page.Locator("#volume-prune-what").TextContentAsync() ?? "", StringComparison.Ordinal);
        }

        await Page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Prune volumes", Exact = true }).ClickAsync();

        await NoticeShows("Volumes deleted:");
        Assert.Contains(unused, await Page.Locator("#notice").TextContentAsync() ?? "", StringComparison.Ordinal);
        Assert.False(Objects.Exists($"/volumes/{unused}"), Failure);
        Assert.True(Objects.Exists($"/volumes/{used}"), Failure);
        await VolumeRow(unused).WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Detached });
        Assert.Equal(1, await VolumeRow(used).CountAsync());
    }
}
