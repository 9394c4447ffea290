using System.Diagnostics;
using System.Text.RegularExpressions;
using Dockerman.Tests.Support;
using Xunit;

namespace Dockerman.Tests.Docs;

/// <summary>
/// The route table, the limits and the exit codes in the documentation are the program's own
/// output (build/docs.py, run by <c>make docs</c>): a committed doc that differs from what the
/// published binary prints fails here.
/// </summary>
public sealed partial class GeneratedDocsTests
{
    [GeneratedRegex(@"<!-- generated: dockerman (--[a-z-]+) -->\n(.*?)<!-- end generated -->", RegexOptions.Singleline)]
    private static partial Regex Block();

    private static IEnumerable<string> DocFiles() =>
        Directory.GetFiles(Path.Combine(Paths.RepoRoot, "docs"), "*.md").Append(Path.Combine(Paths.RepoRoot, "README.md"));

    [Fact]
    public void GeneratedParts_EachArgumentOnce_RoutesLimitsAndExitCodes()
    {
        var args = DocFiles().SelectMany(f => Block().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value)).ToList();

        Assert.Equal(["--exit-codes", "--limits", "--routes"], args.Order(StringComparer.Ordinal).ToArray());
    }

    [Theory]
    [InlineData("--routes")]
    [InlineData("--limits")]
    [InlineData("--exit-codes")]
    public void GeneratedPart_SameAsTheProgramPrints(string arg)
    {
        (string file, string text) = DocFiles()
            .SelectMany(f => Block().Matches(File.ReadAllText(f)).Select(m => (f, m)))
            .Where(x => x.m.Groups[1].Value == arg)
            .Select(x => (Path.GetRelativePath(Paths.RepoRoot, x.f), x.m.Groups[2].Value))
            .Single();

        string printed = Run(arg);

        Assert.True(printed.Length > 200, printed);
        Assert.True(text == printed, $"{file}: the part after 'generated: dockerman {arg}' differs from what the program prints: run make docs");
    }

    [Fact]
    public void Routes_OneRowForEachRouteAndEachPageEndpoint()
    {
        string[] rows = Run("--routes").Split('\n').Where(l => l.StartsWith("| `", StringComparison.Ordinal)).ToArray();

        Assert.Equal(Dockerman.Routing.RouteTable.Routes.Length + Dockerman.Routing.RouteTable.Pages.Length, rows.Length);
        Assert.Contains("| `container/list` | GET | `GET /containers/json` | `all`, `limit`, `size`, `filters` |  |", rows);
    }

    private static string Run(string arg)
    {
        var psi = new ProcessStartInfo(Paths.Binary) { RedirectStandardOutput = true, UseShellExecute = false };
        psi.ArgumentList.Add(arg);
        using var p = Process.Start(psi)!;
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.Equal(0, p.ExitCode);
        return output;
    }
}
