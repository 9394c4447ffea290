using System.IO.Compression;
using System.Text.RegularExpressions;
using Dockerman.Tests.Support;
using Xunit;

namespace Dockerman.Tests.Console;

/// <summary>The console page's files as they ship (console/): within the size budget, every script
/// loaded, and nothing fetched from anywhere but the router.</summary>
public sealed partial class ConsoleFilesTests
{
    /// <summary>What the page may weigh in all, each file gzip'd.</summary>
    private const int GzipBudget = 100 * 1024;

    private static readonly string Folder = Path.Combine(Paths.RepoRoot, "console");

    private static string Index => File.ReadAllText(Path.Combine(Folder, "index.html"));

    [GeneratedRegex("<script src=\"([^\"]+)\" defer></script>")]
    private static partial Regex ScriptTag();

    [GeneratedRegex("""(?:src|href)="([^"]+)"|url\(|@import|https?://""")]
    private static partial Regex Reference();

    [Fact]
    public void AllFiles_Gzipped_WithinTheBudget()
    {
        long total = 0;
        foreach (string file in Directory.GetFiles(Folder))
        {
            using var buffer = new MemoryStream();
            using (var gzip = new GZipStream(buffer, CompressionLevel.SmallestSize, leaveOpen: true))
            {
                gzip.Write(File.ReadAllBytes(file));
            }

            total += buffer.Length;
        }

        Assert.InRange(total, 1, GzipBudget);
    }

    [Fact]
    public void Index_LoadsEveryScript_CoreFirstStartLast()
    {
        string[] loaded = [.. ScriptTag().Matches(Index).Select(m => m.Groups[1].Value)];
        string[] present = [.. Directory.GetFiles(Folder, "*.js").Select(Path.GetFileName).Order(StringComparer.Ordinal)!];

        Assert.Equal(present, loaded.Order(StringComparer.Ordinal));
        Assert.Equal("core.js", loaded[0]);
        Assert.Equal("start.js", loaded[^1]);
    }

    [Fact]
    public void Index_ReferencesOnlyItsOwnFiles()
    {
        foreach (Match m in Reference().Matches(Index))
        {
            Assert.True(m.Groups[1].Success, $"index.html: {m.Value}");
            Assert.True(File.Exists(Path.Combine(Folder, m.Groups[1].Value)), $"index.html names {m.Groups[1].Value}, which console/ does not hold");
        }

        foreach (string file in Directory.GetFiles(Folder, "*.js"))
        {
            Assert.DoesNotMatch(@"https?://|\bimport\s*\(", File.ReadAllText(file));
        }

        Assert.DoesNotMatch(@"https?://|@import|url\((?!data:)", File.ReadAllText(Path.Combine(Folder, "app.css")));
    }
}
