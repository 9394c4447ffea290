using Dockerman.CgiIo;
using Dockerman.Routing;
using Xunit;

namespace Dockerman.Tests.Parsing;

public sealed class RouteMatcherTests
{
    private const string P = RouteMatcher.Prefix;

    public static TheoryData<string> AllPaths()
    {
        var data = new TheoryData<string>();
        foreach (Route r in RouteTable.All)
        {
            data.Add(r.Path);
        }

        return data;
    }

    private static Route ByPath(string path) => Array.Find(RouteTable.All, r => r.Path == path)!;

    private static string SampleId(IdKind kind) => kind switch
    {
        IdKind.Single => "web-1",
        IdKind.Exec => "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        IdKind.Job => "0123456789abcdef",
        _ => "registry:5000/library/busybox:1.36",
    };

    [Theory]
    [MemberData(nameof(AllPaths))]
    public void Match_EveryRouteAndAliasWithEachOfItsMethods_Matches(string path)
    {
        Route route = ByPath(path);
        string? id = route.Id is IdKind.Single or IdKind.Exec or IdKind.Job or IdKind.Image ? SampleId(route.Id) : null;
        foreach ((Verbs verb, string method) in Route.VerbNames)
        {
            if ((route.Verbs & verb) == 0)
            {
                continue;
            }

            RouteMatch match = RouteMatcher.Match(method, P + path + (id == null ? "" : "/" + id));

            Assert.Same(route, match.Route);
            Assert.Equal(id, match.Id);
        }
    }

    [Theory]
    [MemberData(nameof(AllPaths))]
    public void Match_EveryRouteWithAMethodItDoesNotTake_405WithAllow(string path)
    {
        Route route = ByPath(path);
        string suffix = route.Id is IdKind.Single or IdKind.Exec or IdKind.Job or IdKind.Image ? "/" + SampleId(route.Id) : "";
        foreach ((Verbs verb, string method) in Route.VerbNames.Append(((Verbs)0, "PATCH")))
        {
            if ((route.Verbs & verb) != 0)
            {
                continue;
            }

            var e = Assert.Throws<ApiException>(() => RouteMatcher.Match(method, P + path + suffix));

            Assert.Equal(405, e.Status);
            Assert.Equal(route.AllowHeader, e.Allow);
        }
    }

    [Fact]
    public void Match_PageEndpoint_StandsForItsCanonicalRoute()
    {
        foreach ((string page, string canonical, Verbs verbs) in RouteTable.Pages)
        {
            Route c = Array.Find(RouteTable.Routes, r => r.Path == canonical)!;
            string suffix = c.Id is IdKind.Single or IdKind.Image ? "/" + SampleId(c.Id) : "";
            Route a = RouteMatcher.Match(MethodOf(verbs), P + page + suffix).Route;
            Assert.Equal(canonical, a.Name);
            Assert.Equal(verbs, a.Verbs);
            Assert.True(a.Page);
            Assert.Equal((c.DockerMethod, c.DockerPath, c.Params, c.Body, c.Reply), (a.DockerMethod, a.DockerPath, a.Params, a.Body, a.Reply));
        }
    }

    private static string MethodOf(Verbs verbs) => Route.VerbNames.First(v => (verbs & v.Verb) != 0).Name;

    [Fact]
    public void Match_LongerAliasSharingAPrefix_WinsOverShorter()
    {
        Assert.Equal("image/build_prune", RouteMatcher.Match("POST", P + "images/build/prune").Route.Canonical);
        Assert.Equal("image/build", RouteMatcher.Match("POST", P + "images/build").Route.Canonical);
    }

    [Fact]
    public void Match_RoutesListedInAll_OncePerPath()
    {
        Assert.Equal(RouteTable.All.Length, RouteTable.All.Select(r => r.Path).Distinct().Count());
        Assert.Equal(RouteTable.Routes.Length + RouteTable.Pages.Count(p => p.Path != p.Canonical), RouteTable.All.Length);
    }

