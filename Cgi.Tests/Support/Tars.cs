using System.Formats.Tar;
using System.Text;

namespace Dockerman.Tests.Support;

/// <summary>Tar archives made and read in memory, for uploads to and downloads from the daemon.</summary>
public static class Tars
{
    /// <summary>A ustar archive of regular files (mode 0644), in the order given.</summary>
    public static byte[] Build(params (string Name, string Content)[] files)
    {
        var ms = new MemoryStream();
        using (var writer = new TarWriter(ms, TarEntryFormat.Ustar, leaveOpen: true))
        {
            foreach ((string name, string content) in files)
            {
                var entry = new UstarTarEntry(TarEntryType.RegularFile, name)
                {
                    DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)),
                    Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
                    ModificationTime = DateTimeOffset.UtcNow,
                };
                writer.WriteEntry(entry);
            }
        }

        return ms.ToArray();
    }

    /// <summary>Every entry by name (a leading "./" dropped), with the bytes of regular files and
    /// an empty array for anything else. Throws if the archive is malformed.</summary>
    public static Dictionary<string, byte[]> Read(byte[] tar)
    {
        var entries = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        using var reader = new TarReader(new MemoryStream(tar));
        while (reader.GetNextEntry() is { } entry)
        {
            string name = entry.Name.StartsWith("./", StringComparison.Ordinal) ? entry.Name[2..] : entry.Name;
            byte[] data = [];
            if (entry.DataStream != null)
            {
                var copy = new MemoryStream();
                entry.DataStream.CopyTo(copy);
                data = copy.ToArray();
            }

            entries[name] = data;
        }

        return entries;
    }

    public static string Text(this Dictionary<string, byte[]> entries, string name) => Encoding.UTF8.GetString(entries[name]);
}
