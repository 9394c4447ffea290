using System.Text.RegularExpressions;
using Dockerman.Routing;
using Dockerman.Tests.Support;
using Xunit;

namespace Dockerman.Tests.Integration;

/// <summary>Every path in the route table, alias or not, is called by at least one test of the published binary.</summary>
public sealed class RouteCoverageTests
{
    private static readonly string Sources = string.Join("\n",
        Directory.GetFiles(Path.Combine(Paths.RepoRoot, "Cgi.Tests", "Integration"), "*.cs")
            .Where(f => !f.EndsWith(nameof(RouteCoverageTests) + ".cs", StringComparison.Ordinal))
            .Select(File.ReadAllText));

    public static TheoryData<string> AllPaths()
    {
        var data = new TheoryData<string>();
        foreach (Route route in RouteTable.Routes)
        {
            data.Add(route.Path);
        }

        foreach ((string page, string canonical, Verbs _) in RouteTable.Pages)
        {
            if (page != canonical)
            {
                data.Add(page);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(AllPaths))]
    public void RouteTable_EveryPath_IsCalledByAnIntegrationTest(string path)
    {
        // The path as a string literal of its own, or followed by an interpolated id: "a/b" or $"a/b/{id}".
        var call = new Regex("\"" + Regex.Escape(path) + "(\"|/\\{)", RegexOptions.CultureInvariant);

        Assert.True(call.IsMatch(Sources), $"no integration test calls {path}");
    }
}
