namespace Dockerman.Tests.Support;

/// <summary>
/// What the LuCI Dockerman pages send, as the project's test data writes it down
/// (Cgi.Tests/TestData/luci-pages): their controller calls and their rpc calls.
/// </summary>
public static class PageFacts
{
    private static string Dir => Path.Combine(Paths.RepoRoot, "Cgi.Tests", "TestData", "luci-pages");

    /// <summary>controller-calls.tsv: path under the pages' base → the HTTP method the page uses.</summary>
    public static IReadOnlyDictionary<string, string> ControllerCalls { get; } =
        Rows("controller-calls.tsv", 2).ToDictionary(r => r[0], r => r[1], StringComparer.Ordinal);

    /// <summary>rpc-calls.tsv: (object, method, argument template or "-").</summary>
    public static IReadOnlyList<(string Object, string Method, string Template)> RpcCalls { get; } =
        [.. Rows("rpc-calls.tsv", 3).Select(r => (r[0], r[1], r[2]))];

    private static IEnumerable<string[]> Rows(string file, int columns)
    {
        foreach (string line in File.ReadLines(Path.Combine(Dir, file)))
        {
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            string[] cells = line.Split('\t');
            if (cells.Length != columns)
            {
                throw new InvalidDataException($"{file}: '{line}' has {cells.Length} columns, not {columns}");
            }

            yield return cells;
        }
    }
}
