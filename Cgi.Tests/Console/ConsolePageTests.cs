using System.Text.Json;
using Dockerman.Tests.Support;
using Dockerman.Tests.Support.Router;
using Microsoft.Playwright;
using Xunit;

namespace Dockerman.Tests.Console;

/// <summary>
/// The console page (console/) in a real browser, as a router serves it: busybox httpd with the
/// page under /dockerman/ and the published binary as /cgi-bin/dockerman, the stand-in ubusd and
/// rpcd's session object for the logins, and the real daemon. What the page shows is checked in the
/// page; what it did is checked on the daemon's socket.
/// </summary>
[Collection(DaemonCollection.Name)]
public sealed class ConsolePageTests : IClassFixture<ConsoleBrowser>, IAsyncLifetime
{
    private const float Timeout = 20_000;

    private readonly ConsoleBrowser _browser;
    private readonly DaemonObjects _objects;
    private readonly RouterStack _bus;
    private readonly BusyboxHttpd _httpd;
    private IBrowserContext _context = null!;
    private IPage _page = null!;

    public ConsolePageTests(DockerDaemon daemon, ConsoleBrowser browser)
    {
        _browser = browser;
        _objects = new DaemonObjects(daemon);
        _bus = new RouterStack(new RouterStackOptions { WebServer = false, DockerHost = daemon.Host });
        _httpd = new BusyboxHttpd(new Dictionary<string, string> { ["DOCKERMAN_CONFIG_DIR"] = _bus.ConfigDir });
        string site = Path.Combine(_httpd.Root, "www", "dockerman");
        Directory.CreateDirectory(site);
        foreach (string file in Directory.GetFiles(Path.Combine(Paths.RepoRoot, "console")))
        {
            File.Copy(file, Path.Combine(site, Path.GetFileName(file)));
        }
    }

    private string PageUrl => $"http://127.0.0.1:{_httpd.Port}/dockerman/";

