using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Dockerman.Tests.Support;
using Dockerman.Tests.Support.Router;
using Microsoft.Playwright;
using Xunit;

namespace Dockerman.Tests.Console;

/// <summary>A daemon of its own made a one-node swarm's manager (its swarm port on loopback), kept for a
/// test class since starting one takes seconds; at the end it leaves the swarm (force) and stops.</summary>
public sealed class SwarmManager : IDisposable
{
    public DockerDaemon Daemon { get; }

    public SwarmManager()
    {
        Daemon = DockerDaemon.SwarmNode();
        try
        {
            int port = FreePort();
            using HttpResponseMessage init = Daemon.Client.PostAsJsonAsync("/swarm/init",
                new Dictionary<string, string> { ["ListenAddr"] = $"127.0.0.1:{port}", ["AdvertiseAddr"] = $"127.0.0.1:{port}" }).Result;
            if (!init.IsSuccessStatusCode)
            {
                throw new InvalidOperationException("swarm init failed: " + init.Content.ReadAsStringAsync().Result);
            }
        }
        catch
        {
            Daemon.Dispose();
            throw;
        }
    }

    private static int FreePort()
    {
        using var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        s.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)s.LocalEndPoint!).Port;
    }

    public void Dispose()
    {
        Daemon.Status("POST", "/swarm/leave?force=1");
        Daemon.Dispose();
    }
}

/// <summary>
/// The swarm view and the endpoint switch: the page's dockerman knows the swarm manager as endpoint
/// <c>swarm</c> beside the default daemon (no manager). Switched to it, the page offers the Swarm view,
/// and what it does there is checked on the manager's socket.
/// </summary>
[Collection(DaemonCollection.Name)]
public sealed class ConsoleSwarmTests : ConsolePageTest, IClassFixture<SwarmManager>, IDisposable
{
    private const string Endpoint = "swarm";

    /// <summary>A task command that ends at once on TERM (sh as PID 1 ignores it otherwise).</summary>
    private const string Command = "sh -c \"trap 'exit 0' TERM; while true; do sleep 1; done\"";

    private readonly SwarmManager _swarm;
    private readonly DaemonObjects _onSwarm;
    private readonly List<string> _services = [];

    public ConsoleSwarmTests(DockerDaemon daemon, ConsoleBrowser browser, SwarmManager swarm)
        : base(daemon, browser)
    {
        _swarm = swarm;
        _onSwarm = new DaemonObjects(swarm.Daemon);
        Bus.WriteDockermanConfig($"config endpoint '{Endpoint}'", $"\toption host '{swarm.Daemon.Host}'");
    }

    public void Dispose()
    {
        foreach (string service in _services)
        {
            _onSwarm.Send("DELETE", $"/services/{service}");
        }

        _onSwarm.Dispose();
    }

    private ILocator NavButton => Page.Locator("#nav button[data-view=\"swarm\"]");

    /// <summary>Logs in, chooses the swarm manager in the "Daemon" select and opens the Swarm view.</summary>
    private async Task OpenSwarm(RpcdLogin login)
    {
        await LogIn(login);
        await Page.GetByLabel("Daemon").SelectOptionAsync(Endpoint);
        await NavButton.WaitForAsync();
        await Open("Swarm");
        await Page.Locator("#swarm").WaitForAsync();
        await Page.Locator("#node-rows tr").First.WaitForAsync();
    }

    private string UniqueService()
    {
        string name = DaemonObjects.Unique("svc");
        _services.Add(name);
        return name;
    }

    private JsonElement ServiceSpec(string name) => _onSwarm.Json($"/services/{name}").GetProperty("Spec");

    private ILocator Field(string label) =>
        Page.Locator("#swarm").GetByLabel(label, new LocatorGetByLabelOptions { Exact = true });

    private ILocator Tasks(string service, string state) =>
        Page.Locator($"#task-rows tr[data-service=\"{service}\"][data-state=\"{state}\"]");

