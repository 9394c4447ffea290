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
/// A test class of the console derives from this: it gets a fresh browser context with a
/// phone's screen, the site, the stand-ins and helpers to log in and find the controls.
/// </summary>
public abstract class ConsolePageTest : IClassFixture<ConsoleBrowser>, IAsyncLifetime
{
    protected const float Timeout = 20_000;

    private readonly ConsoleBrowser _browser;
    protected DaemonObjects Objects { get; }
    protected RouterStack Bus { get; }
    protected BusyboxHttpd Httpd { get; }
    private IBrowserContext _context = null!;
    protected IPage Page { get; private set; } = null!;

    protected ConsolePageTest(DockerDaemon daemon, ConsoleBrowser browser)
    {
        _browser = browser;
        Objects = new DaemonObjects(daemon);
        Bus = new RouterStack(new RouterStackOptions { WebServer = false, DockerHost = daemon.Host });
        Httpd = new BusyboxHttpd(new Dictionary<string, string> { ["DOCKERMAN_CONFIG_DIR"] = Bus.ConfigDir });
        string site = Path.Combine(Httpd.Root, "www", "dockerman");
        Directory.CreateDirectory(site);
        foreach (string file in Directory.GetFiles(Path.Combine(Paths.RepoRoot, "console")))
        {
            File.Copy(file, Path.Combine(site, Path.GetFileName(file)));
        }
    }

    protected string PageUrl => $"http://127.0.0.1:{Httpd.Port}/dockerman/";

    public async Task InitializeAsync()
    {
        // A phone's screen: the layout must leave every control reachable there.
        _context = await _browser.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 390, Height = 844 },
        });
        _context.SetDefaultTimeout(Timeout);
        Page = await _context.NewPageAsync();
        Page.Dialog += (_, dialog) => dialog.AcceptAsync();
    }

    public async Task DisposeAsync()
    {
        await _context.CloseAsync();
        Objects.Dispose();
        Httpd.Dispose();
        Bus.Dispose();
    }

    protected string Failure => $"httpd: {Httpd.Log}\nstand-ins: {Bus.Log}";

    /// <summary>Logs in by keyboard: the fields by their labels, Enter submits.</summary>
    protected async Task LogIn(RpcdLogin login)
    {
        await Page.GotoAsync(PageUrl);
        await Page.GetByLabel("User name").FillAsync(login.Username);
        await Page.GetByLabel("Password").FillAsync(login.Password);
        await Page.GetByLabel("Password").PressAsync("Enter");
        await Page.Locator("#containers").WaitForAsync();
    }

    /// <summary>Opens a view by its button in the navigation.</summary>
    protected Task Open(string view) =>
        Page.Locator("#nav").GetByRole(AriaRole.Button, new LocatorGetByRoleOptions { Name = view, Exact = true }).ClickAsync();

    /// <summary>Waits until the notice line (successes and refusals) shows <paramref name="text"/>.</summary>
    protected Task NoticeShows(string text) =>
        Page.Locator("#notice", new PageLocatorOptions { HasTextString = text }).WaitForAsync();

    /// <summary>Waits until the details panel (what an inspect answers) shows <paramref name="text"/>.</summary>
    protected Task DetailsShow(string text) =>
        Page.Locator("#details-body", new PageLocatorOptions { HasTextString = text }).WaitForAsync();

    protected ILocator Row(string name) => Page.Locator($"#container-rows tr[data-name=\"{name}\"]");

    protected ILocator Control(string label, string name) =>
        Page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = $"{label} {name}", Exact = true });

    /// <summary>Opens the container's panel by its row's More.</summary>
    protected async Task More(string name)
    {
        await Control("More", name).ClickAsync();
        await Page.Locator("#container-panel #panel-title", new PageLocatorOptions { HasTextString = name }).WaitForAsync();
        Assert.Equal("true", await Control("More", name).GetAttributeAsync("aria-expanded"));
    }

    protected bool Running(string name) => Objects.Json($"/containers/{name}/json").GetProperty("State").GetProperty("Running").GetBoolean();

    protected string SleepingContainer()
    {
        string name = DaemonObjects.Unique("con");
        // sh as PID 1 ends on SIGTERM only by a trap of its own: stop takes no 10 s grace period.
        Objects.CreateContainer(name, ["sh", "-c", "trap 'exit 0' TERM; sleep 600 & wait"], start: true);
        return name;
    }
}
