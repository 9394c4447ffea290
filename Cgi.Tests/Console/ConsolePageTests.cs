using System.Text.Json;
using Dockerman.Tests.Support;
using Dockerman.Tests.Support.Router;
using Microsoft.Playwright;
using Xunit;

namespace Dockerman.Tests.Console;

/// <summary>Logging in and out, the containers' list, start and stop, logs followed, a pull, and
/// the refusals of a read-only user and of an expired session.</summary>
[Collection(DaemonCollection.Name)]
public sealed class ConsolePageTests(DockerDaemon daemon, ConsoleBrowser browser) : ConsolePageTest(daemon, browser)
{
    [Fact]
    public async Task Login_RightPassword_ContainersListedWithState()
    {
        string name = SleepingContainer();

        await LogIn(RpcdLogin.Admin);

        await Row(name).WaitForAsync();
        Assert.Equal("running", await Row(name).GetAttributeAsync("data-state"));
        Assert.StartsWith("Up", await Row(name).Locator("td.state").TextContentAsync() ?? "", StringComparison.Ordinal);
        Assert.Equal(RpcdLogin.Admin.Username, await Page.Locator("#user").TextContentAsync());
    }

    [Fact]
    public async Task Login_WrongPassword_MessageShownAndStillAtLoginForm()
    {
        await Page.GotoAsync(PageUrl);
        await Page.GetByLabel("User name").FillAsync(RpcdLogin.Admin.Username);
        await Page.GetByLabel("Password").FillAsync("not-the-password");
        await Page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Log in" }).ClickAsync();

        await Page.Locator("#login-error", new PageLocatorOptions { HasTextString = "wrong user name or password" }).WaitForAsync();
        Assert.True(await Page.Locator("#containers").IsHiddenAsync());
        Assert.Null(await Page.EvaluateAsync<string?>("sessionStorage.getItem('dockerman.session')"));
    }

    [Fact]
    public async Task StopThenStart_PressingTheControls_DaemonStateChanges()
    {
        string name = SleepingContainer();
        await LogIn(RpcdLogin.Admin);

        // By keyboard: the control takes the focus and Enter presses it.
        await Control("Stop", name).FocusAsync();
        await Page.Keyboard.PressAsync("Enter");
        await Page.Locator($"#container-rows tr[data-name=\"{name}\"][data-state=\"exited\"]").WaitForAsync();
        Assert.False(Running(name), Failure);

        await Control("Start", name).ClickAsync();
        await Page.Locator($"#container-rows tr[data-name=\"{name}\"][data-state=\"running\"]").WaitForAsync();
        Assert.True(Running(name), Failure);
        Assert.Contains($"{name} started.", await Page.Locator("#notice").TextContentAsync() ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public async Task Restart_PressingTheControl_ContainerStartedAgain()
    {
        string name = SleepingContainer();
        string started = Objects.Json($"/containers/{name}/json").GetProperty("State").GetProperty("StartedAt").GetString()!;
        await LogIn(RpcdLogin.Admin);

        await Control("Restart", name).ClickAsync();

        await NoticeShows($"{name} restarted.");
        JsonElement state = Objects.Json($"/containers/{name}/json").GetProperty("State");
        Assert.True(state.GetProperty("Running").GetBoolean(), Failure);
        Assert.NotEqual(started, state.GetProperty("StartedAt").GetString());
    }

    [Fact]
    public async Task Remove_Confirmed_GoneFromTheDaemonAndTheList()
    {
        string name = DaemonObjects.Unique("rm");
        Objects.CreateContainer(name, ["true"]);
        await LogIn(RpcdLogin.Admin);
        await Row(name).WaitForAsync();

        await Control("Remove", name).ClickAsync();

        await NoticeShows($"{name} removed.");
        Assert.False(Objects.Exists($"/containers/{name}/json"), Failure);
        await Row(name).WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Detached });
    }