    [Fact]
    public async Task SwitchDaemon_ToTheSwarmManager_SwarmOfferedAndItsContainersListed()
    {
        string onDefault = SleepingContainer();
        string onSwarm = DaemonObjects.Unique("con");
        _onSwarm.CreateContainer(onSwarm, ["sleep", "600"]);
        await LogIn(RpcdLogin.Admin);
        await Row(onDefault).WaitForAsync();
        Assert.True(await NavButton.IsHiddenAsync());
        Assert.True(await Page.Locator("#endpoint-switch").IsVisibleAsync());

        await Page.GetByLabel("Daemon").SelectOptionAsync(Endpoint);

        await NavButton.WaitForAsync();
        await Row(onSwarm).WaitForAsync();
        Assert.Equal(0, await Row(onDefault).CountAsync());
        // A daemon's long address in the select still fits a phone's screen.
        Assert.True(await Page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"),
            "the page is wider than the screen");
        Assert.Equal(Endpoint, await Page.EvaluateAsync<string>("sessionStorage.getItem('dockerman.endpoint')"));
        string download = await Page.EvaluateAsync<string>("DM.downloadUrl('container/export/x')");
        Assert.Contains("endpoint=" + Endpoint, download, StringComparison.Ordinal);

        // On the Swarm view, back to the default daemon: no manager, so back to the containers.
        await Open("Swarm");
        await Page.Locator("#node-rows tr").First.WaitForAsync();
        await Page.GetByLabel("Daemon").SelectOptionAsync("");
        await Row(onDefault).WaitForAsync();
        await NavButton.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Hidden });
        Assert.True(await Page.Locator("#swarm").IsHiddenAsync());
        Assert.Equal(0, await Row(onSwarm).CountAsync());

        // The login form offers no daemon to choose.
        await Page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Log out" }).ClickAsync();
        await Page.GetByLabel("User name").WaitForAsync();
        Assert.True(await Page.Locator("#endpoint-switch").IsHiddenAsync());
    }

    [Fact]
    public async Task Service_CreateScaleNewImageRemove_TheManagerFollows()
    {
        string name = UniqueService();
        await OpenSwarm(RpcdLogin.Admin);

        await Field("Service name").FillAsync(name);
        await Field("Service image").FillAsync(DockerDaemon.Image);
        await Field("Replicas").FillAsync("1");
        await Field("Command (optional)").FillAsync(Command);
        await Page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Create service" }).ClickAsync();

        await NoticeShows($"{name} created.");
        JsonElement spec = ServiceSpec(name);
        Assert.Equal(1, spec.GetProperty("Mode").GetProperty("Replicated").GetProperty("Replicas").GetInt32());
        JsonElement container = spec.GetProperty("TaskTemplate").GetProperty("ContainerSpec");
        Assert.Equal(DockerDaemon.Image, container.GetProperty("Image").GetString());
        string[] args = [.. container.GetProperty("Args").EnumerateArray().Select(a => a.GetString()!)];
        Assert.Equal(["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"], args);
        await Tasks(name, "running").First.WaitForAsync();

        await Page.GetByLabel($"Replicas of {name}").FillAsync("2");
        await Control("Scale", name).ClickAsync();

        await NoticeShows($"{name} scaled to 2.");
        Assert.Equal(2, ServiceSpec(name).GetProperty("Mode").GetProperty("Replicated").GetProperty("Replicas").GetInt32());
        await Tasks(name, "running").Nth(1).WaitForAsync();
        Assert.Equal(2, await Tasks(name, "running").CountAsync());
        await Page.Locator($"#service-rows tr[data-name=\"{name}\"] td.replicas", new PageLocatorOptions { HasTextString = "2/2" }).WaitForAsync();

        Assert.True(await Page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"),
            "the Swarm view is wider than the screen");
        long forced = ServiceSpec(name).GetProperty("TaskTemplate").TryGetProperty("ForceUpdate", out JsonElement f) ? f.GetInt64() : 0;
        await Page.GetByLabel($"Image of {name}").FillAsync(DockerDaemon.SecondImage);
        await Control("Update image", name).ClickAsync();

        await NoticeShows($"{name} updated to {DockerDaemon.SecondImage}.");
        spec = ServiceSpec(name);
        Assert.Equal(DockerDaemon.SecondImage, spec.GetProperty("TaskTemplate").GetProperty("ContainerSpec").GetProperty("Image").GetString());
        Assert.Equal(forced + 1, spec.GetProperty("TaskTemplate").GetProperty("ForceUpdate").GetInt64());
        Assert.Equal(2, spec.GetProperty("Mode").GetProperty("Replicated").GetProperty("Replicas").GetInt32());
        await Page.Locator($"#service-rows tr[data-name=\"{name}\"] td[data-label=\"Image\"]",
            new PageLocatorOptions { HasTextString = DockerDaemon.SecondImage }).WaitForAsync();

        await Control("Remove", "service " + name).ClickAsync();

        await NoticeShows($"{name} removed.");
        Assert.False(_onSwarm.Exists($"/services/{name}"), Failure);
        await Page.Locator($"#service-rows tr[data-name=\"{name}\"]").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Detached });
    }

    [Fact]
    public async Task Node_DrainThenActivate_TheManagerFollows()
    {
        JsonElement node = Assert.Single(_onSwarm.Json("/nodes").EnumerateArray());
        string id = node.GetProperty("ID").GetString()!;
        string host = node.GetProperty("Description").GetProperty("Hostname").GetString()!;
        string Availability() => _onSwarm.Json($"/nodes/{id}").GetProperty("Spec").GetProperty("Availability").GetString()!;
        Assert.Equal("active", Availability());
        await OpenSwarm(RpcdLogin.Admin);
        try
        {
            await Control("Drain", host).ClickAsync();

            await NoticeShows($"{host}: drain.");
            Assert.Equal("drain", Availability());
            await Page.Locator($"#node-rows tr[data-name=\"{host}\"][data-availability=\"drain\"]").WaitForAsync();

            await Control("Activate", host).ClickAsync();

            await NoticeShows($"{host}: active.");
            Assert.Equal("active", Availability());
            await Page.Locator($"#node-rows tr[data-name=\"{host}\"][data-availability=\"active\"]").WaitForAsync();
        }
        finally
        {
            // The other tests need a node that takes tasks.
            JsonElement now = _onSwarm.Json($"/nodes/{id}");
            if (now.GetProperty("Spec").GetProperty("Availability").GetString() != "active")
            {
                _onSwarm.Send("POST", $"/nodes/{id}/update?version={now.GetProperty("Version").GetProperty("Index").GetInt64()}",
                    new Dictionary<string, object> { ["Role"] = "manager", ["Availability"] = "active" });
            }
        }
    }

    [Theory]
    [InlineData("secret")]
    [InlineData("config")]
    public async Task SecretOrConfig_CreateThenRemove_OnTheManager(string kind)
    {
        string name = DaemonObjects.Unique(kind[..3]);
        const string Text = "line one\nzwei – drei\n";
        string title = char.ToUpperInvariant(kind[0]) + kind[1..];
        await OpenSwarm(RpcdLogin.Admin);
        try
        {
            await Field($"{title} name").FillAsync(name);
            await Field($"{title} data").FillAsync(Text);
            await Page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = $"Create {kind}" }).ClickAsync();

            await NoticeShows($"{name} created.");
            JsonElement made = _onSwarm.Json($"/{kind}s/{name}");
            Assert.Equal(name, made.GetProperty("Spec").GetProperty("Name").GetString());
            if (kind == "config")
            {
                Assert.Equal(Text, Encoding.UTF8.GetString(Convert.FromBase64String(made.GetProperty("Spec").GetProperty("Data").GetString()!)));
            }

            await Page.Locator($"#{kind}-rows tr[data-name=\"{name}\"]").WaitForAsync();
            await Control("Inspect", $"{kind} {name}").ClickAsync();
            await DetailsShow(made.GetProperty("ID").GetString()!);
            string shown = await Page.Locator("#details-body").TextContentAsync() ?? "";
            // A config's data is shown as text; a secret's never reaches the page.
            Assert.Equal(kind == "config", shown.Contains("zwei – drei", StringComparison.Ordinal));

            await Control("Remove", $"{kind} {name}").ClickAsync();

            await NoticeShows($"{name} removed.");
            Assert.False(_onSwarm.Exists($"/{kind}s/{name}"), Failure);
            await Page.Locator($"#{kind}-rows tr[data-name=\"{name}\"]").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Detached });
        }
        finally
        {
            _onSwarm.Send("DELETE", $"/{kind}s/{name}");
        }
    }

    [Fact]
    public async Task Scale_ReadOnlyUser_RefusedWithTheMessageAndSpecUnchanged()
    {
        string name = UniqueService();
        (int status, string text) = _onSwarm.Send("POST", "/services/create", new Dictionary<string, object>
        {
            ["Name"] = name,
            ["TaskTemplate"] = new Dictionary<string, object> { ["ContainerSpec"] = new Dictionary<string, object> { ["Image"] = DockerDaemon.Image } },
            ["Mode"] = new Dictionary<string, object> { ["Replicated"] = new Dictionary<string, object> { ["Replicas"] = 0 } },
        });
        Assert.True(status == 201, text);
        long version = _onSwarm.Json($"/services/{name}").GetProperty("Version").GetProperty("Index").GetInt64();
        await OpenSwarm(RpcdLogin.Viewer);

        await Page.GetByLabel($"Replicas of {name}").FillAsync("3");
        await Control("Scale", name).ClickAsync();

        await Page.Locator("#notice.error", new PageLocatorOptions { HasTextString = "no write access to luci-app-dockerman" }).WaitForAsync();
        JsonElement service = _onSwarm.Json($"/services/{name}");
        Assert.Equal(0, service.GetProperty("Spec").GetProperty("Mode").GetProperty("Replicated").GetProperty("Replicas").GetInt32());
        Assert.Equal(version, service.GetProperty("Version").GetProperty("Index").GetInt64());
        Assert.True(await Page.Locator("#swarm").IsVisibleAsync());
    }
}
