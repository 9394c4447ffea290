namespace Dockerman.Tests.Packaging.Feed;

/// <summary>
/// An opkg package list (Packages), as OpenWrt's scripts/ipkg-make-index.sh writes it and opkg
/// reads it: one stanza per package, each the package's control file with Filename, Size and
/// SHA256sum before its Description, stanzas ended by a blank line. A line starting with a space
/// continues the field above.
/// </summary>
public static class OpkgIndex
{
    /// <summary>Each stanza's fields in order (name, value), continuation lines joined with "\n".</summary>
    public static List<List<(string Name, string Value)>> Parse(string text)
    {
        var stanzas = new List<List<(string, string)>>();
        List<(string Name, string Value)>? current = null;
        foreach (string line in text.Split('\n'))
        {
            if (line.Length == 0)
            {
                current = null;
                continue;
            }

            if (line[0] == ' ')
            {
                if (current is not { Count: > 0 })
                {
                    throw new InvalidDataException($"continuation line outside a field: '{line}'");
                }

                current[^1] = (current[^1].Name, current[^1].Value + "\n" + line[1..]);
                continue;
            }

            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                throw new InvalidDataException($"line without a field name: '{line}'");
            }

            if (current == null)
            {
                current = [];
                stanzas.Add(current);
            }

            current.Add((line[..colon], line[(colon + 1)..].Trim()));
        }

        if (!text.EndsWith("\n\n", StringComparison.Ordinal))
        {
            throw new InvalidDataException("the last stanza is not ended by a blank line");
        }

        return stanzas;
    }
}
