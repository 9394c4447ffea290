using System.Text.Json;
using Dockerman.Tests.Support;
using Dockerman.Tests.Support.Router;
using Microsoft.Playwright;
using Xunit;

namespace Dockerman.Tests.Console;

/// <summary>A container's CPUs, memory and restart policy changed from its panel
/// (container/update), checked on the daemon; bad input refused on the page with nothing sent;
/// a read-only user's change refused.</summary>
[Collection(DaemonCollection.Name)]
public sealed class ConsoleResourcesTests(DockerDaemon daemon, ConsoleBrowser browser) : ConsolePageTest(daemon, browser)
{
    private ILocator Field(string label) => Page.Locator("#resources").GetByLabel(label, new LocatorGetByLabelOptions { Exact = true });

    private ILocator Now => Page.Locator("#resources-now");

    private JsonElement HostConfig(string name) => Objects.Json($"/containers/{name}/json").GetProperty("HostConfig");

    private async Task OpenResources(RpcdLogin login, string name)
    {
        await LogIn(login);
        await Row(name).WaitForAsync();
        await More(name);
        await Page.Locator("#resources > summary").ClickAsync();
        await Page.Locator("#resources-now", new PageLocatorOptions { HasTextString = "Now:" }).WaitForAsync();
    }

    [Fact]
    public async Task Update_CpusMemoryRestartPolicy_DaemonHasThemAndThePanelSaysSo()
    {
        string name = SleepingContainer();
        await OpenResources(RpcdLogin.Admin, name);
        Assert.Equal("Now: all CPUs, memory unlimited, restart no.", await Now.TextContentAsync());

        await Field("CPUs").FillAsync("0.5");
        await Field("Memory").FillAsync("64m");
        await Field("Restart policy").SelectOptionAsync("on-failure");
        await Field("Retries").FillAsync("4");
        await Control("Update resources of", name).ClickAsync();

        await NoticeShows($"Resources of {name} updated.");
        JsonElement host = HostConfig(name);
        Assert.Equal(500_000_000, host.GetProperty("NanoCpus").GetInt64());
        Assert.Equal(64L << 20, host.GetProperty("Memory").GetInt64());
        Assert.Equal(128L << 20, host.GetProperty("MemorySwap").GetInt64());
        Assert.Equal("on-failure", host.GetProperty("RestartPolicy").GetProperty("Name").GetString());
        Assert.Equal(4, host.GetProperty("RestartPolicy").GetProperty("MaximumRetryCount").GetInt32());
        await Page.Locator("#resources-now", new PageLocatorOptions
        {
            HasTextString = "Now: 0.5 CPUs, 64 MiB memory (with swap 128 MiB), restart on-failure (4 retries).",
        }).WaitForAsync();
        Assert.True(Running(name), Failure);

        // Only the policy this time: the limits the fields leave empty stay as they are.
        await Field("Restart policy").SelectOptionAsync("unless-stopped");
        await Control("Update resources of", name).ClickAsync();
        await Page.Locator("#resources-now", new PageLocatorOptions { HasTextString = "restart unless-stopped." }).WaitForAsync();
        host = HostConfig(name);
        Assert.Equal("unless-stopped", host.GetProperty("RestartPolicy").GetProperty("Name").GetString());
        Assert.Equal(500_000_000, host.GetProperty("NanoCpus").GetInt64());
        Assert.Equal(64L << 20, host.GetProperty("Memory").GetInt64());
    }

    [Theory]
    [InlineData("CPUs", "lots", "CPUs \"lots\": a number above 0")]
    [InlineData("CPUs", "0", "CPUs \"0\": a number above 0")]
    [InlineData("Memory", "64 apples", "Memory \"64 apples\": a size as 256m or 1g")]
    public async Task Update_BadInput_RefusedNextToTheFieldAndNothingSent(string label, string text, string message)
    {
        string name = SleepingContainer();
        await OpenResources(RpcdLogin.Admin, name);

        await Field(label).FillAsync(text);
        await Field("Restart policy").SelectOptionAsync("always");
        await Control("Update resources of", name).ClickAsync();

        await Page.Locator("#resources-error", new PageLocatorOptions { HasTextString = message }).WaitForAsync();
        Assert.Equal("true", await Field(label).GetAttributeAsync("aria-invalid"));
        JsonElement host = HostConfig(name);
        // The daemon's default policy: "no", or no name at all (before API 1.42).
        Assert.Contains(host.GetProperty("RestartPolicy").GetProperty("Name").GetString(), new[] { "", "no" });
        Assert.Equal(0, host.GetProperty("NanoCpus").GetInt64());
        Assert.Equal(0, host.GetProperty("Memory").GetInt64());
    }

    [Fact]
    public async Task Update_TheDaemonRefuses_ItsMessageShown()
    {
        string name = SleepingContainer();
        await OpenResources(RpcdLogin.Admin, name);

        // Below the daemon's smallest memory limit (6 MB).
        await Field("Memory").FillAsync("1m");
        await Control("Update resources of", name).ClickAsync();

        await Page.Locator("#resources-error", new PageLocatorOptions { HasTextString = "Minimum memory limit" }).WaitForAsync();
        Assert.Equal(0, HostConfig(name).GetProperty("Memory").GetInt64());
    }

    [Fact]
    public async Task Update_ReadOnlyUser_RefusedWithTheMessage()
    {
        string name = SleepingContainer();
        await OpenResources(RpcdLogin.Viewer, name);

        await Field("CPUs").FillAsync("1");
        await Control("Update resources of", name).ClickAsync();

        await NoticeShows("no write access to luci-app-dockerman");
        Assert.Equal(0, HostConfig(name).GetProperty("NanoCpus").GetInt64());
    }
}
