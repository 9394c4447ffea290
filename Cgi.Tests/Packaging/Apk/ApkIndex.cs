using Dockerman.Tests.Support;

namespace Dockerman.Tests.Packaging.Apk;

/// <summary>
/// An apk-tools 3 repository index (packages.adb, schema "indx"), read from apk-tools'
/// src/apk_adb.h and src/app_mkndx.c: root field 1 the description, 2 the packages, each a
/// package info object whose hashes is the SHA-256 of the package's ADB block and whose
/// file-size is the size of the .apk.
/// </summary>
public sealed class ApkIndex
{
    private ApkIndex(AdbFile file)
    {
        if (file.Schema != "indx")
        {
            throw new InvalidDataException($"schema {file.Schema}, not indx");
        }

        File = file;
        AdbObject root = file.Root.AsObject();
        if (root.SlotCount > 3)
        {
            throw new InvalidDataException("the index root sets fields past 2 (packages)");
        }

        Description = root[1].Text();
        Packages = [.. root[2].AsArray().Select(p => ApkInfo.Read(p.AsObject()))];
    }

    public AdbFile File { get; }

    public string Description { get; }

    public IReadOnlyList<ApkInfo> Packages { get; }

    /// <summary>Where make feed puts the index of an architecture.</summary>
    public static string PathFor(string arch) =>
        ApkPackage.Existing(Path.Combine(Paths.RepoRoot, "out", "feed", "apk", arch, "packages.adb"), "make feed");

    public static ApkIndex Read(string path) => new(AdbFile.Read(path));

    public static ApkIndex Parse(byte[] bytes) => new(AdbFile.Parse(bytes));
}
