using System.Formats.Tar;
using System.IO.Compression;
using System.Text;

namespace Dockerman.Tests.Packaging;

/// <summary>One tar member: its name as stored, type, mode, owner and contents (for a link, its target).</summary>
public sealed record TarMember(string Name, TarEntryType Type, UnixFileMode Mode, int Uid, int Gid, byte[] Data, string LinkName = "",
    DateTimeOffset ModificationTime = default)
{
    public bool IsDirectory => Type == TarEntryType.Directory;

    /// <summary>The permission bits as an octal string, e.g. "0755".</summary>
    public string OctalMode => "0" + Convert.ToString((int)Mode & 0x1FF, 8);
}

/// <summary>
/// An .ipk read the way opkg reads one: the file is a gzip'd tar (not an ar archive, which
/// is what Debian's .deb is) whose members are ./debian-binary, ./data.tar.gz and
/// ./control.tar.gz; the last two are gzip'd tars themselves.
/// </summary>
public sealed class IpkPackage
{
    public IReadOnlyList<TarMember> Outer { get; }

    public IReadOnlyList<TarMember> Data { get; }

    public IReadOnlyList<TarMember> Control { get; }

    /// <summary>The uncompressed length of data.tar.gz, which ipkg-build reports as Installed-Size.</summary>
    public long DataTarLength { get; }

    private IpkPackage(IReadOnlyList<TarMember> outer, IReadOnlyList<TarMember> data, IReadOnlyList<TarMember> control, long dataTarLength)
    {
        Outer = outer;
        Data = data;
        Control = control;
        DataTarLength = dataTarLength;
    }

    public static IpkPackage Read(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        IReadOnlyList<TarMember> outer = ReadTarGz(bytes, out _);
        byte[] Member(string name) =>
            outer.SingleOrDefault(m => m.Name == name)?.Data ?? throw new InvalidDataException($"{path} has no {name}");
        IReadOnlyList<TarMember> data = ReadTarGz(Member("./data.tar.gz"), out long dataLength);
        IReadOnlyList<TarMember> control = ReadTarGz(Member("./control.tar.gz"), out _);
        return new IpkPackage(outer, data, control, dataLength);
    }

    /// <summary>The members of a gzip'd tar, in archive order; <paramref name="tarLength"/> is the tar's own length.</summary>
    public static IReadOnlyList<TarMember> ReadTarGz(byte[] gz, out long tarLength)
    {
        var tar = new MemoryStream();
        using (var gzip = new GZipStream(new MemoryStream(gz), CompressionMode.Decompress))
        {
            gzip.CopyTo(tar);
        }

        tarLength = tar.Length;
        tar.Position = 0;
        var members = new List<TarMember>();
        using var reader = new TarReader(tar);
        while (reader.GetNextEntry(copyData: true) is { } entry)
        {
            byte[] data = [];
            if (entry.DataStream != null)
            {
                var ms = new MemoryStream();
                entry.DataStream.CopyTo(ms);
                data = ms.ToArray();
            }

            members.Add(new TarMember(entry.Name, entry.EntryType, entry.Mode, entry.Uid, entry.Gid, data, entry.LinkName, entry.ModificationTime));
        }

        return members;
    }

    public TarMember DataFile(string name) =>
        Data.SingleOrDefault(m => m.Name == name) ?? throw new InvalidDataException($"data.tar.gz has no {name}");

    public TarMember ControlFile(string name) =>
        Control.SingleOrDefault(m => m.Name == name) ?? throw new InvalidDataException($"control.tar.gz has no {name}");

    public string ControlText(string name) => Encoding.UTF8.GetString(ControlFile(name).Data);

    /// <summary>The control file's fields; continuation lines (starting with a space) join the field above.</summary>
    public Dictionary<string, string> Fields()
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        string? last = null;
        foreach (string line in ControlText("./control").Split('\n'))
        {
            if (line.Length == 0)
            {
                continue;
            }

            if (line[0] == ' ' && last != null)
            {
                fields[last] += "\n" + line[1..];
                continue;
            }

            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                throw new InvalidDataException($"control line without a field name: '{line}'");
            }

            last = line[..colon];
            if (!fields.TryAdd(last, line[(colon + 1)..].Trim()))
            {
                throw new InvalidDataException($"control field {last} appears twice");
            }
        }

        return fields;
    }

    /// <summary>Unpacks data.tar.gz under <paramref name="root"/> with its modes, as opkg installs it.</summary>
    public void ExtractData(string root)
    {
        foreach (TarMember m in Data)
        {
            string target = Path.GetFullPath(Path.Combine(root, m.Name));
            if (!target.StartsWith(Path.GetFullPath(root), StringComparison.Ordinal))
            {
                throw new InvalidDataException($"{m.Name} escapes the root");
            }

            if (m.IsDirectory)
            {
                Directory.CreateDirectory(target);
            }
            else if (m.Type == TarEntryType.SymbolicLink)
            {
                File.CreateSymbolicLink(target, m.LinkName);
                continue; // a link has no mode of its own: setting one would change its target's
            }
            else
            {
                File.WriteAllBytes(target, m.Data);
            }

            File.SetUnixFileMode(target, m.Mode);
        }
    }
}