    public async Task InitializeAsync()
    {
        // A phone's screen: the layout must leave every control reachable there.
        _context = await _browser.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 390, Height = 844 },
        });
        _context.SetDefaultTimeout(Timeout);
        _page = await _context.NewPageAsync();
        _page.Dialog += (_, dialog) => dialog.AcceptAsync();
    }

    public async Task DisposeAsync()
    {
        await _context.CloseAsync();
        _objects.Dispose();
        _httpd.Dispose();
        _bus.Dispose();
    }

    private string Failure => $"httpd: {_httpd.Log}\nstand-ins: {_bus.Log}";

    /// <summary>Logs in by keyboard: the fields by their labels, Enter submits.</summary>
    private async Task LogIn(RpcdLogin login)
    {
        await _page.GotoAsync(PageUrl);
        await _page.GetByLabel("User name").FillAsync(login.Username);
        await _page.GetByLabel("Password").FillAsync(login.Password);
        await _page.GetByLabel("Password").PressAsync("Enter");
        await _page.Locator("#containers").WaitForAsync();
    }

    private ILocator Row(string name) => _page.Locator($"#container-rows tr[data-name=\"{name}\"]");

    private ILocator Control(string label, string name) =>
        _page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = $"{label} {name}", Exact = true });

    private bool Running(string name) => _objects.Json($"/containers/{name}/json").GetProperty("State").GetProperty("Running").GetBoolean();

    private string SleepingContainer()
    {
        string name = DaemonObjects.Unique("con");
        // sh as PID 1 ends on SIGTERM only by a trap of its own: stop takes no 10 s grace period.
        _objects.CreateContainer(name, ["sh", "-c", "trap 'exit 0' TERM; sleep 600 & wait"], start: true);
        return name;
    }

    [Fact]
    public async Task Login_RightPassword_ContainersListedWithState()
    {
        string name = SleepingContainer();

        await LogIn(RpcdLogin.Admin);

        await Row(name).WaitForAsync();
        Assert.Equal("running", await Row(name).GetAttributeAsync("data-state"));
        Assert.StartsWith("Up", await Row(name).Locator("td.state").TextContentAsync() ?? "", StringComparison.Ordinal);
        Assert.Equal(RpcdLogin.Admin.Username, await _page.Locator("#user").TextContentAsync());
    }

    [Fact]
    public async Task Login_WrongPassword_MessageShownAndStillAtLoginForm()
    {
        await _page.GotoAsync(PageUrl);
        await _page.GetByLabel("User name").FillAsync(RpcdLogin.Admin.Username);
        await _page.GetByLabel("Password").FillAsync("not-the-password");
        await _page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Log in" }).ClickAsync();

        await _page.Locator("#login-error", new PageLocatorOptions { HasTextString = "wrong user name or password" }).WaitForAsync();
        Assert.True(await _page.Locator("#containers").IsHiddenAsync());
        Assert.Null(await _page.EvaluateAsync<string?>("sessionStorage.getItem('dockerman.session')"));
    }

    [Fact]
    public async Task StopThenStart_PressingTheControls_DaemonStateChanges()
    {
        string name = SleepingContainer();
        await LogIn(RpcdLogin.Admin);

        // By keyboard: the control takes the focus and Enter presses it.
        await Control("Stop", name).FocusAsync();
        await _page.Keyboard.PressAsync("Enter");
        await _page.Locator($"#container-rows tr[data-name=\"{name}\"][data-state=\"exited\"]").WaitForAsync();
        Assert.False(Running(name), Failure);

        await Control("Start", name).ClickAsync();
        await _page.Locator($"#container-rows tr[data-name=\"{name}\"][data-state=\"running\"]").WaitForAsync();
        Assert.True(Running(name), Failure);
        Assert.Contains($"{name} started.", await _page.Locator("#notice").TextContentAsync() ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public async Task FollowLogs_LineWrittenAfterOpening_ArrivesOnScreen()
    {
        string name = DaemonObjects.Unique("log");
        string id = _objects.CreateContainer(name,
            ["sh", "-c", "echo first-line; while [ ! -e /tmp/more ]; do sleep 0.2; done; echo arrived-late; sleep 600"], start: true);
        await LogIn(RpcdLogin.Admin);

        await Control("Logs", name).ClickAsync();
        ILocator lines = _page.Locator("#log-lines");
        await _page.Locator("#log-lines", new PageLocatorOptions { HasTextString = "first-line" }).WaitForAsync();
        Assert.DoesNotContain("arrived-late", await lines.TextContentAsync() ?? "", StringComparison.Ordinal);

        (int status, string text) = _objects.Send("POST", $"/containers/{id}/exec",
            new Dictionary<string, object> { ["Cmd"] = new[] { "sh", "-c", "echo > /tmp/more" } });
        Assert.True(status == 201, text);
        string exec = JsonDocument.Parse(text).RootElement.GetProperty("Id").GetString()!;
        (status, text) = _objects.Send("POST", $"/exec/{exec}/start", new Dictionary<string, object> { ["Detach"] = true });
        Assert.True(status == 200, text);

        await _page.Locator("#log-lines", new PageLocatorOptions { HasTextString = "arrived-late" }).WaitForAsync();
        string shown = await lines.TextContentAsync() ?? "";
        Assert.Equal(["first-line", "arrived-late"], shown.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Pull_FromTheTestRegistry_ProgressToTheEndAndImageOnTheDaemon()
    {
        using var registry = new Registry();
        string tag = "t" + Guid.NewGuid().ToString("N")[..8];
        RegistryImages.Push(registry, "consolepull", tag,
            [Tars.Build(("a.txt", new string('a', 40_000))), Tars.Build(("b.txt", new string('b', 40_000)))]);
        string reference = $"{registry.Host}/consolepull:{tag}";
        _objects.Image(reference);
        await LogIn(RpcdLogin.Admin);

        await _page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Images" }).ClickAsync();
        await _page.GetByLabel("Pull an image").FillAsync(reference);
        await _page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Pull", Exact = true }).ClickAsync();

        await _page.Locator("#pull-result[data-state=\"done\"]").WaitForAsync(new LocatorWaitForOptions { Timeout = 60_000 });
        string result = await _page.Locator("#pull-result").TextContentAsync() ?? "";
        Assert.Contains($"Downloaded newer image for {reference}", result, StringComparison.Ordinal);
        string progress = await _page.Locator("#pull-progress").TextContentAsync() ?? "";
        Assert.Equal(2, await _page.Locator("#pull-progress li[data-layer]").CountAsync());
        Assert.Contains("Pull complete", progress, StringComparison.Ordinal);
        Assert.True(_objects.Exists($"/images/{reference}/json"), Failure);
        await _page.Locator($"#image-rows tr[data-tags~=\"{reference}\"]").WaitForAsync();
    }

    [Fact]
    public async Task Stop_ReadOnlyUser_RefusedWithTheMessageOnScreen()
    {
        string name = SleepingContainer();
        await LogIn(RpcdLogin.Viewer);

        await Control("Stop", name).ClickAsync();

        await _page.Locator("#notice", new PageLocatorOptions { HasTextString = "no write access to luci-app-dockerman" }).WaitForAsync();
        Assert.True(Running(name));
        Assert.True(await _page.Locator("#containers").IsVisibleAsync()); // still logged in: a refusal is no logout
    }

    [Fact]
    public async Task SessionDestroyed_NextAction_BackAtTheLoginForm()
    {
        string name = SleepingContainer();
        await LogIn(RpcdLogin.Admin);
        await Row(name).WaitForAsync();
        string stored = await _page.EvaluateAsync<string>("sessionStorage.getItem('dockerman.session')");
        string sid = JsonDocument.Parse(stored).RootElement.GetProperty("session").GetString()!;
        Assert.True(_bus.Destroy(sid));

        await _page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Refresh" }).ClickAsync();

        await _page.Locator("#login-error", new PageLocatorOptions { HasTextString = "expired" }).WaitForAsync();
        Assert.True(await _page.GetByLabel("User name").IsVisibleAsync());
        Assert.True(await _page.Locator("#containers").IsHiddenAsync());
        Assert.Null(await _page.EvaluateAsync<string?>("sessionStorage.getItem('dockerman.session')"));
        Assert.True(Running(name));
    }
}
