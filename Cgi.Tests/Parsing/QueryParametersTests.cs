using Dockerman.CgiIo;
using Dockerman.Routing;
using Xunit;

namespace Dockerman.Tests.Parsing;

public sealed class QueryParametersTests
{
    private static Route R(string path) => Array.Find(RouteTable.Routes, r => r.Path == path)!;

    private static List<KeyValuePair<string, string>> Q(params string[] items) =>
        items.Chunk(2).Select(p => new KeyValuePair<string, string>(p[0], p[1])).ToList();

    [Theory]
    [InlineData("bool", "1")]
    [InlineData("bool", "0")]
    [InlineData("bool", "true")]
    [InlineData("bool", "FALSE")]
    [InlineData("int", "-1")]
    [InlineData("int", "42")]
    [InlineData("uint", "0")]
    [InlineData("uint", "9223372036854775807")]
    [InlineData("tail", "all")]
    [InlineData("tail", "100")]
    [InlineData("time", "1700000000")]
    [InlineData("time", "1700000000.123456789")]
    [InlineData("time", "2024-01-02T03:04:05.5+01:00")]
    [InlineData("signal", "SIGTERM")]
    [InlineData("signal", "KILL")]
    [InlineData("signal", "SIGRTMIN+3")]
    [InlineData("signal", "9")]
    [InlineData("signal", "64")]
    [InlineData("name", "")]
    [InlineData("name", "web-1.x_y")]
    [InlineData("name", "/web")]
    [InlineData("image", "busybox")]
    [InlineData("image", "registry:5000/lib/busybox:1.36@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    [InlineData("json", "{\"label\":[\"a=b\"]}")]
    [InlineData("json", "[1,2]")]
    [InlineData("path", "/etc/hosts")]
    [InlineData("path", "/with space/ünï")]
    [InlineData("text", "")]
    [InlineData("text", "anything at all ✓")]
    [InlineData("=spec|previous-spec", "spec")]
    [InlineData("=spec|previous-spec", "previous-spec")]
    [InlineData("=previous", "previous")]
    public void IsValid_GoodValue_True(string type, string value)
    {
        Assert.True(QueryParameters.IsValid(type, value));
    }

    [Theory]
    [InlineData("=spec|previous-spec", "")]
    [InlineData("=spec|previous-spec", "Spec")]
    [InlineData("=spec|previous-spec", "spec|previous-spec")]
    [InlineData("=spec|previous-spec", "previous")]
    [InlineData("=previous", "previous ")]
    [InlineData("bool", "yes")]
    [InlineData("bool", "")]
    [InlineData("bool", "2")]
    [InlineData("int", "1.5")]
    [InlineData("int", "")]
    [InlineData("int", "99999999999999999999")]
    [InlineData("int", "0x10")]
    [InlineData("int", "0\0")]
    [InlineData("int", "-\0")]
    [InlineData("int", "-")]
    [InlineData("int", " 1")]
    [InlineData("uint", "-1")]
    [InlineData("uint", "+1")]
    [InlineData("uint", "")]
    [InlineData("uint", "12345678901234567890")]
    [InlineData("tail", "-5")]
    [InlineData("tail", "ALL")]
    [InlineData("time", "")]
    [InlineData("time", "yesterday")]
    [InlineData("time", "1700000000;rm")]
    [InlineData("signal", "0")]
    [InlineData("signal", "65")]
    [InlineData("signal", "sigterm")]
    [InlineData("signal", "SIG")]
    [InlineData("signal", "TERM;")]
    [InlineData("name", "a/b")]
    [InlineData("name", "..")]
    [InlineData("name", "-leading")]
    [InlineData("name", "sp ace")]
    [InlineData("image", "")]
    [InlineData("image", "../etc")]
    [InlineData("image", "a//b")]
    [InlineData("image", "a b")]
    [InlineData("json", "{")]
    [InlineData("json", "")]
    [InlineData("json", "{'a':1}")]
    [InlineData("path", "")]
    [InlineData("path", "/a\nb")]
    [InlineData("path", "/a\0b")]
    [InlineData("text", "a\rb")]
    [InlineData("text", "a\u007fb")]
    public void IsValid_BadValue_False(string type, string value)
    {
        Assert.False(QueryParameters.IsValid(type, value));
    }

    [Fact]
    public void IsValid_OverlongText_False()
    {
        Assert.True(QueryParameters.IsValid("text", new string('a', 1024)));
        Assert.False(QueryParameters.IsValid("text", new string('a', 1025)));
    }

    [Fact]
    public void Build_ListedParameters_EncodedInOrder()
    {
        string q = QueryParameters.Build(R("container/logs"), Q("tail", "10", "follow", "1", "since", "1700000000.5"));

        Assert.Equal("tail=10&follow=1&since=1700000000.5", q);
    }

    [Fact]
    public void Build_JsonFilter_PercentEncoded()
    {
        string q = QueryParameters.Build(R("container/list"), Q("all", "true", "filters", "{\"label\":[\"a=b&c\"],\"name\":[\"x y\"]}"));

        Assert.Equal("all=true&filters=%7B%22label%22%3A%5B%22a%3Db%26c%22%5D%2C%22name%22%3A%5B%22x%20y%22%5D%7D", q);
    }

    [Fact]
    public void Build_UnknownAndOwnParameters_Dropped()
    {
        string q = QueryParameters.Build(R("container/logs"),
            Q("token", "secret", "sessionid", "0123456789abcdef0123456789abcdef", "format", "text", "X-Registry-Auth", "eyJ9",
              "_", "1700000000", "tail", "5", "unknown", "x", "Tail", "6"));

        Assert.Equal("tail=5", q);
    }

    [Theory]
    [InlineData("token")]
    [InlineData("sessionid")]
    [InlineData("format")]
    [InlineData("X-Registry-Auth")]
    public void Build_OwnParameterOnEveryRoute_NeverForwarded(string name)
    {
        foreach (Route route in RouteTable.All)
        {
            Assert.Equal("", QueryParameters.Build(route, Q(name, "1")));
        }
    }

    [Fact]
    public void Build_RepeatedParameter_BadRequest()
    {
        var e = Assert.Throws<ApiException>(() => QueryParameters.Build(R("container/logs"), Q("tail", "1", "tail", "2")));

        Assert.Equal(400, e.Status);
        Assert.Contains("'tail' given more than once", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_RepeatableParameter_AllForwarded()
    {
        string q = QueryParameters.Build(R("image/get"), Q("names", "busybox:1", "names", "alpine"));

        Assert.Equal("names=busybox%3A1&names=alpine", q);
    }

    [Theory]
    [InlineData("container/logs", "tail", "-1", "expected 'all' or a number of lines")]
    [InlineData("container/list", "all", "yes", "expected true, false, 1 or 0")]
    [InlineData("container/list", "filters", "{", "expected a JSON object")]
    [InlineData("container/kill", "signal", "x", "expected a signal name")]
    [InlineData("container/create", "name", "a/b", "expected a name")]
    public void Build_BadValue_BadRequestNamingTheParameter(string route, string name, string value, string expected)
    {
        var e = Assert.Throws<ApiException>(() => QueryParameters.Build(R(route), Q(name, value)));

        Assert.Equal(400, e.Status);
        Assert.StartsWith($"query parameter '{name}': {expected}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RouteTable_EveryParamType_Known()
    {
        string[] known = ["bool", "int", "uint", "tail", "time", "signal", "name", "image", "json", "filters", "path", "url", "text"];
        foreach (Route route in RouteTable.Routes)
        {
            foreach (string word in route.Params.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                string type = word[(word.IndexOf(':', StringComparison.Ordinal) + 1)..].TrimEnd('*');
                if (type.StartsWith('='))
                {
                    // A fixed set of values: none of them empty.
                    Assert.DoesNotContain("", type[1..].Split('|'));
                    continue;
                }

                Assert.Contains(type, known);
            }
        }
    }
}
