using System.Net;
using System.Text;
using System.Text.Json;
using Dockerman.Tests.Packaging;
using Dockerman.Tests.Support;
using Dockerman.Tests.Support.Router;
using Xunit;

namespace Dockerman.Tests.Luci;

/// <summary>
/// The router stack with the aliases the package's postinst installs (run with uci in a router
/// root), the private dockerd behind, and a registry that wants a login.
/// </summary>
public sealed class PageStack : IDisposable
{
    public const string RegistryUser = "pages";
    public const string RegistryPassword = "reg-secret-4";

    public PageStack()
    {
        Registry = new Registry((RegistryUser, RegistryPassword));
        var options = new RouterStackOptions();
        options.Aliases.AddRange(InstalledAliases());
        Options = options;
    }

    public Registry Registry { get; }

    public RouterStackOptions Options { get; }

    /// <summary>What postinst adds to config uhttpd 'main', as uci reads it back.</summary>
    private static List<string> InstalledAliases()
    {
        IpkPackage ipk = IpkPackage.Read(Paths.Package("x86_64"));
        using var root = new RouterRoot();
        root.InstallUci();
        root.WriteFile("/etc/config/uhttpd", "config uhttpd 'main'\n\toption home '/www'\n");
        root.WriteFile("/www/cgi-bin/dockerman", "");
        File.WriteAllBytes(root.HostPath("/www/cgi-bin/dockerman"), ipk.DataFile("./www/cgi-bin/dockerman").Data);
        File.SetUnixFileMode(root.HostPath("/www/cgi-bin/dockerman"), (UnixFileMode)0b111_101_101);
        root.WriteFile("/usr/lib/opkg/info/dockerman.postinst", ipk.ControlText("./postinst"), (UnixFileMode)0b111_101_101);
        var (exit, _, err) = root.Run(null, "/bin/sh", "/usr/lib/opkg/info/dockerman.postinst");
        Assert.True(exit == 0, err);
        var (_, output, _) = root.Run(null, "/bin/uci", "-q", "get", "uhttpd.main.alias");
        List<string> aliases = [.. output.Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries)];
        Assert.NotEmpty(aliases);
        return aliases;
    }

    public void Dispose() => Registry.Dispose();
}

/// <summary>
/// Each call of the LuCI pages made as common.js builds it — URL under
/// /cgi-bin/luci/admin/services/dockerman/, method, raw query, FormData fields in its order
/// (token first), the LuCI cookie, X-Requested-With — through the web server and uhttpd's aliases, against
/// the private dockerd; each checks the effect there.
/// </summary>
[Collection(DaemonCollection.Name)]
public sealed class PageCallTests : IClassFixture<PageStack>, IDisposable
{
    private const string Base = "cgi-bin/luci/admin/services/dockerman";

    private readonly DockerDaemon _daemon;
    private readonly PageStack _pages;
    private readonly RouterStack _stack;
    private readonly HttpClient _browser;
    private readonly LuciSession _admin;

    public PageCallTests(DockerDaemon daemon, PageStack pages)
    {
        _daemon = daemon;
        _pages = pages;
        pages.Options.DockerHost = daemon.Host;
        _stack = new RouterStack(pages.Options);
        _browser = new HttpClient(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = _stack.BaseUrl, Timeout = TimeSpan.FromSeconds(120) };
        _admin = _stack.LoginAdmin();
    }

    public void Dispose()
    {
        _browser.Dispose();
        _stack.Dispose();
    }

