using System.Buffers.Binary;
using System.Security.Cryptography;
using Dockerman.Tests.Support;

namespace Dockerman.Tests.Packaging.Apk;

/// <summary>One path an .apk installs: a folder, a file or a symbolic link, with owner, mode, size, mtime and contents.</summary>
public sealed record ApkEntry(string Name, char Kind, string OctalMode, string User, string Group, ulong Size, ulong MTime,
    string? Sha256, string? LinkTarget)
{
    public const char Folder = 'd';
    public const char File = 'f';
    public const char Link = 'l';

    /// <summary>A file's bytes, from its DATA block (empty for an empty file).</summary>
    public byte[] Data { get; set; } = [];
}

/// <summary>
/// An .apk of apk-tools 3 (schema "pckg"), read by this project's own reader from apk-tools'
/// doc/apk-v3.5, doc/apk-package.5, src/apk_adb.h and src/extract_v3.c: root fields 1 info, 2
/// paths, 3 scripts; each path (folder) 1 name, 2 acl, 3 files; each file 1 name, 2 acl, 3 size,
/// 4 mtime, 5 hash (SHA-256 of the contents), 6 target (u16 S_IFLNK, then the link's target);
/// each acl 1 mode, 2 user, 3 group. DATA blocks carry the contents of the non-empty regular
/// files in path order, each after a u32 path number and a u32 file number (both from 1).
/// </summary>
public sealed class ApkPackage
{
    private const ushort SIfLnk = 0xa000;
    private const int UniqueIdLength = 20;

    private ApkPackage(string path, AdbFile file)
    {
        Path = path;
        File = file;
        if (file.Schema != "pckg")
        {
            throw new InvalidDataException($"{path}: schema {file.Schema}, not pckg");
        }

        AdbObject root = file.Root.AsObject();
        Info = ApkInfo.Read(root[1].AsObject());
        Entries = ReadPaths(root[2].AsArray(), out List<(int, int, ApkEntry)> withData);
        ReadData(withData);
        AdbObject scripts = root[3].AsObject();
        var byName = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 1; i < scripts.SlotCount; i++)
        {
            if (!scripts[i].IsNull)
            {
                byName[ScriptNames[i - 1]] = scripts[i].Text();
            }
        }

