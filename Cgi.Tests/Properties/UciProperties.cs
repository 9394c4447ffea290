using System.Text;
using CsCheck;
using Dockerman.Config;
using Xunit;

namespace Dockerman.Tests.Properties;

/// <summary>UCI files under generated input: what is written in any quoting reads back; anything
/// else is a list of problems, never an exception.</summary>
public sealed class UciProperties
{
    private static readonly Gen<string> Word = Gen.Char["abcxyz_019"].Array[1, 8].Select(c => new string(c));

    /// <summary>Values of any characters that stay on one line.</summary>
    private static readonly Gen<string> Value = Gen.Frequency(
            (4, Gen.Char[" \t'\"\\#abc=/;$`"]),
            (1, Gen.Char[(char)0x20, (char)0x7e]),
            (1, Gen.Char[(char)0xa0, (char)0x2000]))
        .Array[0, 20].Select(c => new string(c));

    /// <summary>One value quoted one of three ways: single quotes (a quote as '\''), double quotes
    /// with backslash escapes, or bare with every special character escaped.</summary>
    private static string Quote(string value, int style) => style switch
    {
        0 => "'" + value.Replace("'", "'\"'\"'", StringComparison.Ordinal) + "'",
        1 => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"",
        _ => value.Length == 0 ? "''" : string.Concat(value.Select(c => char.IsAsciiLetterOrDigit(c) ? c.ToString() : "\\" + c)),
    };

    private static readonly Gen<(string Type, string Name, (string Key, string Value, bool List, int Style)[] Options)[]> File =
        Gen.Select(Word, Word, Gen.Select(Word, Value, Gen.Bool, Gen.Int[0, 2]).Array[0, 6]).Array[0, 4];

    private static string Write((string Type, string Name, (string Key, string Value, bool List, int Style)[] Options)[] file)
    {
        var sb = new StringBuilder("# generated\n\n");
        foreach ((string type, string name, var options) in file)
        {
            sb.Append($"config {type} '{name}'\n");
            foreach ((string key, string value, bool list, int style) in options)
            {
                sb.Append($"\t{(list ? "list" : "option")} {key} {Quote(value, style)}  # note\n");
            }

            sb.Append('\n');
        }

        return sb.ToString();
    }

    [Fact]
    public void Uci_WrittenFile_ParsesBack()
    {
        Fuzz.Check(File, file =>
        {
            var problems = new List<string>();
            List<UciSection> sections = Uci.Parse(Write(file), problems);
            Assert.Empty(problems);
            Assert.Equal(file.Length, sections.Count);
            for (int i = 0; i < file.Length; i++)
            {
                Assert.Equal(file[i].Type, sections[i].Type);
                Assert.Equal(file[i].Name, sections[i].Name);
                foreach (var group in file[i].Options.GroupBy(o => (o.Key, o.List)))
                {
                    if (group.Key.List)
                    {
                        Assert.Equal(group.Select(o => o.Value), sections[i].Lists[group.Key.Key]);
                    }
                    else
                    {
                        Assert.Equal(group.Last().Value, sections[i].Options[group.Key.Key]); // the last one wins
                    }
                }
            }
        }, f => Fuzz.Show(Write(f)));
    }

    [Fact]
    public void Uci_AnyText_ProblemsNotExceptions()
    {
        Gen<string> text = Gen.Frequency(
            (1, Gen.Char.Array[0, 200].Select(c => new string(c))),
            (3, Gen.Frequency(
                    (6, Gen.OneOf("config", "option", "list", "package", " ", "\t", "'", "\"", "\\", "#", "\n", "\r\n", "x")),
                    (1, Gen.Char.Select(c => c.ToString())))
                .Array[0, 60].Select(string.Concat)));
        Fuzz.Check(text, t =>
        {
            var problems = new List<string>();
            foreach (UciSection section in Uci.Parse(t, problems))
            {
                Assert.NotNull(section.Type);
            }
        }, Fuzz.Show);
    }
}
