namespace Dockerman.Config;

/// <summary>One UCI section: <c>config type 'name'</c> with its options and lists.</summary>
internal sealed class UciSection(string type, string? name)
{
    public string Type { get; } = type;

    /// <summary>Null for an anonymous section.</summary>
    public string? Name { get; } = name;

    public Dictionary<string, string> Options { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, List<string>> Lists { get; } = new(StringComparer.Ordinal);

    /// <summary>A list's values, or the option's single value (UCI lets either spell one value).</summary>
    public IReadOnlyList<string> Values(string key) =>
        Lists.TryGetValue(key, out List<string>? list) ? list :
        Options.TryGetValue(key, out string? one) ? [one] : [];
}

/// <summary>
/// Parses the UCI file syntax of OpenWrt's /etc/config: <c>config</c>, <c>option</c>,
/// <c>list</c> lines; words bare, in single quotes (literal) or double quotes (backslash
/// escapes), pieces of one word joined; <c>#</c> comments; blank lines. Problems are
/// collected as messages with their line numbers, and the rest of the file still counts.
/// </summary>
internal static class Uci
{
    public static List<UciSection> Parse(string text, List<string> problems)
    {
        var sections = new List<UciSection>();
        UciSection? current = null;
        int lineNo = 0;
        foreach (ReadOnlySpan<char> rawLine in text.AsSpan().EnumerateLines())
        {
            lineNo++;
            List<string>? words = Tokenize(rawLine, out string? error);
            if (words == null)
            {
                problems.Add($"line {lineNo}: {error}");
                continue;
            }

            if (words.Count == 0)
            {
                continue;
            }

            switch (words[0])
            {
                case "config" when words.Count is 2 or 3:
                    current = new UciSection(words[1], words.Count == 3 ? words[2] : null);
                    sections.Add(current);
                    break;
                case "option" when words.Count == 3 && current != null:
                    current.Options[words[1]] = words[2];
                    break;
                case "list" when words.Count == 3 && current != null:
                    if (!current.Lists.TryGetValue(words[1], out List<string>? list))
                    {
                        current.Lists[words[1]] = list = [];
                    }

                    list.Add(words[2]);
                    break;
                case "package":
                    break;
                default:
                    problems.Add($"line {lineNo}: cannot parse '{words[0]}' here");
                    break;
            }
        }

        return sections;
    }

    /// <summary>Words of one line, or null with an error (an unterminated quote).</summary>
    internal static List<string>? Tokenize(ReadOnlySpan<char> line, out string? error)
    {
        error = null;
        var words = new List<string>();
        var word = new System.Text.StringBuilder();
        bool inWord = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (c is ' ' or '\t')
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
                int close = line[(i + 1)..].IndexOf('\'');
                if (close < 0)
                {
                    error = "unterminated single quote";
                    return null;
                }

                word.Append(line.Slice(i + 1, close));
                i += close + 1;
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
                    error = "unterminated double quote";
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

    /// <summary>Reads and parses ConfigDir/<paramref name="file"/>; null when it does not exist.</summary>
    public static List<UciSection>? Load(string dir, string file, TextWriter stderr)
    {
        string path = Path.Combine(dir, file);
        string text;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                return null;
            }

            if (info.Length > Http.Limits.MaxConfigFileBytes)
            {
                stderr.WriteLine($"dockerman: {path}: larger than {Http.Limits.MaxConfigFileBytes} bytes, ignored");
                return null;
            }

            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"dockerman: {path}: {e.Message}");
            return null;
        }

        var problems = new List<string>();
        List<UciSection> sections = Parse(text, problems);
        foreach (string p in problems)
        {
            stderr.WriteLine($"dockerman: {path}: {p}");
        }

        return sections;
    }

    public static UciSection? Find(List<UciSection>? sections, string type, string? name)
    {
        if (sections == null)
        {
            return null;
        }

        UciSection? firstOfType = null;
        foreach (UciSection s in sections)
        {
            if (s.Type == type)
            {
                if (name == null || s.Name == name)
                {
                    return s;
                }

                firstOfType ??= s;
            }
        }

        return firstOfType;
    }
}