    [Fact]
    public async Task System_Opened_ShowsTheDaemonsOwnFacts()
    {
        JsonElement info = Objects.Json("/info");
        JsonElement version = Objects.Json("/version");
        await LogIn(RpcdLogin.Admin);

        await Open("System");

        ILocator facts = Page.Locator("#system-info");
        await Page.Locator("#system-info dd", new PageLocatorOptions { HasTextString = version.GetProperty("Version").GetString()! }).WaitForAsync();
        string shown = await facts.TextContentAsync() ?? "";
        Assert.Contains(info.GetProperty("Name").GetString()!, shown, StringComparison.Ordinal);
        Assert.Contains(info.GetProperty("DockerRootDir").GetString()!, shown, StringComparison.Ordinal);
        Assert.Contains($"API {version.GetProperty("ApiVersion").GetString()}", shown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FollowLogs_LineWrittenAfterOpening_ArrivesOnScreen()
    {
        string name = DaemonObjects.Unique("log");
        string id = Objects.CreateContainer(name,
            ["sh", "-c", "echo first-line; while [ ! -e /tmp/more ]; do sleep 0.2; done; echo arrived-late; sleep 600"], start: true);
        await LogIn(RpcdLogin.Admin);

        await Control("Logs", name).ClickAsync();
        ILocator lines = Page.Locator("#log-lines");
        await Page.Locator("#log-lines", new PageLocatorOptions { HasTextString = "first-line" }).WaitForAsync();
        Assert.DoesNotContain("arrived-late", await lines.TextContentAsync() ?? "", StringComparison.Ordinal);

        (int status, string text) = Objects.Send("POST", $"/containers/{id}/exec",
            new Dictionary<string, object> { ["Cmd"] = new[] { "sh", "-c", "echo > /tmp/more" } });
        Assert.True(status == 201, text);
        string exec = JsonDocument.Parse(text).RootElement.GetProperty("Id").GetString()!;
        (status, text) = Objects.Send("POST", $"/exec/{exec}/start", new Dictionary<string, object> { ["Detach"] = true });
        Assert.True(status == 200, text);

        await Page.Locator("#log-lines", new PageLocatorOptions { HasTextString = "arrived-late" }).WaitForAsync();
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
        Objects.Image(reference);
        await LogIn(RpcdLogin.Admin);

        await Page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Images" }).ClickAsync();
        await Page.GetByLabel("Pull an image").FillAsync(reference);
        await Page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Pull", Exact = true }).ClickAsync();

        await Page.Locator("#pull-result[data-state=\"done\"]").WaitForAsync(new LocatorWaitForOptions { Timeout = 60_000 });
        string result = await Page.Locator("#pull-result").TextContentAsync() ?? "";
        Assert.Contains($"Downloaded newer image for {reference}", result, StringComparison.Ordinal);
        string progress = await Page.Locator("#pull-progress").TextContentAsync() ?? "";
        Assert.Equal(2, await Page.Locator("#pull-progress li[data-layer]").CountAsync());
        Assert.Contains("Pull complete", progress, StringComparison.Ordinal);
        Assert.True(Objects.Exists($"/images/{reference}/json"), Failure);
        await Page.Locator($"#image-rows tr[data-tags~=\"{reference}\"]").WaitForAsync();
    }

    [Fact]
    public async Task Stop_ReadOnlyUser_RefusedWithTheMessageOnScreen()
    {
        string name = SleepingContainer();
        await LogIn(RpcdLogin.Viewer);

        await Control("Stop", name).ClickAsync();

        await Page.Locator("#notice", new PageLocatorOptions { HasTextString = "no write access to luci-app-dockerman" }).WaitForAsync();
        Assert.True(Running(name));
        Assert.True(await Page.Locator("#containers").IsVisibleAsync()); // still logged in: a refusal is no logout
    }

    [Fact]
    public async Task SessionDestroyed_NextAction_BackAtTheLoginForm()
    {
        string name = SleepingContainer();
        await LogIn(RpcdLogin.Admin);
        await Row(name).WaitForAsync();
        string stored = await Page.EvaluateAsync<string>("sessionStorage.getItem('dockerman.session')");
        string sid = JsonDocument.Parse(stored).RootElement.GetProperty("session").GetString()!;
        Assert.True(Bus.Destroy(sid));

        await Page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Refresh" }).ClickAsync();

        await Page.Locator("#login-error", new PageLocatorOptions { HasTextString = "expired" }).WaitForAsync();
        Assert.True(await Page.GetByLabel("User name").IsVisibleAsync());
        Assert.True(await Page.Locator("#containers").IsHiddenAsync());
        Assert.Null(await Page.EvaluateAsync<string?>("sessionStorage.getItem('dockerman.session')"));
        Assert.True(Running(name));
    }
}