        Scripts = byName;
    }

    /// <summary>Script slots 1 to 7 (ADBI_SCRPT_*).</summary>
    public static readonly string[] ScriptNames =
        ["trigger", "pre-install", "post-install", "pre-deinstall", "post-deinstall", "pre-upgrade", "post-upgrade"];

    public string Path { get; }

    public AdbFile File { get; }

    public ApkInfo Info { get; }

    /// <summary>The paths in package order, as ./name (folders with a trailing slash, the root as ./), like the .ipk's tar members.</summary>
    public IReadOnlyList<ApkEntry> Entries { get; }

    public IReadOnlyDictionary<string, string> Scripts { get; }

    /// <summary>The version in apk's form: &lt;Version&gt; of Directory.Build.props with release 1 (0.1.0 → 0.1.0-r1).</summary>
    public static string ExpectedVersion => Paths.Version + "-r1";

    /// <summary>Where make apk puts the package of an OpenWrt architecture: out/apk/&lt;arch&gt;/dockerman-&lt;version&gt;.apk.</summary>
    public static string PathFor(string arch) => Existing(System.IO.Path.Combine(Paths.RepoRoot, "out", "apk", arch,
        $"dockerman-{ExpectedVersion}.apk"), "make apk");

    internal static string Existing(string path, string make) => System.IO.File.Exists(path)
        ? path
        : throw new InvalidOperationException($"{path} is missing: run '{make}' (make test does)");

    public static ApkPackage Read(string path) => new(path, AdbFile.Read(path));

    public static ApkPackage Parse(byte[] bytes) => new("(bytes)", AdbFile.Parse(bytes));

    /// <summary>The unique id apk mkpkg stores as info.hashes: SHA-256 of the ADB block with these 20 bytes zeroed, cut to 20 bytes.</summary>
    public byte[] ExpectedUniqueId()
    {
        byte[] adb = (byte[])File.Adb.Clone();
        int start = File.Root.AsObject()[1].AsObject()[ApkInfo.FieldHashes].BlobStart();
        adb.AsSpan(start, UniqueIdLength).Clear();
        return SHA256.HashData(adb)[..UniqueIdLength];
    }

    private static List<ApkEntry> ReadPaths(IReadOnlyList<AdbValue> paths, out List<(int Path, int File, ApkEntry Entry)> withData)
    {
        var entries = new List<ApkEntry>();
        withData = [];
        string? previousDir = null;
        for (int p = 0; p < paths.Count; p++)
        {
            AdbObject dir = paths[p].AsObject();
            string dirName = dir[1].Text();
            if (previousDir != null && string.CompareOrdinal(previousDir, dirName) >= 0)
            {
                throw new InvalidDataException($"folder '{dirName}' after '{previousDir}': folders are sorted by name");
            }

            previousDir = dirName;
            string prefix = dirName.Length == 0 ? "./" : "./" + dirName + "/";
            entries.Add(Entry(prefix, ApkEntry.Folder, dir[2].AsObject(), 0, 0, null, null));
            IReadOnlyList<AdbValue> files = dir[3].AsArray();
            string? previousFile = null;
            for (int f = 0; f < files.Count; f++)
            {
                AdbObject file = files[f].AsObject();
                string name = file[1].Text();
                if (name.Length == 0 || name.Contains('/', StringComparison.Ordinal)
                    || (previousFile != null && string.CompareOrdinal(previousFile, name) >= 0))
                {
                    throw new InvalidDataException($"file '{name}' in '{dirName}': names are single, sorted path segments");
                }

                previousFile = name;
                byte[] target = file[6].Blob();
                ApkEntry entry;
                if (target.Length > 0)
                {
                    if (target.Length < 2 || BinaryPrimitives.ReadUInt16LittleEndian(target) != SIfLnk || !file[5].IsNull)
                    {
                        throw new InvalidDataException($"{prefix}{name}: a target that is not a symbolic link's");
                    }

                    entry = Entry(prefix + name, ApkEntry.Link, file[2].AsObject(), file[3].Integer(), file[4].Integer(), null,
                        System.Text.Encoding.UTF8.GetString(target, 2, target.Length - 2));
                }
                else
                {
                    byte[] hash = file[5].Blob();
                    if (hash.Length != 32)
                    {
                        throw new InvalidDataException($"{prefix}{name}: a hash of {hash.Length} bytes, not SHA-256's 32");
                    }

                    entry = Entry(prefix + name, ApkEntry.File, file[2].AsObject(), file[3].Integer(), file[4].Integer(),
                        Convert.ToHexStringLower(hash), null);
                    if (entry.Size > 0)
                    {
                        withData.Add((p + 1, f + 1, entry));
                    }
                }

                entries.Add(entry);
            }
        }

        return entries;
    }

    private static ApkEntry Entry(string name, char kind, AdbObject acl, ulong size, ulong mtime, string? sha256, string? target) =>
        new(name, kind, "0" + Convert.ToString((int)acl[1].Integer() & 0xfff, 8), acl[2].Text(), acl[3].Text(), size, mtime, sha256, target);

    /// <summary>Each DATA block is the next non-empty regular file, its length and SHA-256 those the paths give (extract_v3.c).</summary>
    private void ReadData(List<(int Path, int File, ApkEntry Entry)> withData)
    {
        List<AdbBlock> blocks = [.. File.DataBlocks];
        if (blocks.Count != withData.Count)
        {
            throw new InvalidDataException($"{blocks.Count} DATA blocks for {withData.Count} non-empty files");
        }

        for (int i = 0; i < blocks.Count; i++)
        {
            byte[] payload = blocks[i].Payload;
            (int path, int file, ApkEntry entry) = withData[i];
            if (payload.Length < 8 || BinaryPrimitives.ReadUInt32LittleEndian(payload) != path
                || BinaryPrimitives.ReadUInt32LittleEndian(payload.AsSpan(4)) != file)
            {
                throw new InvalidDataException($"DATA block {i} is not for path {path} file {file} ({entry.Name})");
            }

            byte[] data = payload[8..];
            if ((ulong)data.Length != entry.Size || Convert.ToHexStringLower(SHA256.HashData(data)) != entry.Sha256)
            {
                throw new InvalidDataException($"{entry.Name}: its DATA block does not match the size and hash of its path entry");
            }

            entry.Data = data;
        }
    }

    /// <summary>Unpacks the payload under <paramref name="root"/> with its modes, as apk installs it (owners aside).</summary>
    public void Extract(string root)
    {
        string top = System.IO.Path.GetFullPath(root);
        foreach (ApkEntry e in Entries)
        {
            string target = System.IO.Path.GetFullPath(System.IO.Path.Combine(root, e.Name));
            if (!target.StartsWith(top, StringComparison.Ordinal))
            {
                throw new InvalidDataException($"{e.Name} escapes the root");
            }

            var mode = (UnixFileMode)Convert.ToInt32(e.OctalMode, 8);
            switch (e.Kind)
            {
                case ApkEntry.Folder:
                    Directory.CreateDirectory(target);
                    System.IO.File.SetUnixFileMode(target, mode);
                    break;
                case ApkEntry.Link:
                    System.IO.File.CreateSymbolicLink(target, e.LinkTarget!);
                    break;
                default:
                    System.IO.File.WriteAllBytes(target, e.Data);
                    System.IO.File.SetUnixFileMode(target, mode);
                    break;
            }
        }
    }
}
