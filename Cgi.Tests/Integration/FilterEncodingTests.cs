using System.Text.Json;
using Dockerman.Tests.Support;
using Xunit;

namespace Dockerman.Tests.Integration;

/// <summary>
/// A JSON filters value full of characters that mean something in a query string (&amp;, =, +, %),
/// quotes, braces, spaces and non-ASCII reaches the daemon as the same JSON, however the browser
/// encoded it: the filter selects exactly the container it names.
/// </summary>
[Collection(DaemonCollection.Name)]
public sealed class FilterEncodingTests(DockerDaemon daemon) : DaemonTest(daemon)
{
    /// <summary>How a browser may put a value into a query string.</summary>
    public enum Style
    {
        /// <summary>encodeURIComponent: everything but unreserved characters as %XX, space as %20.</summary>
        UriComponent,

        /// <summary>URLSearchParams (form encoding): space as '+'.</summary>
        Form,

        /// <summary>Only what would break the query: %, &amp;, +, #, space and non-ASCII; quotes and braces raw.</summary>
        Minimal,
    }

    private static string Encode(string value, Style how) => how switch
    {
        Style.UriComponent => Uri.EscapeDataString(value),
        Style.Form => Uri.EscapeDataString(value).Replace("%20", "+", StringComparison.Ordinal),
        _ => string.Concat(value.Select(c => c is '%' or '&' or '+' or '#' or ' ' or > '~'
            ? Uri.EscapeDataString(c.ToString())
            : c.ToString())),
    };

    /// <summary>{"label":["dm.enc=VALUE"]} with the value's characters as they are (only '"' escaped).</summary>
    private static string LabelFilter(string value) =>
        JsonSerializer.Serialize(new Dictionary<string, string[]> { ["label"] = [$"dm.enc={value}"] },
            new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    private List<string> ListIds(string filtersJson, Style how)
    {
        CgiReply reply = Cgi.Get("container/list", $"all=1&filters={Encode(filtersJson, how)}");
        Assert.True(reply.Status == 200, reply.ToString());
        return [.. DaemonObjects.Parse(reply).EnumerateArray().Select(c => c.GetProperty("Id").GetString()!)];
    }

    [Theory]
    [InlineData(Style.UriComponent)]
    [InlineData(Style.Form)]
    [InlineData(Style.Minimal)]
    public void ContainerList_NameFilterAnchored_SelectsExactlyThatContainer(Style how)
    {
        string prefix = DaemonObjects.Unique("enc");
        string a = Objects.CreateContainer(prefix + "-enc-a", ["true"]);
        string a2 = Objects.CreateContainer(prefix + "-enc-a2", ["true"]);

        List<string> exact = ListIds($$"""{"name":["^/{{prefix}}-enc-a$"]}""", how);
        List<string> both = ListIds($$"""{"name":["{{prefix}}-enc-a"]}""", how);

        Assert.Equal([a], exact);
        Assert.Equal(new[] { a, a2 }.Order(), both.Order());
    }

    [Theory]
    [InlineData(Style.UriComponent)]
    [InlineData(Style.Form)]
    [InlineData(Style.Minimal)]
    public void ContainerList_LabelValueWithSpecialCharacters_SelectsExactlyThatContainer(Style how)
    {
        string suffix = DaemonObjects.Unique("v");
        string value = $"a&b=c+d%20e %41 f \"q\" 'q' {{x}} [y] é 日本 #h {suffix}";
        string labelled = Objects.CreateContainer(suffix + "-lab", ["true"], labels: new() { ["dm.enc"] = value });
        // Near misses: the value as a careless decoder would turn it into.
        Objects.CreateContainer(suffix + "-plus", ["true"], labels: new() { ["dm.enc"] = value.Replace('+', ' ') });
        Objects.CreateContainer(suffix + "-pct", ["true"], labels: new() { ["dm.enc"] = value.Replace("%20", " ", StringComparison.Ordinal) });
        string filters = LabelFilter(value);
        Assert.Contains("&b=c+d%20e", filters, StringComparison.Ordinal);

        List<string> ids = ListIds(filters, how);

        Assert.Equal([labelled], ids);
        Assert.Equal(value, Objects.Json($"/containers/{labelled}/json").GetProperty("Config").GetProperty("Labels")
            .GetProperty("dm.enc").GetString());
    }

    [Fact]
    public void ContainerList_FiltersNotJson_RefusedBeforeTheDaemon()
    {
        CgiReply reply = Cgi.Get("container/list", "filters=" + Uri.EscapeDataString("{\"name\":[\"x\""));

        Assert.Equal(400, reply.Status);
        Assert.Contains("filters", DaemonObjects.Parse(reply).GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ContainerList_RawUtf8InQueryString_SelectsTheLabelledContainer()
    {
        // Some servers pass non-ASCII bytes through undecoded: the environment then holds them as UTF-8.
        string suffix = DaemonObjects.Unique("raw");
        string value = "日本 é " + suffix;
        string labelled = Objects.CreateContainer(suffix, ["true"], labels: new() { ["dm.enc"] = value });
        string filters = LabelFilter(value);
        Assert.Contains("日本", filters, StringComparison.Ordinal);

        CgiReply reply = Cgi.Get("container/list", "all=1&filters=" + filters.Replace(" ", "%20", StringComparison.Ordinal));

        Assert.True(reply.Status == 200, reply.ToString());
        Assert.Equal([labelled], DaemonObjects.Parse(reply).EnumerateArray().Select(c => c.GetProperty("Id").GetString()));
    }
}
