using Dockerman.Config;
using Xunit;

namespace Dockerman.Tests.Parsing;

public sealed class UciTests
{
    [Theory]
    [InlineData("option name value", new[] { "option", "name", "value" })]
    [InlineData("  option\tname   'a value'  ", new[] { "option", "name", "a value" })]
    [InlineData("option name \"a value\"", new[] { "option", "name", "a value" })]
    [InlineData("option name 'it''s'", new[] { "option", "name", "its" })]
    [InlineData("option name 'a'\"b\"c", new[] { "option", "name", "abc" })]
    [InlineData("option name 'single \\n stays'", new[] { "option", "name", "single \\n stays" })]
    [InlineData("option name \"say \\\"hi\\\"\"", new[] { "option", "name", "say \"hi\"" })]
    [InlineData("option name \"back\\\\slash\"", new[] { "option", "name", "back\\slash" })]
    [InlineData("option name \"it's\"", new[] { "option", "name", "it's" })]
    [InlineData("option name 'say \"hi\"'", new[] { "option", "name", "say \"hi\"" })]
    [InlineData("option name bare\\ space", new[] { "option", "name", "bare space" })]
    [InlineData("option name ''", new[] { "option", "name", "" })]
    [InlineData("option name 'a#b' # comment", new[] { "option", "name", "a#b" })]
    [InlineData("option name a#b", new[] { "option", "name", "a#b" })]
    [InlineData("# only a comment", new string[0])]
    [InlineData("   ", new string[0])]
    [InlineData("", new string[0])]
    public void Tokenize_Line_Words(string line, string[] expected)
    {
        List<string>? words = Uci.Tokenize(line, out string? error);

        Assert.Null(error);
        Assert.Equal(expected, words);
    }

    [Theory]
    [InlineData("option name 'open", "unterminated single quote")]
    [InlineData("option name \"open", "unterminated double quote")]
    [InlineData("option name \"escaped end\\\"", "unterminated double quote")]
    public void Tokenize_UnterminatedQuote_Error(string line, string error)
    {
        Assert.Null(Uci.Tokenize(line, out string? message));
        Assert.Equal(error, message);
    }

    [Fact]
    public void Parse_File_SectionsOptionsLists()
    {
        const string Text = """
            # /etc/config/dockerd

            config globals 'globals'
            	option data_root '/opt/docker/'
            	option log_level "warn"
            	list hosts 'unix:///var/run/docker.sock'
            	list hosts tcp://0.0.0.0:2375

            config firewall
            	option device 'docker0'

            config dockerman main
            	option auth token
            """;
        var problems = new List<string>();

        List<UciSection> sections = Uci.Parse(Text, problems);

        Assert.Empty(problems);
        Assert.Equal(3, sections.Count);
        Assert.Equal(("globals", "globals"), (sections[0].Type, sections[0].Name));
        Assert.Equal("/opt/docker/", sections[0].Options["data_root"]);
        Assert.Equal("warn", sections[0].Options["log_level"]);
        Assert.Equal(["unix:///var/run/docker.sock", "tcp://0.0.0.0:2375"], sections[0].Values("hosts"));
        Assert.Equal(("firewall", (string?)null), (sections[1].Type, sections[1].Name));
        Assert.Equal(["docker0"], sections[1].Values("device"));
        Assert.Empty(sections[1].Values("missing"));
        Assert.Equal("token", sections[2].Options["auth"]);
    }

    [Fact]
    public void Parse_Problems_ReportedWithLineNumbersAndTheRestKept()
    {
        const string Text = "option orphan 1\n" +
                            "config dockerman 'main'\n" +
                            "\toption a 'unterminated\n" +
                            "\toption b \"also\n" +
                            "\toption c fine\n" +
                            "\tbogus word here\n" +
                            "\toption too many words here\n" +
                            "\tlist l 'x'\n";
        var problems = new List<string>();

        List<UciSection> sections = Uci.Parse(Text, problems);

        Assert.Equal(
            [
                "line 1: cannot parse 'option' here",
                "line 3: unterminated single quote",
                "line 4: unterminated double quote",
                "line 6: cannot parse 'bogus' here",
                "line 7: cannot parse 'option' here",
            ],
            problems);
        UciSection main = Assert.Single(sections);
        Assert.Equal(["c"], main.Options.Keys);
        Assert.Equal(["x"], main.Values("l"));
    }

    [Fact]
    public void Parse_CrLfLineEnds_SameAsLf()
    {
        var problems = new List<string>();

        List<UciSection> sections = Uci.Parse("config a 'b'\r\n\toption c 'd'\r\n", problems);

        Assert.Empty(problems);
        Assert.Equal("d", Assert.Single(sections).Options["c"]);
    }

    [Fact]
    public void Parse_RepeatedOption_LastWins()
    {
        List<UciSection> sections = Uci.Parse("config a\noption x 1\noption x 2\n", []);

        Assert.Equal("2", Assert.Single(sections).Options["x"]);
    }

    [Theory]
    [InlineData("globals", "globals", 1)]
    [InlineData("globals", null, 0)]
    [InlineData("globals", "other", 0)]
    [InlineData("missing", null, -1)]
    public void Find_ByTypeAndName_NamedFirstThenFirstOfType(string type, string? name, int expected)
    {
        List<UciSection> sections = Uci.Parse("config globals\nconfig globals 'globals'\nconfig x\n", []);

        UciSection? found = Uci.Find(sections, type, name);

        Assert.Equal(expected, found == null ? -1 : sections.IndexOf(found));
    }
}
