using Dockerman.CgiIo;
using Dockerman.Routing;
using Dockerman.Tests.Support;
using Xunit;

namespace Dockerman.Tests.Parsing;

/// <summary>
/// The LuCI pages' endpoints: the paths and methods of their controller calls
/// (<see cref="PageFacts.ControllerCalls"/>), under the paths the browser and a uhttpd alias give.
/// </summary>
public sealed class PageRouteTests
{
    private const string Luci = "/cgi-bin/luci/admin/services/dockerman/";
    private const string Bare = "/admin/services/dockerman/";
    private const string Id = "0123456789ab";

    [Fact]
    public void Pages_AreExactlyThePagesControllerCalls_WithTheirMethods()
    {
        IReadOnlyDictionary<string, string> calls = PageFacts.ControllerCalls;
        Assert.Equal(calls.Keys.Order(StringComparer.Ordinal), RouteTable.Pages.Select(p => p.Path).Order(StringComparer.Ordinal));
        foreach ((string page, string canonical, Verbs verbs) in RouteTable.Pages)
        {
            if (calls[page] == "POST")
            {
                // PUT too where Docker's own verb is PUT (design: PUT/DELETE accepted where the Docker verb is).
                Route route = Array.Find(RouteTable.All, r => r.Name == canonical)!;
                Verbs expected = route.DockerMethod == "PUT" ? Verbs.Post | Verbs.Put : Verbs.Post;
                Assert.True(verbs == expected, $"{page}: the page POSTs, the table allows {verbs}");
            }
            else
            {
                Assert.True(verbs == Verbs.Get, $"{page}: the page GETs, the table allows {verbs}");
            }
        }
    }

    [Theory]
    [InlineData(Luci)]
    [InlineData(Bare)]
    [InlineData(RouteMatcher.Prefix)]
    public void Match_EveryPageUnderEveryPrefix_Matches(string prefix)
    {
        foreach ((string page, string canonical, Verbs verbs) in RouteTable.Pages)
        {
            Route route = Array.Find(RouteTable.All, r => r.Path == page)!;
            string suffix = route.Id is IdKind.Single ? "/" + Id : route.Id == IdKind.Image ? "/testbox:1" : "";
            string method = Route.VerbNames.First(v => (verbs & v.Verb) != 0).Name;
            RouteMatch m = RouteMatcher.Match(method, prefix + page + suffix);
            Assert.Equal(canonical, m.Route.Name);
        }
    }

    [Theory]
    [InlineData(Luci + "version")]
    [InlineData(Luci + "container/list")]
    [InlineData(Bare + "image/prune")]
    [InlineData(Luci + "containers")]
    [InlineData(Luci + "overview")]
    [InlineData("/cgi-bin/luci/admin/services/dockerman")]
    [InlineData("/cgi-bin/luci/admin/docker/version")]
    [InlineData("/cgi-bin/luci/admin/services/dockermanx/images/prune")]
    public void Match_UnderPagePrefix_OnlyThePagesEndpoints(string path)
    {
        var e = Assert.Throws<ApiException>(() => RouteMatcher.Match("POST", path));
        Assert.Equal(404, e.Status);
    }

    [Theory]
    [InlineData("GET", "docker/events")]
    [InlineData("GET", "images/prune")]
    [InlineData("GET", "images/create")]
    [InlineData("POST", "images/get")]
    [InlineData("POST", "container/export/" + Id)]
    [InlineData("DELETE", "container/archive/put/" + Id)]
    public void Match_MethodThePageDoesNotUse_405(string method, string path)
    {
        var e = Assert.Throws<ApiException>(() => RouteMatcher.Match(method, Luci + path));
        Assert.Equal(405, e.Status);
    }

    [Fact]
    public void Match_DockerEventsPage_PostThatIsAWrite()
    {
        Route events = RouteMatcher.Match("POST", Luci + "docker/events").Route;
        Assert.Equal(("GET", "/events"), (events.DockerMethod, events.DockerPath));
        Assert.True(events.IsWrite);
        Assert.False(RouteMatcher.Match("GET", RouteMatcher.Prefix + "events").Route.IsWrite);
    }

    [Theory]
    [InlineData("GET", "container/archive/get/" + Id + "/", Id)]
    [InlineData("PUT", "container/archive/put/" + Id + "/", Id)]
    [InlineData("GET", "container/export/" + Id + "/", Id)]
    public void Match_IdWithOneTrailingSlash_SlashDropped(string method, string path, string id)
    {
        Assert.Equal(id, RouteMatcher.Match(method, Luci + path).Id);
        Assert.Equal(id, RouteMatcher.Match(method, RouteMatcher.Prefix + path).Id);
    }

    [Theory]
    [InlineData("GET", "container/archive/get/" + Id + "//")]
    [InlineData("GET", "container/archive/get//")]
    [InlineData("GET", "container/export/" + Id + "/x")]
    [InlineData("GET", "images/get/testbox:1/")]
    [InlineData("POST", "images/push/127.0.0.1:5000/team/app/")]
    public void Match_MoreThanOneTrailingSlashOrASecondSegment_Refused(string method, string path)
    {
        var e = Assert.Throws<ApiException>(() => RouteMatcher.Match(method, Luci + path));
        Assert.True(e.Status is 400 or 404, $"{e.Status}");
    }
}
