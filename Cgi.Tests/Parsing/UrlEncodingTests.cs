using System.Text;
using Dockerman.CgiIo;
using Dockerman.Http;
using Xunit;

namespace Dockerman.Tests.Parsing;

public sealed class UrlEncodingTests
{
    private static KeyValuePair<string, string>[] Pairs(params string[] items) =>
        items.Chunk(2).Select(p => new KeyValuePair<string, string>(p[0], p[1])).ToArray();

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a+b", "a b")]
    [InlineData("a%2Bb", "a+b")]
    [InlineData("a%2bb", "a+b")]
    [InlineData("100%25", "100%")]
    [InlineData("%7B%22a%22%3A1%7D", "{\"a\":1}")]
    [InlineData("caf%C3%A9", "café")]
    [InlineData("%F0%9F%90%B3", "🐳")]
    [InlineData("", "")]
    [InlineData("%20%20", "  ")]
    [InlineData("raw-é", "raw-é")]
    public void Decode_Escapes_Decoded(string encoded, string expected)
    {
        Assert.Equal(expected, UrlEncoding.Decode(encoded, "query"));
    }

    [Theory]
    [InlineData("%zz")]
    [InlineData("%4")]
    [InlineData("%")]
    [InlineData("a%")]
    [InlineData("%4g")]
    [InlineData("%%41")]
    [InlineData("%C3%28")] // invalid continuation byte
    [InlineData("%C0%AF")] // overlong '/'
    [InlineData("%E0%80%AF")] // overlong '/', three bytes
    [InlineData("%ED%A0%80")] // a UTF-16 surrogate in UTF-8
    [InlineData("%FF")]
    [InlineData("%C3")] // truncated sequence
    public void Decode_BadEscapeOrInvalidUtf8_BadRequest(string encoded)
    {
        var e = Assert.Throws<ApiException>(() => UrlEncoding.Decode(encoded, "query"));

        Assert.Equal(400, e.Status);
        Assert.StartsWith("query: ", e.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string> RoundTripValues => new()
    {
        "",
        "plain",
        "a&b=c",
        "x=y=z",
        "1+1=2",
        "100% sure",
        "%41 is not A",
        "with spaces  and\ttab",
        "\"double\" 'single' `back`",
        "{\"label\":[\"a=b\",\"c&d\"]}",
        "[brackets] (parens) <angle>",
        "/path/to/../file?#frag",
        "ünïcödé",
        "日本語",
        "🐳 emoji 👍🏽",
        "~-._ unreserved",
        "\\back\\slash",
        "line\nbreak",
    };

    [Theory]
    [MemberData(nameof(RoundTripValues))]
    public void Append_ThenDecode_Identity(string value)
    {
        var sb = new StringBuilder();

        UrlEncoding.Append(sb, value);
        string encoded = sb.ToString();

        Assert.True(Ascii.IsValid(encoded));
        Assert.DoesNotContain('&', encoded);
        Assert.DoesNotContain('=', encoded);
        Assert.DoesNotContain('+', encoded);
        Assert.DoesNotContain(' ', encoded);
        Assert.Equal(value, UrlEncoding.Decode(encoded, "query"));
    }

    [Theory]
    [MemberData(nameof(RoundTripValues))]
    public void ParseQuery_AppendedPair_RoundTrips(string value)
    {
        var sb = new StringBuilder("first=1&");
        UrlEncoding.Append(sb, value);
        sb.Append('=');
        UrlEncoding.Append(sb, value);

        List<KeyValuePair<string, string>> pairs = UrlEncoding.ParseQuery(sb.ToString(), "query");

        Assert.Equal(Pairs("first", "1", value, value), pairs);
    }

    [Fact]
    public void Append_Keep_LeavesThoseCharacters()
    {
        var sb = new StringBuilder();

        UrlEncoding.Append(sb, "registry:5000/lib/img@sha256:ab cd", "/:@");

        Assert.Equal("registry:5000/lib/img@sha256:ab%20cd", sb.ToString());
    }

    [Fact]
    public void Append_Reserved_UpperCaseHex()
    {
        var sb = new StringBuilder();

        UrlEncoding.Append(sb, "a/b?c#é");

        Assert.Equal("a%2Fb%3Fc%23%C3%A9", sb.ToString());
    }

    [Theory]
    [InlineData("a=1&b=2", "a", "1", "b", "2")]
    [InlineData("&&a=1&&b&", "a", "1", "b", "")]
    [InlineData("a=&=b", "a", "", "", "b")]
    [InlineData("a=1=2&b=%26", "a", "1=2", "b", "&")]
    public void ParseQuery_Pairs_SplitAndDecoded(string query, string n1, string v1, string n2, string v2)
    {
        Assert.Equal(Pairs(n1, v1, n2, v2), UrlEncoding.ParseQuery(query, "query"));
    }

    [Fact]
    public void ParseQuery_TooManyPairs_BadRequest()
    {
        string max = string.Join('&', Enumerable.Range(0, Limits.MaxQueryParameters).Select(i => $"p{i}=1"));

        Assert.Equal(Limits.MaxQueryParameters, UrlEncoding.ParseQuery(max, "query").Count);
        Assert.Equal(400, Assert.Throws<ApiException>(() => UrlEncoding.ParseQuery(max + "&one=more", "query")).Status);
    }
}
