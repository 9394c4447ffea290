using System.Text.Json;
using Dockerman.Tests.Support;

namespace Dockerman.Tests.Packaging;

/// <summary>One path an .apk installs: a folder, a file or a symbolic link, with its owner and mode.</summary>
public sealed record ApkEntry(string Name, char Kind, string OctalMode, string User, string Group, string? Sha256)
{
    public const char Folder = 'd';
    public const char File = 'f';
    public const char Link = 'l';
}

/// <summary>
/// An .apk (apk v3, the ADB format of OpenWrt 25.12) as apk-tools itself reads it:
/// <c>apk adbdump --format json</c> gives the package info, every folder with its files, and the scripts.
/// </summary>
public sealed class ApkPackage
{
    public string Path { get; }

    public string Name { get; }

    public string Version { get; }

    public string Arch { get; }

    public string License { get; }

    public string Origin { get; }

    public string Description { get; }

    public IReadOnlyList<string> Depends { get; }

    /// <summary>The paths in archive order, as ./name (folders with a trailing slash, the root as ./), like the .ipk's tar members.</summary>
    public IReadOnlyList<ApkEntry> Entries { get; }

    public IReadOnlyDictionary<string, string> Scripts { get; }

    /// <summary>The version in apk's form: &lt;Version&gt; of Directory.Build.props with release 1 (0.1.0 → 0.1.0-r1).</summary>
    public static string ExpectedVersion => Paths.Version + "-r1";

    /// <summary>The package of an OpenWrt architecture, where make apk puts it: out/apk/&lt;arch&gt;/dockerman-&lt;version&gt;.apk.</summary>
    public static string PathFor(string arch)
    {
        string path = System.IO.Path.Combine(Paths.RepoRoot, "out", "apk", arch, $"dockerman-{ExpectedVersion}.apk");
        if (!System.IO.File.Exists(path))
        {
            throw new InvalidOperationException($"the package is missing at {path}: run 'make apk' (make test does)");
        }

        return path;
    }

    private ApkPackage(string path, JsonElement root)
    {
        Path = path;
        JsonElement info = root.GetProperty("info");
        Name = info.GetProperty("name").GetString()!;
        Version = info.GetProperty("version").GetString()!;
        Arch = info.GetProperty("arch").GetString()!;
        License = info.GetProperty("license").GetString()!;
        Origin = info.GetProperty("origin").GetString()!;
        Description = info.GetProperty("description").GetString()!;
        Depends = info.TryGetProperty("depends", out JsonElement deps) ? deps.EnumerateArray().Select(d => d.GetString()!).ToList() : [];

        var entries = new List<ApkEntry>();
        foreach (JsonElement dir in root.GetProperty("paths").EnumerateArray())
        {
            string name = dir.TryGetProperty("name", out JsonElement n) ? n.GetString()! : "";
            string prefix = name.Length == 0 ? "./" : "./" + name + "/";
            entries.Add(Entry(prefix, ApkEntry.Folder, dir));
            if (dir.TryGetProperty("files", out JsonElement files))
            {
                foreach (JsonElement file in files.EnumerateArray())
                {
                    char kind = file.TryGetProperty("target", out _) ? ApkEntry.Link : ApkEntry.File;
                    entries.Add(Entry(prefix + file.GetProperty("name").GetString(), kind, file));
                }
            }
        }

        Entries = entries;
        var scripts = new Dictionary<string, string>(StringComparer.Ordinal);
        if (root.TryGetProperty("scripts", out JsonElement s))
        {
            foreach (JsonProperty script in s.EnumerateObject())
            {
                scripts[script.Name] = script.Value.GetString()!;
            }
        }

        Scripts = scripts;
    }

    private static ApkEntry Entry(string name, char kind, JsonElement e)
    {
        JsonElement acl = e.GetProperty("acl");
        int mode = acl.GetProperty("mode").GetInt32();
        string? hash = kind == ApkEntry.File ? e.GetProperty("hash").GetString() : null;
        return new ApkEntry(name, kind, "0" + Convert.ToString(mode & 0x1FF, 8), acl.GetProperty("user").GetString()!,
            acl.GetProperty("group").GetString()!, hash);
    }

    public static ApkPackage Read(string path)
    {
        using JsonDocument dump = JsonDocument.Parse(ApkTool.Ok("adbdump", "--format", "json", path));
        return new ApkPackage(path, dump.RootElement);
    }

    /// <summary>Unpacks the payload under <paramref name="root"/> with its modes (apk extract; packages are unsigned).</summary>
    public void Extract(string root) => ApkTool.Ok("extract", "--allow-untrusted", "--no-network", "--destination", root, Path);
}
