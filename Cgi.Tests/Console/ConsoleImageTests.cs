using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Dockerman.Tests.Support;
using Dockerman.Tests.Support.Router;
using Microsoft.Playwright;
using Xunit;

namespace Dockerman.Tests.Console;

/// <summary>The images view's actions: tag, remove, inspect, save, load, push with a registry's
/// credentials, build from an uploaded context, and a read-only user's refused remove. Each is
/// checked on the daemon's socket (or the registry) and on the page.</summary>
[Collection(DaemonCollection.Name)]
public sealed class ConsoleImageTests(DockerDaemon daemon, ConsoleBrowser browser) : ConsolePageTest(daemon, browser)
{
    private const float Slow = 90_000;

    /// <summary>An image of its own (one imported file), tagged "name:1": the reference.</summary>
    private string OwnImage(string prefix)
    {
        string repo = DaemonObjects.Unique(prefix);
        Objects.ImportImage(repo);
        return Objects.Image($"{repo}:1");
    }

    private async Task OpenImages()
    {
        await Open("Images");
        await Page.Locator("#image-rows tr").First.WaitForAsync();
    }

    private ILocator ImageRow(string reference) => Page.Locator($"#image-rows tr[data-tags=\"{reference}\"]");

    private ILocator Submit(string label) =>
        Page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = label, Exact = true });

    /// <summary>Waits until the result line of a push or build says how it ended; answers its state
    /// ("done" or "failed") and its text.</summary>
    private async Task<(string State, string Text)> Ended(string result)
    {
        ILocator line = Page.Locator($"{result}[data-state=\"done\"], {result}[data-state=\"failed\"]");
        await line.WaitForAsync(new() { Timeout = Slow });
        return (await line.GetAttributeAsync("data-state") ?? "", await line.TextContentAsync() ?? "");
    }

    private Task Expand(string summary) => Page.Locator("summary", new PageLocatorOptions { HasTextString = summary }).ClickAsync();

    [Fact]
    public async Task Tag_NewNameInTheField_TagOnTheDaemon()
    {
        string reference = OwnImage("ctag");
        string target = Objects.Image(DaemonObjects.Unique("ctagged") + ":v2");
        await LogIn(RpcdLogin.Admin);
        await OpenImages();

        await Control("Tag", reference).ClickAsync();
        await Page.GetByLabel("New tag for").FillAsync(target);
        await Page.GetByLabel("New tag for").PressAsync("Enter");

        await ImageRow(target).WaitForAsync();
        Assert.Equal(Objects.Json($"/images/{reference}/json").GetProperty("Id").GetString(),
            Objects.Json($"/images/{target}/json").GetProperty("Id").GetString());
        await NoticeShows($"Tagged {reference} as {target}.");
        Assert.True(await Page.Locator("#tag-form").IsHiddenAsync());
    }

    [Fact]
    public async Task Remove_Confirmed_ImageGoneFromTheDaemon()
    {
        string reference = OwnImage("crm");
        await LogIn(RpcdLogin.Admin);
        await OpenImages();
        await ImageRow(reference).WaitForAsync();

        await Control("Remove", reference).ClickAsync();

        await NoticeShows($"{reference} removed");
        Assert.False(Objects.Exists($"/images/{reference}/json"), Failure);
        await ImageRow(reference).WaitForAsync(new() { State = WaitForSelectorState.Detached }); // the list, reloaded after the notice
    }

    [Fact]
    public async Task Remove_ReadOnlyUser_RefusedWithTheMessageAndImageStays()
    {
        string reference = OwnImage("crmro");
        await LogIn(RpcdLogin.Viewer);
        await OpenImages();

        await Control("Remove", reference).ClickAsync();

        await NoticeShows("no write access to luci-app-dockerman");
        Assert.True(Objects.Exists($"/images/{reference}/json"), Failure);
        Assert.Equal(1, await ImageRow(reference).CountAsync());
    }

    [Fact]
    public async Task Inspect_PressingTheControl_DetailsShowTheId()
    {
        string reference = OwnImage("cins");
        string id = Objects.Json($"/images/{reference}/json").GetProperty("Id").GetString()!;
        await LogIn(RpcdLogin.Admin);
        await OpenImages();

        await Control("Inspect", reference).ClickAsync();

        await DetailsShow(id);
        Assert.Equal($"Image {reference}", await Page.Locator("#details-title").TextContentAsync());
        JsonElement shown = JsonDocument.Parse(await Page.Locator("#details-body").TextContentAsync() ?? "").RootElement;
        Assert.Equal(id, shown.GetProperty("Id").GetString());
    }

    [Fact]
    public async Task History_PressingTheControl_ALineForEachLayer()
    {
        string reference = OwnImage("chist");
        int layers = Objects.Json($"/images/{reference}/history").GetArrayLength();
        await LogIn(RpcdLogin.Admin);
        await OpenImages();

        await Control("History", reference).ClickAsync();

        await Page.Locator("#details-title", new PageLocatorOptions { HasTextString = $"History of {reference}" }).WaitForAsync();
        string shown = await Page.Locator("#details-body").TextContentAsync() ?? "";
        Assert.Equal(layers, shown.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains("Imported from -", shown, StringComparison.Ordinal); // an import's comment: no command made it
    }

    [Fact]
    public async Task Prune_Confirmed_DanglingImageGoneTaggedOneStays()
    {
        string dangling = Objects.ImportImage();
        string reference = OwnImage("cprune");
        await LogIn(RpcdLogin.Admin);
        await OpenImages();
        await Page.Locator($"#image-rows tr[data-id=\"{dangling}\"]").WaitForAsync();

        await Page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Prune dangling", Exact = true }).ClickAsync();

        await NoticeShows("Dangling images pruned");
        Assert.False(Objects.Exists($"/images/{dangling}/json"), Failure);
        Assert.True(Objects.Exists($"/images/{reference}/json"), Failure);
        await Page.Locator($"#image-rows tr[data-id=\"{dangling}\"]").WaitForAsync(new() { State = WaitForSelectorState.Detached });
    }

    [Fact]
    public async Task Save_ClickingTheLink_DownloadsATarWithTheManifest()
    {
        string reference = OwnImage("csave");
        await LogIn(RpcdLogin.Admin);
        await OpenImages();

        ILocator link = Page.GetByRole(AriaRole.Link, new PageGetByRoleOptions { Name = $"Save {reference}", Exact = true });
        IDownload download = await Page.RunAndWaitForDownloadAsync(() => link.ClickAsync());

        Assert.EndsWith(".tar", download.SuggestedFilename, StringComparison.Ordinal);
        string path = await download.PathAsync();
        Dictionary<string, byte[]> entries = Tars.Read(await File.ReadAllBytesAsync(path));
        Assert.Contains("manifest.json", entries.Keys);
        Assert.Contains(reference, entries.Text("manifest.json"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Load_TarTheDaemonSaved_ImageBackAndLoadedOnScreen()
    {
        string reference = OwnImage("cload");
        using HttpResponseMessage saved = await Objects.Daemon.Client.GetAsync($"/images/{reference}/get");
        Assert.True(saved.IsSuccessStatusCode, saved.ToString());
        byte[] tar = await saved.Content.ReadAsByteArrayAsync();
        Assert.Equal(200, Objects.Send("DELETE", $"/images/{reference}").Status);
        Assert.False(Objects.Exists($"/images/{reference}/json"));
        await LogIn(RpcdLogin.Admin);
        await OpenImages();

        await Expand("Load from a file");
        await Page.GetByLabel("Image archive").SetInputFilesAsync(new FilePayload { Name = "saved.tar", MimeType = "application/x-tar", Buffer = tar });
        await Submit("Load").ClickAsync();

        ILocator notice = Page.Locator("#notice.ok, #notice.error");
        await notice.WaitForAsync(new() { Timeout = Slow });
        Assert.Equal("Loaded saved.tar.", await notice.TextContentAsync());
        Assert.Contains($"Loaded image: {reference}", await Page.Locator("#load-output").TextContentAsync() ?? "", StringComparison.Ordinal);
        Assert.True(Objects.Exists($"/images/{reference}/json"), Failure);
        await ImageRow(reference).WaitForAsync();
    }

    /// <summary>A registry that wants a login, and testbox tagged for it: the reference to push.</summary>
    private string TaggedFor(Registry registry, out string name, out string tag)
    {
        name = DaemonObjects.Unique("cpush");
        tag = "t" + Guid.NewGuid().ToString("N")[..8];
        string reference = Objects.Image($"{registry.Host}/{name}:{tag}");
        Assert.Equal(201, Objects.Send("POST", $"/images/{DockerDaemon.Image}/tag?repo={registry.Host}/{name}&tag={tag}").Status);
        return reference;
    }

    private static (int Status, string Text) TagsList(Registry registry, string name, string user, string password)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://{registry.Host}/v2/{name}/tags/list");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        using HttpResponseMessage r = http.Send(request);
        return ((int)r.StatusCode, r.Content.ReadAsStringAsync().Result);
    }

    private async Task Push(string reference, string user, string secret)
    {
        await Control("Push", reference).ClickAsync();
        Assert.Equal(reference, await Page.GetByLabel("Image to push").InputValueAsync());
        await Page.GetByLabel("Registry user").FillAsync(user);
        await Page.GetByLabel("Registry secret").FillAsync(secret);
        await Submit("Push").ClickAsync();
    }

    [Fact]
    public async Task Push_WithTheRegistrysLogin_RegistryServesTheTag()
    {
        const string User = "pusher";
        const string Secret = "s3cret-é-push";
        using var registry = new Registry((User, Secret));
        string reference = TaggedFor(registry, out string name, out string tag);
        var addresses = new List<string>();
        Page.Request += (_, request) => addresses.Add(request.Url);
        await LogIn(RpcdLogin.Admin);
        await OpenImages();

        await Push(reference, User, Secret);

        (string state, string result) = await Ended("#push-result");
        Assert.True(state == "done", result);
        (int status, string text) = TagsList(registry, name, User, Secret);
        Assert.True(status == 200, $"{status} {text}");
        Assert.Equal(tag, JsonDocument.Parse(text).RootElement.GetProperty("tags")[0].GetString());
        Assert.Contains($"{tag}: digest: sha256:", result, StringComparison.Ordinal);
        Assert.True(await Page.Locator("#push-progress li[data-layer]").CountAsync() >= 1);
        Assert.Contains("Pushed", await Page.Locator("#push-progress").TextContentAsync() ?? "", StringComparison.Ordinal);
        // The credentials go in the body: no address the page asked for holds them.
        Assert.Contains(addresses, a => a.Contains("/image/push/", StringComparison.Ordinal));
        Assert.DoesNotContain(addresses, a => a.Contains("Registry-Auth", StringComparison.OrdinalIgnoreCase) || a.Contains("s3cret", StringComparison.Ordinal));
        Assert.Equal("", await Page.GetByLabel("Registry secret").InputValueAsync());
    }

    [Fact]
    public async Task Push_WrongSecret_RegistrysRefusalOnScreen()
    {
        using var registry = new Registry(("pusher", "right-secret"));
        string reference = TaggedFor(registry, out string name, out _);
        await LogIn(RpcdLogin.Admin);
        await OpenImages();

        await Push(reference, "pusher", "wrong-secret");

        (string state, string result) = await Ended("#push-result");
        Assert.True(state == "failed", result);
        Assert.Contains("unauthorized", result, StringComparison.OrdinalIgnoreCase);
        await Page.Locator("#notice.error").WaitForAsync();
        Assert.NotEqual(200, TagsList(registry, name, "pusher", "right-secret").Status);
    }

    [Fact]
    public async Task Build_UploadedContext_StepsOnScreenAndTaggedImageOnTheDaemon()
    {
        string tag = Objects.Image(DaemonObjects.Unique("cbuild") + ":1");
        byte[] context = Tars.Build(
            ("build.Dockerfile", $"FROM {DockerDaemon.Image}\nCOPY marker.txt /marker.txt\nRUN echo built-marker\n"),
            ("marker.txt", "in the context\n"));
        await LogIn(RpcdLogin.Admin);
        await OpenImages();

        await Expand("Build an image");
        await Page.GetByLabel("Build context").SetInputFilesAsync(new FilePayload { Name = "context.tar", MimeType = "application/x-tar", Buffer = context });
        await Page.GetByLabel("Tag for the image").FillAsync(tag);
        await Page.GetByLabel("Dockerfile in the context").FillAsync("build.Dockerfile");
        await Submit("Build").ClickAsync();

        (string state, string result) = await Ended("#build-result");
        Assert.True(state == "done", result);
        string output = await Page.Locator("#build-output").TextContentAsync() ?? "";
        Assert.Contains($"Step 1/3 : FROM {DockerDaemon.Image}", output, StringComparison.Ordinal);
        Assert.Contains("Step 3/3 : RUN echo built-marker", output, StringComparison.Ordinal);
        Assert.Contains("\nbuilt-marker\n", output, StringComparison.Ordinal);
        JsonElement image = Objects.Json($"/images/{tag}/json");
        string id = image.GetProperty("Id").GetString()!;
        Assert.Contains(id.Replace("sha256:", "", StringComparison.Ordinal)[..12], result, StringComparison.Ordinal);
        Assert.Contains($"tagged {tag}", result, StringComparison.Ordinal);
        await ImageRow(tag).WaitForAsync();
    }

    [Fact]
    public async Task Build_StepFails_TheDaemonsErrorOnScreenAndNoImage()
    {
        string tag = Objects.Image(DaemonObjects.Unique("cbfail") + ":1");
        byte[] context = Tars.Build(("Dockerfile", $"FROM {DockerDaemon.Image}\nRUN echo before-failing && exit 3\n"));
        await LogIn(RpcdLogin.Admin);
        await OpenImages();

        await Expand("Build an image");
        await Page.GetByLabel("Build context").SetInputFilesAsync(new FilePayload { Name = "context.tar", MimeType = "application/x-tar", Buffer = context });
        await Page.GetByLabel("Tag for the image").FillAsync(tag);
        await Submit("Build").ClickAsync();

        (string state, string result) = await Ended("#build-result");
        Assert.True(state == "failed", result);
        Assert.Contains("non-zero code: 3", result, StringComparison.Ordinal);
        Assert.Contains("before-failing", await Page.Locator("#build-output").TextContentAsync() ?? "", StringComparison.Ordinal);
        Assert.False(Objects.Exists($"/images/{tag}/json"));
    }
}
