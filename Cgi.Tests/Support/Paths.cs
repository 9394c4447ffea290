namespace Dockerman.Tests.Support;

/// <summary>Where the repository, the published binary and the scripts are.</summary>
public static class Paths
{
    public static string RepoRoot { get; } = FindRoot();

    /// <summary>The published static binary: DOCKERMAN_BIN (set by make test) or out/linux-x64/dockerman.</summary>
    public static string Binary
    {
        get
        {
            string path = Environment.GetEnvironmentVariable("DOCKERMAN_BIN") is { Length: > 0 } bin
                ? bin
                : Path.Combine(RepoRoot, "out", "linux-x64", "dockerman");
            if (!File.Exists(path))
            {
                throw new InvalidOperationException($"the published binary is missing at {path}: run 'make build' (make test does)");
            }

            return path;
        }
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
