using System.Globalization;
using System.Text.Json;
using Dockerman.Tests.Support;
using Dockerman.Tests.Support.Router;
using Microsoft.Playwright;
using Xunit;

namespace Dockerman.Tests.Console;

/// <summary>The events view (events as they happen, across the ends of dockerman's streams, of one
/// type, stopped when the view is left) and the system view's disk use.</summary>
[Collection(DaemonCollection.Name)]
public sealed class ConsoleEventTests(DockerDaemon daemon, ConsoleBrowser browser) : ConsolePageTest(daemon, browser)
{
    private ILocator EventRow(string actor, string action) =>
        Page.Locator($"#event-rows tr[data-actor=\"{actor}\"][data-action=\"{action}\"]");

    private static bool IsEvents(string url) => new Uri(url).AbsolutePath.EndsWith("/admin/docker/events", StringComparison.Ordinal);

    private async Task OpenEvents()
    {
        await LogIn(RpcdLogin.Admin);
        await Open("Events");
        await Page.Locator("#events-state", new PageLocatorOptions { HasTextString = "Following the events" }).WaitForAsync();
    }

    [Fact]
    public async Task Events_ContainerCreatedAndStarted_ArriveThenStreamAbortedOnLeaving()
    {
        await OpenEvents();

        string name = SleepingContainer();

        await EventRow(name, "create").WaitForAsync();
        await EventRow(name, "start").WaitForAsync();
        ILocator newest = Page.Locator("#event-rows tr").First;
        Assert.Equal("start", await newest.GetAttributeAsync("data-action"));
        Assert.Equal("container", await EventRow(name, "start").Locator("td[data-label=\"Type\"]").TextContentAsync());

        var aborted = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        Page.RequestFailed += (_, request) =>
        {
            if (IsEvents(request.Url))
            {
                aborted.TrySetResult(request.Failure ?? "");
            }
        };
        await Open("Containers");

        Assert.Equal("net::ERR_ABORTED", await aborted.Task.WaitAsync(TimeSpan.FromSeconds(20)));
    }

    [Fact]
    public async Task Events_StreamEndsAtTheDeadline_NextOneGoesOnWithNothingMissedOrRepeated()
    {
        Bus.WriteDockermanConfig("\toption stream_deadline '2'");
        string name = DaemonObjects.Unique("con");
        var urls = new List<string>();
        var fourth = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await Page.RouteAsync(url => IsEvents(url), async route =>
        {
            int n;
            lock (urls)
            {
                urls.Add(route.Request.Url);
                n = urls.Count;
            }

            // Between the first stream's end and the second's start: only since= brings these.
            if (n == 2)
            {
                Objects.CreateContainer(name, ["sleep", "600"], start: true);
            }

            if (n == 4)
            {
                fourth.TrySetResult();
            }

            await route.ContinueAsync();
        });
        await OpenEvents();

        await EventRow(name, "create").WaitForAsync();
        await EventRow(name, "start").WaitForAsync();
        // A third stream started after these events came and ended: its since= repeated none.
        await fourth.Task.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(1, await EventRow(name, "create").CountAsync());
        Assert.Equal(1, await EventRow(name, "start").CountAsync());
        string[] since = [.. urls.Select(u => System.Web.HttpUtility.ParseQueryString(new Uri(u).Query)["since"] ?? "")];
        Assert.All(since, s => Assert.Matches(@"^\d+\.\d{9}$", s));
        Assert.Equal(since[0], since[1]); // nothing came in the first stream: the same start again
        Assert.True(decimal.Parse(since[2], CultureInfo.InvariantCulture) > decimal.Parse(since[1], CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Events_TypeChosen_OnlyThatTypeShown()
    {
        await OpenEvents();
        var filtered = Page.WaitForRequestAsync(r => IsEvents(r.Url) && r.Url.Contains("filters=", StringComparison.Ordinal));
        await Page.Locator("#events").GetByLabel("Type", new LocatorGetByLabelOptions { Exact = true }).SelectOptionAsync("container");
        IRequest request = await filtered;
        await Page.Locator("#events-state", new PageLocatorOptions { HasTextString = "of type container" }).WaitForAsync();
        string? filters = System.Web.HttpUtility.ParseQueryString(new Uri(request.Url).Query)["filters"];
        Assert.Equal("""{"type":["container"]}""", filters);

        string volume = Objects.Volume(DaemonObjects.Unique("vol"));
        (int status, string text) = Objects.Send("POST", "/volumes/create", new Dictionary<string, object> { ["Name"] = volume });
        Assert.True(status == 201, text);
        string name = DaemonObjects.Unique("con");
        Objects.CreateContainer(name, ["true"]);

        await EventRow(name, "create").WaitForAsync();
        Assert.Equal(0, await Page.Locator("#event-rows tr:not([data-type=\"container\"])").CountAsync());
        Assert.Equal(0, await Page.Locator($"#event-rows tr[data-actor=\"{volume}\"]").CountAsync());
    }

    [Fact]
    public async Task DiskUse_SystemView_ImagesAsTheDaemonCountsThem()
    {
        string name = DaemonObjects.Unique("con");
        Objects.CreateContainer(name, ["true"]);
        JsonElement df = Objects.Json("/system/df");
        int images = df.GetProperty("Images").GetArrayLength();
        Assert.True(images >= 1); // testbox:1 at least
        long layers = df.GetProperty("LayersSize").GetInt64();
        await LogIn(RpcdLogin.Admin);

        await Open("System");

        ILocator row = Page.Locator("#df-rows tr[data-type=\"images\"]");
        await row.WaitForAsync();
        Assert.Equal(images.ToString(CultureInfo.InvariantCulture), await row.Locator("td.count").TextContentAsync());
        Assert.Equal(Size(layers), await row.Locator("td.bytes").TextContentAsync());
        int containers = df.GetProperty("Containers").GetArrayLength();
        Assert.True(containers >= 1);
        Assert.Equal(containers.ToString(CultureInfo.InvariantCulture),
            await Page.Locator("#df-rows tr[data-type=\"containers\"] td.count").TextContentAsync());
    }

    /// <summary>The page's DM.size: decimal units, one decimal past bytes.</summary>
    private static string Size(long bytes)
    {
        string[] units = ["B", "kB", "MB", "GB", "TB"];
        double value = bytes;
        int i = 0;
        while (value >= 1000 && i < units.Length - 1)
        {
            value /= 1000;
            i++;
        }

        return (i > 0 ? value.ToString("F1", CultureInfo.InvariantCulture) : bytes.ToString(CultureInfo.InvariantCulture)) + " " + units[i];
    }
}
