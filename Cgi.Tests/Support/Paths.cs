namespace Dockerman.Tests.Support;

/// <summary>Where the repository, the published binary and the scripts are.</summary>
public static class Paths
{
    public static string RepoRoot { get; } = FindRoot();

    /// <summary>The published static binary: DOCKERMAN_BIN (set by make test) or out/linux-x64/dockerman.</summary>
    public static string Binary => Published("DOCKERMAN_BIN", "linux-x64", "the published binary", "make build");

    /// <summary>The linux-arm64 binary: DOCKERMAN_ARM64_BIN (set by make test) or out/linux-arm64/dockerman.</summary>
    public static string Arm64Binary => Published("DOCKERMAN_ARM64_BIN", "linux-arm64", "the arm64 binary", "make arm64");

    private static string Published(string variable, string rid, string what, string make)
    {
        string path = Environment.GetEnvironmentVariable(variable) is { Length: > 0 } bin
            ? bin
            : Path.Combine(RepoRoot, "out", rid, "dockerman");
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"{what} is missing at {path}: run '{make}' (make test does)");
        }

        return path;
    }

    /// <summary>The version, read from its one home: &lt;Version&gt; in Directory.Build.props.</summary>
    public static string Version { get; } = System.Xml.Linq.XDocument.Load(Path.Combine(RepoRoot, "Directory.Build.props"))
        .Descendants("Version").Single().Value;

    /// <summary>The package for an OpenWrt architecture in out/, built by make ipk (make test does).</summary>
    public static string Package(string arch)
    {
        string path = Path.Combine(RepoRoot, "out", $"dockerman_{Version}_{arch}.ipk");
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"the package is missing at {path}: run 'make ipk' (make test does)");
        }

        return path;
    }

    private static string FindRoot()
    {
        string? dir = AppContext.BaseDirectory;
        while (dir != null && !File.Exists(Path.Combine(dir, "global.json")))
        {
            dir = Path.GetDirectoryName(dir);
        }

        return dir ?? throw new InvalidOperationException("repository root (global.json) not found");
    }

    /// <summary>A fresh temporary directory with a short path (Unix socket paths are limited to 108 bytes).</summary>
    public static string TempDir(string prefix)
    {
        string dir = Path.Combine("/tmp", $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)]);
        Directory.CreateDirectory(dir);
        return dir;
    }
}
