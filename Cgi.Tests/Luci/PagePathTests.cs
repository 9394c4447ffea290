using System.Net;
using System.Net.Http.Headers;
using Dockerman.Tests.Support;
using Dockerman.Tests.Support.Router;
using Xunit;

namespace Dockerman.Tests.Luci;

/// <summary>
/// The pages' URLs under /cgi-bin/luci/admin/services/dockerman/ reach the program through
/// uhttpd's aliases as the web server serves them (SCRIPT_NAME=/cgi-bin/dockerman, PATH_INFO = the browser's path).
/// </summary>
[Collection(DaemonCollection.Name)]
public sealed class PagePathTests(DockerDaemon daemon)
{
    private const string Base = "cgi-bin/luci/admin/services/dockerman/";

    [Fact]
    public async Task AliasedPageUrl_ReachesItsRoute()
    {
        using var stack = new RouterStack(new RouterStackOptions { DockerHost = daemon.Host }.WithPageAliases());
        LuciSession admin = stack.LoginAdmin();

        using var save = new HttpRequestMessage(HttpMethod.Get, Base + "images/get/" + DockerDaemon.Image);
        save.Headers.Authorization = new AuthenticationHeaderValue("Bearer", admin.Sid);
        using HttpResponseMessage saved = await stack.Http!.SendAsync(save);
        byte[] tar = await saved.Content.ReadAsByteArrayAsync();
        Assert.True(saved.StatusCode == HttpStatusCode.OK, stack.Log);
        Assert.Contains("attachment", saved.Content.Headers.ContentDisposition?.ToString(), StringComparison.Ordinal);
        Assert.True(Tars.Read(tar).ContainsKey("manifest.json"));

        using var prune = new HttpRequestMessage(HttpMethod.Post, Base + "networks/prune");
        prune.Headers.Authorization = new AuthenticationHeaderValue("Bearer", admin.Sid);
        using HttpResponseMessage pruned = await stack.Http.SendAsync(prune);
        string text = await pruned.Content.ReadAsStringAsync();
        Assert.True(pruned.StatusCode == HttpStatusCode.OK, text + stack.Log);
        Assert.Contains("NetworksDeleted", text, StringComparison.Ordinal);

        // Under the pages' prefix only their endpoints exist; there is no alias for others either.
        using var other = new HttpRequestMessage(HttpMethod.Get, "cgi-bin/dockerman/cgi-bin/luci/admin/services/dockerman/version");
        other.Headers.Authorization = new AuthenticationHeaderValue("Bearer", admin.Sid);
        using HttpResponseMessage refused = await stack.Http.SendAsync(other);
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
    }
}