    [Theory]
    [InlineData("")]
    [InlineData("/")]
    [InlineData("/admin/docker")]
    [InlineData("/admin/docker/")]
    [InlineData("/admin/dockerversion")]
    [InlineData("/Admin/docker/version")]
    [InlineData("admin/docker/version")]
    [InlineData("/admin/docker//version")]
    [InlineData("/admin/docker/version/")]
    [InlineData("/admin/docker/version/extra")]
    [InlineData("/admin/docker/VERSION")]
    [InlineData("/admin/docker/containers/json")]
    [InlineData("/admin/docker/container")]
    [InlineData("/admin/docker/container/inspect/")]
    [InlineData("/admin/docker/container/inspect/a/b")]
    [InlineData("/admin/docker/container/start/web/../../version")]
    [InlineData("/admin/docker/exec/start/a/b")]
    [InlineData("/admin/docker/../docker/version")]
    [InlineData("/admin/docker/version\0")]
    [InlineData("/admin/docker/version\r\n")]
    public void Match_PathNotInTable_404(string path)
    {
        var e = Assert.Throws<ApiException>(() => RouteMatcher.Match("GET", path));

        Assert.Equal(404, e.Status);
        Assert.DoesNotContain('\0', e.Message);
        Assert.DoesNotContain('\r', e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Theory]
    [InlineData("GET", "image/inspect/library/busybox:latest", "library/busybox:latest")]
    [InlineData("GET", "image/inspect/localhost:5000/a/b/c@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "localhost:5000/a/b/c@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    [InlineData("DELETE", "image/remove/sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    [InlineData("GET", "image/get/a/b:1", "a/b:1")]
    [InlineData("POST", "images/push/127.0.0.1:5000/testbox:1", "127.0.0.1:5000/testbox:1")]
    public void Match_ImageRouteIdWithSlashes_Accepted(string method, string path, string id)
    {
        Assert.Equal(id, RouteMatcher.Match(method, P + path).Id);
    }

    [Fact]
    public void Match_OptionalImageWithoutId_NoId()
    {
        RouteMatch m = RouteMatcher.Match("GET", P + "image/get");

        Assert.Equal("image/get", m.Route.Path);
        Assert.Null(m.Id);
    }

    [Theory]
    [InlineData("GET", "container/inspect")]
    [InlineData("POST", "container/start")]
    [InlineData("GET", "image/inspect")]
    public void Match_RequiredIdMissing_400(string method, string path)
    {
        Assert.Equal(400, Assert.Throws<ApiException>(() => RouteMatcher.Match(method, P + path)).Status);
    }

    [Theory]
    [InlineData("GET", "container/inspect/..")]
    [InlineData("GET", "container/inspect/.")]
    [InlineData("GET", "container/inspect/.hidden")]
    [InlineData("GET", "container/inspect/a\0b")]
    [InlineData("GET", "container/inspect/a\r\nX-Injected: 1")]
    [InlineData("GET", "container/inspect/a\nb")]
    [InlineData("GET", "container/inspect/a b")]
    [InlineData("GET", "container/inspect/a%2Fb")]
    [InlineData("GET", "container/inspect/a?b")]
    [InlineData("GET", "container/inspect/ünï")]
    [InlineData("GET", "image/inspect/..")]
    [InlineData("GET", "image/inspect/../../version")]
    [InlineData("GET", "image/inspect/a/../b")]
    [InlineData("GET", "image/inspect/a/./b")]
    [InlineData("GET", "image/inspect/a//b")]
    [InlineData("GET", "image/inspect/a/")]
    [InlineData("GET", "image/inspect//a")]
    [InlineData("GET", "image/inspect/a\0b")]
    [InlineData("GET", "image/inspect/a\r\nb")]
    [InlineData("GET", "image/inspect/a b")]
    [InlineData("GET", "image/inspect/a?x=1")]
    [InlineData("GET", "image/inspect/a#b")]
    [InlineData("GET", "image/get/..")]
    public void Match_BadId_400(string method, string path)
    {
        var e = Assert.Throws<ApiException>(() => RouteMatcher.Match(method, P + path));

        Assert.Equal(400, e.Status);
        Assert.True(e.Message.All(c => c is >= ' ' and < (char)0x7f || c == '…'), e.Message);
    }

    [Fact]
    public void Match_OverlongId_400()
    {
        Assert.Equal(400, Assert.Throws<ApiException>(() => RouteMatcher.Match("GET", P + "container/inspect/" + new string('a', 513))).Status);
        Assert.Equal("container/inspect", RouteMatcher.Match("GET", P + "container/inspect/" + new string('a', 512)).Route.Path);
    }

    [Fact]
    public void Match_WrongMethodBeforeBadId_405()
    {
        Assert.Equal(405, Assert.Throws<ApiException>(() => RouteMatcher.Match("DELETE", P + "container/inspect/..")).Status);
    }
}
