using Dockerman.CgiIo;
using Dockerman.Relay;
using Dockerman.Routing;
using Xunit;

namespace Dockerman.Tests.Parsing;

public sealed class RequestTargetTests
{
    private static Route R(string path) => Array.Find(RouteTable.All, r => r.Path == path)!;

    private static List<KeyValuePair<string, string>> Q(params string[] items) =>
        items.Chunk(2).Select(p => new KeyValuePair<string, string>(p[0], p[1])).ToList();

    [Theory]
    [InlineData("version", null, "/version")]
    [InlineData("ping", null, "/_ping")]
    [InlineData("container/inspect", "web-1", "/containers/web-1/json")]
    [InlineData("container/remove", "web.1_x", "/containers/web.1_x")]
    [InlineData("image/inspect", "registry:5000/lib/busybox:1.36", "/images/registry:5000/lib/busybox:1.36/json")]
    [InlineData("image/remove", "busybox@sha256:abc", "/images/busybox@sha256:abc")]
    [InlineData("image/get", "a/b:1", "/images/a/b:1/get")]
    [InlineData("image/get", null, "/images/get")]
    [InlineData("images/get", null, "/images/get")]
    [InlineData("images/push", "127.0.0.1:5000/testbox:1", "/images/127.0.0.1:5000/testbox:1/push")]
    [InlineData("container/archive/get", "c1", "/containers/c1/archive")]
    [InlineData("docker/events", null, "/events")]
    public void Target_IdPlacedInDockerPath(string route, string? id, string expected)
    {
        Assert.Equal(expected, DaemonTarget.Of(R(route), id, []));
    }

    [Fact]
    public void Target_Query_EncodedAndFiltered()
    {
        string target = DaemonTarget.Of(R("container/get_archive"), "c1",
            Q("path", "/etc/my file&x=1", "token", "t", "format", "text"));

        Assert.Equal("/containers/c1/archive?path=%2Fetc%2Fmy%20file%26x%3D1", target);
    }

    [Fact]
    public void Target_ImageGetWithoutId_NamesRepeated()
    {
        string target = DaemonTarget.Of(R("image/get"), null, Q("names", "busybox:1", "names", "reg:5000/a/b"));

        Assert.Equal("/images/get?names=busybox%3A1&names=reg%3A5000%2Fa%2Fb", target);
    }

    [Fact]
    public void Target_EventsFilters_JsonEncoded()
    {
        string target = DaemonTarget.Of(R("events"), null, Q("since", "1700000000", "filters", "{\"type\":[\"container\"]}"));

        Assert.Equal("/events?since=1700000000&filters=%7B%22type%22%3A%5B%22container%22%5D%7D", target);
    }

    private static CgiRequest Request(params string[] query) => new()
    {
        Method = "GET",
        PathInfo = "/admin/docker/x",
        Query = Q(query),
    };

    [Theory]
    [InlineData("{id}.tar", "web-1", new string[0], "web-1.tar")]
    [InlineData("{id}.tar", "library/busybox:1.36", new string[0], "library_busybox_1.36.tar")]
    [InlineData("{id}.tar", "busybox@sha256:ab", new string[0], "busybox_sha256_ab.tar")]
    [InlineData("{id}.tar", null, new string[0], "images.tar")]
    [InlineData("{path}.tar", "c1", new[] { "path", "/etc/hosts" }, "hosts.tar")]
    [InlineData("{path}.tar", "c1", new[] { "path", "/var/log/" }, "log.tar")]
    [InlineData("{path}.tar", "c1", new[] { "path", "/" }, "archive.tar")]
    [InlineData("{path}.tar", "c1", new string[0], "archive.tar")]
    [InlineData("{path}.tar", "c1", new[] { "path", "/tmp/a\"b;c\r\nd" }, "a_b_c__d.tar")]
    [InlineData("{path}.tar", "c1", new[] { "path", "/tmp/ünï cødé" }, "_n__c_d_.tar")]
    [InlineData("{path}.tar", "c1", new[] { "path", "/tmp/.." }, "tar")]
    [InlineData("{path}.tar", "c1", new[] { "path", "/tmp/.hidden" }, "hidden.tar")]
    [InlineData("{path}", "c1", new[] { "path", "/..." }, "download.tar")]
    [InlineData("{path}.tar", "c1", new[] { "path", "a\\b" }, "a_b.tar")]
    public void AttachmentName_AnyInput_SafeFileName(string pattern, string? id, string[] query, string expected)
    {
        string name = ResponseRelay.AttachmentName(pattern, id, Request(query));

        Assert.Equal(expected, name);
        Assert.DoesNotMatch("[^A-Za-z0-9._-]", name);
        Assert.False(name.StartsWith('.'));
    }
}