    /// <summary>handleXHRTransfer: xhr.open(method, url), X-Requested-With, the LuCI cookie, FormData.</summary>
    private (HttpStatusCode Status, string Text, byte[] Bytes) Xhr(string method, string url, LuciSession session, FormData? form)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), Base + url);
        request.Headers.TryAddWithoutValidation("X-Requested-With", "XMLHttpRequest");
        request.Headers.TryAddWithoutValidation("Cookie", session.Cookie);
        request.Content = form?.ToContent();
        using HttpResponseMessage r = _browser.Send(request);
        byte[] bytes = r.Content.ReadAsByteArrayAsync().Result;
        return (r.StatusCode, Encoding.UTF8.GetString(bytes), bytes);
    }

    /// <summary>window.location.href = url: a GET with the cookie.</summary>
    private (HttpStatusCode Status, string Text, byte[] Bytes) Navigate(string url, LuciSession session) => Xhr("GET", url, session, null);

    private static FormData Token(LuciSession s) => new FormData().Field("token", s.Token);

    /// <summary>btoa(JSON.stringify(auth)), as getRegistryAuth hands it on.</summary>
    private string RegistryAuth() => Convert.ToBase64String(Encoding.UTF8.GetBytes(
        $$"""{"username":"{{PageStack.RegistryUser}}","password":"{{PageStack.RegistryPassword}}","serveraddress":"{{_pages.Registry.Host}}"}"""));

    private static List<JsonElement> Lines(string text) =>
        [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone())];

    private static void NoErrorLine(string text) =>
        Assert.DoesNotContain(Lines(text), l => l.TryGetProperty("error", out _));

    private void Tag(string image, string repo, string tag) =>
        Assert.Equal(201, _daemon.Status("POST", $"/images/{image}/tag?repo={Uri.EscapeDataString(repo)}&tag={tag}"));

    private void Create(string path, string json)
    {
        using var c = new StringContent(json, Encoding.UTF8, "application/json");
        using HttpResponseMessage r = _daemon.Client.PostAsync(path, c).Result;
        Assert.True(r.IsSuccessStatusCode, path);
    }

    private bool ImageExists(string name) => _daemon.Status("GET", $"/images/{name}/json") == 200;

    [Fact]
    public void ContainersPrune_RemovesAStoppedContainer()
    {
        string id = _daemon.CreateContainer(DaemonObjects.Unique("prune"), ["true"]);
        var r = Xhr("POST", "/containers/prune", _admin, Token(_admin));
        Assert.True(r.Status == HttpStatusCode.OK, r.Text + _stack.Log);
        Assert.Contains(id, r.Text, StringComparison.Ordinal);
        Assert.Equal(404, _daemon.Status("GET", $"/containers/{id}/json"));
    }

    [Fact]
    public void NetworksAndVolumesPrune_RemoveUnusedOnes()
    {
        string net = DaemonObjects.Unique("pnet");
        string vol = DaemonObjects.Unique("pvol");
        Create("/networks/create", $$"""{"Name":"{{net}}"}""");
        Create("/volumes/create", $$"""{"Name":"{{vol}}"}""");

        var n = Xhr("POST", "/networks/prune", _admin, Token(_admin));
        Assert.True(n.Status == HttpStatusCode.OK, n.Text);
        Assert.Contains(net, n.Text, StringComparison.Ordinal);
        var v = Xhr("POST", "/volumes/prune", _admin, Token(_admin));
        Assert.True(v.Status == HttpStatusCode.OK, v.Text);
        Assert.Contains(vol, v.Text, StringComparison.Ordinal);
        Assert.Equal(404, _daemon.Status("GET", $"/volumes/{vol}"));
    }

    [Fact]
    public void ImagesPruneAndBuildPrune_Answer()
    {
        var images = Xhr("POST", "/images/prune", _admin, Token(_admin));
        Assert.True(images.Status == HttpStatusCode.OK, images.Text);
        Assert.Contains("SpaceReclaimed", images.Text, StringComparison.Ordinal);
        var build = Xhr("POST", "/images/build/prune?all=true", _admin, Token(_admin));
        Assert.True(build.Status == HttpStatusCode.OK, build.Text);
        Assert.Contains("CachesDeleted", build.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void PushThenPull_WithRegistryCredentials_ThroughTheRegistryThatWantsThem()
    {
        string name = $"{_pages.Registry.Host}/{DaemonObjects.Unique("pagebox")}";
        Tag(DockerDaemon.Image, name, "1");

        // Push: q_params { name, query: { tag } }, FormData token then X-Registry-Auth.
        var push = Xhr("POST", $"/images/push/{name}?tag=1", _admin, Token(_admin).Field("X-Registry-Auth", RegistryAuth()));
        Assert.True(push.Status == HttpStatusCode.OK, push.Text);
        NoErrorLine(push.Text);
        Assert.Contains(Lines(push.Text), l => l.TryGetProperty("aux", out JsonElement aux) && aux.TryGetProperty("Digest", out _));

        Assert.Equal(200, _daemon.Status("DELETE", $"/images/{name}:1"));
        Assert.False(ImageExists(name + ":1"));

        var refused = Xhr("POST", $"/images/create?fromImage={name}&tag=1", _admin, Token(_admin));
        Assert.Contains(Lines(refused.Text), l => l.TryGetProperty("error", out _));
        Assert.False(ImageExists(name + ":1"));

        var pull = Xhr("POST", $"/images/create?fromImage={name}&tag=1", _admin, Token(_admin).Field("X-Registry-Auth", RegistryAuth()));
        Assert.True(pull.Status == HttpStatusCode.OK, pull.Text);
        NoErrorLine(pull.Text);
        Assert.True(ImageExists(name + ":1"));
        _daemon.Status("DELETE", $"/images/{name}:1");
    }

    [Fact]
    public void Build_FromUploadAndFromUrl_BuildsBoth()
    {
        string uploaded = DaemonObjects.Unique("upbuild") + ":1";
        string fetched = DaemonObjects.Unique("urlbuild") + ":1";
        byte[] context = Tars.Build(("Dockerfile", $"FROM {DockerDaemon.Image}\nLABEL page=build\n"));
        try
        {
            // No URI: a file picked; FormData token, upload-name, upload-archive.
            var up = Xhr("POST", $"/images/build?q=false&t={uploaded}", _admin,
                Token(_admin).Field("upload-name", "context.tar").File("upload-archive", "context.tar", context));
            Assert.True(up.Status == HttpStatusCode.OK, up.Text);
            NoErrorLine(up.Text);
            Assert.True(ImageExists(uploaded));

            using var server = new ContextServer(context);
            var url = Xhr("POST", $"/images/build?q=false&t={fetched}&remote={Uri.EscapeDataString(server.Url("ctx.tar"))}", _admin, Token(_admin));
            Assert.True(url.Status == HttpStatusCode.OK, url.Text);
            NoErrorLine(url.Text);
            Assert.True(ImageExists(fetched));
        }
        finally
        {
            _daemon.Status("DELETE", $"/images/{uploaded}?force=1");
            _daemon.Status("DELETE", $"/images/{fetched}?force=1");
        }
    }

    [Fact]
    public void SaveSingleAndSeveral_ThenLoad_RoundTrips()
    {
        string a = DaemonObjects.Unique("savea");
        string b = DaemonObjects.Unique("saveb");
        Tag(DockerDaemon.Image, a, "1");
        Tag(DockerDaemon.Image, b, "1");
        try
        {
            var single = Navigate($"/images/get/{a}:1", _admin);
            Assert.True(single.Status == HttpStatusCode.OK, single.Text);
            Assert.Contains($"{a}:1", Tars.Read(single.Bytes).Text("manifest.json"), StringComparison.Ordinal);

            // images.js: `${dockerman_url}/images/get?${names.map(e => `names=${e}`).join('&')}`.
            var several = Navigate($"/images/get?names={a}:1&names={b}:1", _admin);
            Assert.True(several.Status == HttpStatusCode.OK, several.Text);
            string manifest = Tars.Read(several.Bytes).Text("manifest.json");
            Assert.Contains($"{a}:1", manifest, StringComparison.Ordinal);
            Assert.Contains($"{b}:1", manifest, StringComparison.Ordinal);

            Assert.Equal(200, _daemon.Status("DELETE", $"/images/{a}:1"));
            var load = Xhr("POST", "/images/load?quiet=false", _admin,
                Token(_admin).Field("upload-name", "a.tar").File("upload-archive", "a.tar", single.Bytes));
            Assert.True(load.Status == HttpStatusCode.OK, load.Text);
            Assert.True(ImageExists($"{a}:1"));
        }
        finally
        {
            _daemon.Status("DELETE", $"/images/{a}:1");
            _daemon.Status("DELETE", $"/images/{b}:1");
        }
    }

    [Fact]
    public void ExportAndArchivePutThenGet_OfAContainer()
    {
        string id = _daemon.CreateContainer(DaemonObjects.Unique("arch"), ["true"]);
        try
        {
            var export = Navigate($"/container/export/{id}", _admin);
            Assert.True(export.Status == HttpStatusCode.OK, export.Text);
            Assert.Contains(Tars.Read(export.Bytes).Keys, k => k.TrimStart('.', '/') == "bin/busybox");

            // container.js: PUT `/container/archive/put/${id}/` with path: encodeURIComponent(path).
            byte[] tar = Tars.Build(("greeting.txt", "hello from the pages\n"));
            var put = Xhr("PUT", $"/container/archive/put/{id}/?path={Uri.EscapeDataString("/tmp")}", _admin,
                Token(_admin).Field("upload-name", "greeting.tar").File("upload-archive", "greeting.tar", tar));
            Assert.True(put.Status == HttpStatusCode.OK, put.Text);

            var get = Navigate($"/container/archive/get/{id}/?path={Uri.EscapeDataString("/tmp/greeting.txt")}", _admin);
            Assert.True(get.Status == HttpStatusCode.OK, get.Text);
            Assert.Equal("hello from the pages\n", Tars.Read(get.Bytes).Text("greeting.txt"));
        }
        finally
        {
            _daemon.RemoveContainer(id);
        }
    }

    [Fact]
    public void WrongOrMissingToken_403_NothingPruned()
    {
        string id = _daemon.CreateContainer(DaemonObjects.Unique("keep"), ["true"]);
        try
        {
            var missing = Xhr("POST", "/containers/prune", _admin, new FormData().Field("upload-name", "x"));
            Assert.Equal(HttpStatusCode.Forbidden, missing.Status);
            Assert.Contains("token", JsonDocument.Parse(missing.Text).RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
            var wrong = Xhr("POST", "/containers/prune", _admin, new FormData().Field("token", new string('f', 32)));
            Assert.Equal(HttpStatusCode.Forbidden, wrong.Status);
            Assert.Equal(200, _daemon.Status("GET", $"/containers/{id}/json"));
        }
        finally
        {
            _daemon.RemoveContainer(id);
        }
    }

    [Fact]
    public void ExpiredSession_401()
    {
        LuciSession brief = _stack.Login(RpcdLogin.Admin, timeout: 1);
        Thread.Sleep(TimeSpan.FromSeconds(2.5));
        var r = Xhr("POST", "/networks/prune", brief, Token(brief));
        Assert.Equal(HttpStatusCode.Unauthorized, r.Status);
        Assert.True(JsonDocument.Parse(r.Text).RootElement.TryGetProperty("error", out _));
    }

    [Fact]
    public void ReadOnlyUser_DownloadsButCannotPrune()
    {
        LuciSession viewer = _stack.LoginViewer();
        var save = Navigate($"/images/get/{DockerDaemon.Image}", viewer);
        Assert.Equal(HttpStatusCode.OK, save.Status);
        var prune = Xhr("POST", "/images/prune", viewer, Token(viewer));
        Assert.Equal(HttpStatusCode.Forbidden, prune.Status);
    }
}
