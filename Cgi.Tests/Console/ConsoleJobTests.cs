using System.Security.Cryptography;
using Dockerman.Tests.Support;
using Dockerman.Tests.Support.Router;
using Microsoft.Playwright;
using Xunit;

namespace Dockerman.Tests.Console;

/// <summary>
/// Pulls run as dockerman's background jobs, so they outlive the page: a page reloaded in the
/// middle of a pull takes its progress up again and sees it to the end, and a running pull can be
/// cancelled from the page. The pull is held in the middle of its layer by a proxy in front of the
/// registry until the test lets it go.
/// </summary>
[Collection(DaemonCollection.Name)]
public sealed class ConsoleJobTests(DockerDaemon daemon, ConsoleBrowser browser) : ConsolePageTest(daemon, browser)
{
    /// <summary>An image in the registry whose one layer is larger, gzip'd, than the proxy lets through.</summary>
    private static string HeldImage(Registry registry, GatedProxy gate, string name)
    {
        string tag = "t" + Guid.NewGuid().ToString("N")[..8];
        RegistryImages.Push(registry, name, tag, [Tars.Build(("noise.txt", Convert.ToHexString(RandomNumberGenerator.GetBytes(4 << 20))))]);
        return $"{gate.Host}/{name}:{tag}";
    }

    private async Task StartPull(string reference, GatedProxy gate)
    {
        await LogIn(RpcdLogin.Admin);
        await Open("Images");
        await Page.GetByLabel("Pull an image").FillAsync(reference);
        await Page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Pull", Exact = true }).ClickAsync();
        Assert.True(gate.WaitHolding(TimeSpan.FromSeconds(30)), "the pull never reached the middle of its layer");
        await Page.Locator("#pull-progress li[data-layer]").First.WaitForAsync();
    }

    private ILocator RunningJob => Page.Locator("#job-rows tr[data-state=\"running\"]");

    [Fact]
    public async Task Pull_PageReloadedMidPull_ProgressTakenUpAgainAndSeenToTheEnd()
    {
        using var registry = new Registry();
        using var gate = new GatedProxy(registry.Port, holdAfterBytes: 1 << 20);
        string reference = Objects.Image(HeldImage(registry, gate, "reload"));
        await StartPull(reference, gate);

        await Page.ReloadAsync();
        await Page.Locator("#containers").WaitForAsync(); // still logged in: the session is the tab's
        await Open("Images");

        await RunningJob.WaitForAsync();
        ILocator result = Page.Locator("#pull-result[data-state=\"running\"]");
        await result.WaitForAsync();
        Assert.Contains(reference, await result.TextContentAsync() ?? "", StringComparison.Ordinal);
        await Page.Locator("#pull-progress li[data-layer]").First.WaitForAsync(); // the progress so far, again
        Assert.False(Objects.Exists($"/images/{reference}/json"));

        gate.Release();

        await Page.Locator("#pull-result[data-state=\"done\"]").WaitForAsync(new LocatorWaitForOptions { Timeout = 60_000 });
        Assert.Contains($"Downloaded newer image for {reference}", await Page.Locator("#pull-result").TextContentAsync() ?? "", StringComparison.Ordinal);
        Assert.True(Objects.Exists($"/images/{reference}/json"), Failure);
        await Page.Locator("#job-rows tr[data-state=\"done\"]").WaitForAsync();
        await Page.Locator($"#image-rows tr[data-tags=\"{reference}\"]").WaitForAsync();
    }

    [Fact]
    public async Task Cancel_RunningPull_JobFailsAsCancelledAndNoImage()
    {
        using var registry = new Registry();
        using var gate = new GatedProxy(registry.Port, holdAfterBytes: 1 << 20);
        string reference = Objects.Image(HeldImage(registry, gate, "cancel"));
        await StartPull(reference, gate);
        await RunningJob.WaitForAsync();

        await RunningJob.GetByRole(AriaRole.Button).ClickAsync();

        ILocator result = Page.Locator("#pull-result[data-state=\"failed\"]");
        await result.WaitForAsync();
        Assert.Contains("cancelled", await result.TextContentAsync() ?? "", StringComparison.Ordinal);
        await Page.Locator("#job-rows tr[data-state=\"failed\"]", new PageLocatorOptions { HasTextString = "cancelled" }).WaitForAsync();
        gate.Release();
        Assert.False(Objects.Exists($"/images/{reference}/json"), Failure);
    }
}
