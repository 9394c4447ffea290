using System.Text.Json;
using Dockerman.Tests.Support;
using Dockerman.Tests.Support.Router;
using Microsoft.Playwright;
using Xunit;

namespace Dockerman.Tests.Console;

/// <summary>The networks view: create with a subnet, connect and disconnect a container, inspect,
/// remove (and the daemon's refusal for a predefined network), prune, and a read-only user's refusal.</summary>
[Collection(DaemonCollection.Name)]
public sealed class ConsoleNetworkTests(DockerDaemon daemon, ConsoleBrowser browser) : ConsolePageTest(daemon, browser)
{
    private ILocator NetworkRow(string name) => Page.Locator($"#network-rows tr[data-name=\"{name}\"]");

    private string DaemonNetwork()
    {
        string name = Objects.Network(DaemonObjects.Unique("net"));
        (int status, string text) = Objects.Send("POST", "/networks/create", new Dictionary<string, object> { ["Name"] = name });
        Assert.True(status == 201, text);
        return name;
    }

    private JsonElement Attached(string network) => Objects.Json($"/networks/{network}").GetProperty("Containers");

    private async Task OpenNetworks()
    {
        await LogIn(RpcdLogin.Admin);
        await Open("Networks");
        await Page.Locator("#network-rows tr").First.WaitForAsync();
    }

    [Fact]
    public async Task Create_WithSubnetAndGateway_DaemonIpamShowsThem()
    {
        string name = Objects.Network(DaemonObjects.Unique("net"));
        int third = Random.Shared.Next(1, 250);
        string subnet = $"10.213.{third}.0/24";
        string gateway = $"10.213.{third}.1";
        await OpenNetworks();

        await Page.GetByLabel("Network name").FillAsync(name);
        await Page.Locator("#networks").GetByLabel("Driver", new LocatorGetByLabelOptions { Exact = true }).SelectOptionAsync("bridge");
        await Page.GetByLabel("Subnet (optional)").FillAsync(subnet);
        await Page.GetByLabel("Gateway (optional)").FillAsync(gateway);
        await Page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Create network", Exact = true }).ClickAsync();

        await NoticeShows($"Network {name} created.");
        JsonElement network = Objects.Json($"/networks/{name}");
        Assert.Equal("bridge", network.GetProperty("Driver").GetString());
        JsonElement config = network.GetProperty("IPAM").GetProperty("Config")[0];
        Assert.Equal(subnet, config.GetProperty("Subnet").GetString());
        Assert.Equal(gateway, config.GetProperty("Gateway").GetString());
        Assert.Equal(subnet, await NetworkRow(name).Locator("td[data-label=\"Subnet\"]").TextContentAsync());
    }

    [Fact]
    public async Task ConnectThenDisconnect_ChosenContainer_OnTheDaemonsNetwork()
    {
        string network = DaemonNetwork();
        string container = SleepingContainer();
        string id = Objects.Json($"/containers/{container}/json").GetProperty("Id").GetString()!;
        await OpenNetworks();

        await Page.GetByLabel("To network").SelectOptionAsync(new SelectOptionValue { Label = network });
        await Page.Locator("#networks").GetByLabel("Container", new LocatorGetByLabelOptions { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = container });
        await Page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Connect", Exact = true }).ClickAsync();

        await NoticeShows($"{container} connected to {network}.");
        Assert.True(Attached(network).TryGetProperty(id, out _), Failure);
        await Page.Locator($"#network-rows tr[data-name=\"{network}\"] td.attached", new PageLocatorOptions { HasTextString = container }).WaitForAsync();

        await Page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Disconnect", Exact = true }).ClickAsync();

        await NoticeShows($"{container} disconnected from {network}.");
        Assert.False(Attached(network).TryGetProperty(id, out _), Failure);
        Assert.Equal("", await NetworkRow(network).Locator("td.attached").TextContentAsync());
    }

    [Fact]
    public async Task Inspect_ShowsTheDaemonsAnswer()
    {
        string network = DaemonNetwork();
        string id = Objects.Json($"/networks/{network}").GetProperty("Id").GetString()!;
        await OpenNetworks();

        await Control("Inspect", network).ClickAsync();

        await DetailsShow(id);
        Assert.Equal($"Network {network}", await Page.Locator("#details-title").TextContentAsync());
    }

    [Fact]
    public async Task Remove_UnusedNetworkGone_PredefinedRefusedByTheDaemon()
    {
        string network = DaemonNetwork();
        await OpenNetworks();

        await Control("Remove", network).ClickAsync();

        await NoticeShows($"Network {network} removed.");
        Assert.False(Objects.Exists($"/networks/{network}"), Failure);
        await NetworkRow(network).WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Detached });

        await Control("Remove", "none").ClickAsync();

        await NoticeShows("none is a pre-defined network and cannot be removed");
        Assert.Equal("error", await Page.Locator("#notice").GetAttributeAsync("class"));
        Assert.True(Objects.Exists("/networks/none"));
    }

    [Fact]
    public async Task Prune_UnusedNetworkGone_UsedOneStays()
    {
        string unused = DaemonNetwork();
        string used = DaemonNetwork();
        string container = SleepingContainer();
        (int status, string text) = Objects.Send("POST", $"/networks/{used}/connect", new Dictionary<string, object> { ["Container"] = container });
        Assert.True(status == 200, text);
        await OpenNetworks();

        await Page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Prune networks", Exact = true }).ClickAsync();

        await NoticeShows("Networks deleted:");
        Assert.Contains(unused, await Page.Locator("#notice").TextContentAsync() ?? "", StringComparison.Ordinal);
        Assert.False(Objects.Exists($"/networks/{unused}"), Failure);
        Assert.True(Objects.Exists($"/networks/{used}"), Failure);
        await NetworkRow(unused).WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Detached });
        Assert.Equal(1, await NetworkRow(used).CountAsync());
    }

    [Fact]
    public async Task Create_ReadOnlyUser_RefusedAndNothingCreated()
    {
        string name = Objects.Network(DaemonObjects.Unique("net"));
        await LogIn(RpcdLogin.Viewer);
        await Open("Networks");

        await Page.GetByLabel("Network name").FillAsync(name);
        await Page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Create network", Exact = true }).ClickAsync();

        await NoticeShows("no write access to luci-app-dockerman");
        Assert.False(Objects.Exists($"/networks/{name}"), Failure);
        Assert.True(await Page.Locator("#networks").IsVisibleAsync()); // still logged in
    }
}
