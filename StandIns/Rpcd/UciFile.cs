using System.Text;

namespace Dockerman.StandIns.Rpcd;

/// <summary>One section of a UCI file: its type, its name (null when anonymous), its options and lists.</summary>
internal sealed class UciSection(string type, string? name)
{
    public string Type { get; } = type;

    public string? Name { get; } = name;

    /// <summary>Each option's value, or each value of a list in order.</summary>
    public Dictionary<string, List<string>> Values { get; } = new(StringComparer.Ordinal);

    public string? Option(string name) => Values.TryGetValue(name, out List<string>? v) && v.Count > 0 ? v[^1] : null;

    public IReadOnlyList<string> List(string name) => Values.TryGetValue(name, out List<string>? v) ? v : [];
}

/// <summary>
/// Reads a UCI file as rpcd does with libuci: lines of <c>config TYPE [NAME]</c>,
/// <c>option NAME VALUE</c>, <c>list NAME VALUE</c> (and <c>package</c>), words unquoted, in
/// <c>'…'</c> (taken as they are) or in <c>"…"</c> (with backslash escapes), <c>#</c> starting a
/// comment outside quotes. A line that does not parse is skipped.
/// </summary>
internal static class UciFile
{
    public static List<UciSection> Read(string path)
    {
        var sections = new List<UciSection>();
        if (!File.Exists(path))
        {
            return sections;
        }

        foreach (string line in File.ReadAllLines(path))
        {
            List<string>? words = Words(line);
            if (words == null || words.Count == 0)
            {
                continue;
            }

            switch (words[0])
            {
                case "config" when words.Count is 2 or 3:
                    sections.Add(new UciSection(words[1], words.Count == 3 ? words[2] : null));
                    break;
                case "option" when words.Count == 3 && sections.Count > 0:
                    sections[^1].Values[words[1]] = [words[2]];
                    break;
                case "list" when words.Count == 3 && sections.Count > 0:
                    if (!sections[^1].Values.TryGetValue(words[1], out List<string>? list))
                    {
                        sections[^1].Values[words[1]] = list = [];
                    }

                    list.Add(words[2]);
                    break;
            }
        }

        return sections;
    }

    /// <summary>The words of a line, or null when a quote is not closed.</summary>
    internal static List<string>? Words(string line)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        bool inWord = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (c is ' ' or '\t' or '\r')
            {
                if (inWord)
                {
                    words.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                }

                continue;
            }

            if (c == '#' && !inWord)
            {
                break;
            }

            inWord = true;
            if (c == '\'')
            {
                int end = line.IndexOf('\'', i + 1);
                if (end < 0)
                {
                    return null;
                }

                word.Append(line, i + 1, end - i - 1);
                i = end;
            }
            else if (c == '"')
            {
                int j = i + 1;
                for (; j < line.Length && line[j] != '"'; j++)
                {
                    if (line[j] == '\\' && j + 1 < line.Length)
                    {
                        j++;
                    }

                    word.Append(line[j]);
                }

                if (j >= line.Length)
                {
                    return null;
                }

                i = j;
            }
            else if (c == '\\' && i + 1 < line.Length)
            {
                word.Append(line[++i]);
            }
            else
            {
                word.Append(c);
            }
        }

        if (inWord)
        {
            words.Add(word.ToString());
        }

        return words;
    }
}
