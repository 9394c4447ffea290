using System.Text;
using Dockerman.Http;
using Dockerman.Tests.Support;
using Xunit;

namespace Dockerman.Tests.Parsing;

public sealed class ResponseHeadParserTests
{
    /// <summary>Bytes after the head: they belong to the body and must be left where they are.</summary>
    private const string After = "{\"body\":1}\r\n\r\nHTTP/1.1 200 OK\r\n\r\n";

    private static byte[] B(string s) => Encoding.Latin1.GetBytes(s);

    /// <summary>Head, status, reason, Content-Length, chunked, Content-Type, path stat.</summary>
    public static TheoryData<string, int, string, long, bool, string?, string?> ValidHeads => new()
    {
        { "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 10\r\n\r\n", 200, "OK", 10, false, "application/json", null },
        { "HTTP/1.1 204 No Content\r\nApi-Version: 1.41\r\n\r\n", 204, "No Content", -1, false, null, null },
        { "HTTP/1.0 404 \r\n\r\n", 404, "", -1, false, null, null },
        { "HTTP/1.1 200\r\n\r\n", 200, "", -1, false, null, null },
        { "HTTP/1.1 599 Something\tOdd\r\nX-Empty:\r\n\r\n", 599, "Something\tOdd", -1, false, null, null },
        { "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 10\r\n\r\n", 200, "OK", -1, true, null, null },
        { "HTTP/1.1 200 OK\r\ntransfer-encoding:Chunked\r\n\r\n", 200, "OK", -1, true, null, null },
        { "HTTP/1.1 200 OK\r\nContent-Length: 5\r\ncontent-length: 5\r\n\r\n", 200, "OK", 5, false, null, null },
        { "HTTP/1.1 200 OK\r\nContent-Length:\t 0 \t\r\n\r\n", 200, "OK", 0, false, null, null },
        { "HTTP/1.1 200 OK\r\nContent-Length: 9223372036854775807\r\n\r\n", 200, "OK", long.MaxValue, false, null, null },
        {
            "HTTP/1.1 200 OK\r\nX-Docker-Container-Path-Stat: eyJuYW1lIjoiZXRjIn0=\r\nContent-Type: application/x-tar\r\n" +
            "!#$%&'*+-.^_`|~09azAZ: token chars\r\n\r\n",
            200, "OK", -1, false, "application/x-tar", "eyJuYW1lIjoiZXRjIn0="
        },
    };

    [Theory]
    [MemberData(nameof(ValidHeads))]
    public void TryParse_ValidHead_ConsumesExactlyTheHead(string text, int status, string reason, long length, bool chunked,
        string? contentType, string? pathStat)
    {
        byte[] input = B(text + After);
        var head = new ResponseHead();

        Assert.True(ResponseHeadParser.TryParse(input, head, out int consumed));

        Assert.Equal(text.Length, consumed);
        Assert.Equal(B(After), input[consumed..]);
        AssertHead(head, status, reason, length, chunked, contentType, pathStat);
    }

    [Theory]
    [MemberData(nameof(ValidHeads))]
    public void TryParse_EveryPrefix_NeedsMoreAndConsumesNothing(string text, int status, string reason, long length,
        bool chunked, string? contentType, string? pathStat)
    {
        _ = (status, reason, length, chunked, contentType, pathStat);
        byte[] input = B(text);
        for (int i = 0; i < input.Length; i++)
        {
            var head = new ResponseHead();
            Assert.False(ResponseHeadParser.TryParse(input.AsSpan(0, i), head, out int consumed), $"prefix of {i} bytes");
            Assert.Equal(0, consumed);
            Assert.Equal(0, head.StatusCode);
        }
    }

    [Theory]
    [MemberData(nameof(ValidHeads))]
    public void ReadHead_OneByteAtATime_SameHeadAndBodyLeftUnread(string text, int status, string reason, long length,
        bool chunked, string? contentType, string? pathStat)
    {
        var stream = new SegmentedStream(B(text + After), 1);
        var input = new BufferedInput(stream, Limits.CopyBufferSize);

        ResponseHead head = ResponseReader.ReadHead(input);

        AssertHead(head, status, reason, length, chunked, contentType, pathStat);
        Assert.Equal(text.Length, stream.Reads);
        Assert.Equal(B(After), ReadAll(input));
    }

    [Fact]
    public void ReadHead_ContinueThenFinal_ReturnsFinalHead()
    {
        const string Text = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\n";
        var input = new BufferedInput(new SegmentedStream(B(Text + "{}"), 1), Limits.CopyBufferSize);

        ResponseHead head = ResponseReader.ReadHead(input);

        Assert.Equal(201, head.StatusCode);
        Assert.Equal(2, head.ContentLength);
        Assert.Equal("{}"u8.ToArray(), ReadAll(input));
    }

    [Theory]
    [InlineData("")]
    [InlineData("HTTP/1.1 200 OK\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r")]
    public void ReadHead_StreamEndsInsideHead_UnexpectedEndOfStream(string text)
    {
        var input = new BufferedInput(new SegmentedStream(B(text), 1), Limits.CopyBufferSize);

        var e = Assert.Throws<HttpParseException>(() => ResponseReader.ReadHead(input));

        Assert.Equal(HttpParseError.UnexpectedEndOfStream, e.Reason);
    }

    public static TheoryData<string, string> MalformedHeads => new()
    {
        // status line
        { "garbage\r\n\r\n", nameof(HttpParseError.BadStatusLine) },
        { "\r\n\r\n", nameof(HttpParseError.BadStatusLine) },
        { "HTTP/1.1 200OK\r\n\r\n", nameof(HttpParseError.BadStatusLine) },
        { "HTTP/2 200 OK\r\n\r\n", nameof(HttpParseError.BadStatusLine) },
        { "HTTP/1.2 200 OK\r\n\r\n", nameof(HttpParseError.BadStatusLine) },
        { "http/1.1 200 OK\r\n\r\n", nameof(HttpParseError.BadStatusLine) },
        { " HTTP/1.1 200 OK\r\n\r\n", nameof(HttpParseError.BadStatusLine) },
        { "HTTP/1.1  200 OK\r\n\r\n", nameof(HttpParseError.BadStatusLine) },
        { "HTTP/1.1 20 OK\r\n\r\n", nameof(HttpParseError.BadStatusLine) },
        { "HTTP/1.1 2000 OK\r\n\r\n", nameof(HttpParseError.BadStatusLine) },
        { "HTTP/1.1 099 Low\r\n\r\n", nameof(HttpParseError.BadStatusLine) },
        { "HTTP/1.1 2x0 OK\r\n\r\n", nameof(HttpParseError.BadStatusLine) },
        { "HTTP/1.1 200 O\u0001K\r\n\r\n", nameof(HttpParseError.BadStatusLine) },
        { "HTTP/1.1 200 O\u007fK\r\n\r\n", nameof(HttpParseError.BadStatusLine) },
        { "HTTP/1.1 200 OK\nContent-Length: 1\r\n\r\n", nameof(HttpParseError.BadStatusLine) }, // bare LF
        { "HTTP/1.1 200 O\rK\r\n\r\n", nameof(HttpParseError.BadStatusLine) }, // bare CR

        // header lines
        { "HTTP/1.1 200 OK\r\nNoColon\r\n\r\n", nameof(HttpParseError.BadHeaderLine) },
        { "HTTP/1.1 200 OK\r\nContent-Length : 1\r\n\r\n", nameof(HttpParseError.BadHeaderLine) }, // space before colon
        { "HTTP/1.1 200 OK\r\n: empty name\r\n\r\n", nameof(HttpParseError.BadHeaderLine) },
        { "HTTP/1.1 200 OK\r\nX-A: 1\r\n folded\r\n\r\n", nameof(HttpParseError.BadHeaderLine) }, // obs-fold
        { "HTTP/1.1 200 OK\r\nX-A: 1\r\n\tfolded: 2\r\n\r\n", nameof(HttpParseError.BadHeaderLine) },
        { "HTTP/1.1 200 OK\r\n X-A: 1\r\n\r\n", nameof(HttpParseError.BadHeaderLine) },
        { "HTTP/1.1 200 OK\r\nX-A: a\u0001b\r\n\r\n", nameof(HttpParseError.BadHeaderLine) },
        { "HTTP/1.1 200 OK\r\nX-A: a\u0000b\r\n\r\n", nameof(HttpParseError.BadHeaderLine) },
        { "HTTP/1.1 200 OK\r\nX-A: a\u007fb\r\n\r\n", nameof(HttpParseError.BadHeaderLine) },
        { "HTTP/1.1 200 OK\r\nX-A: a\rb\r\n\r\n", nameof(HttpParseError.BadHeaderLine) }, // bare CR
        { "HTTP/1.1 200 OK\r\nX-A: a\nX-B: b\r\n\r\n", nameof(HttpParseError.BadHeaderLine) }, // bare LF
        { "HTTP/1.1 200 OK\r\nX\u0000Y: v\r\n\r\n", nameof(HttpParseError.BadHeaderLine) },
        { "HTTP/1.1 200 OK\r\nBad[Name]: v\r\n\r\n", nameof(HttpParseError.BadHeaderLine) },
        { "HTTP/1.1 200 OK\r\nN\u00e4me: v\r\n\r\n", nameof(HttpParseError.BadHeaderLine) },

        // Content-Length
        { "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", nameof(HttpParseError.BadContentLength) },
        { "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n", nameof(HttpParseError.BadContentLength) },
        { "HTTP/1.1 200 OK\r\nContent-Length: 9223372036854775808\r\n\r\n", nameof(HttpParseError.BadContentLength) },
        { "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", nameof(HttpParseError.BadContentLength) },
        { "HTTP/1.1 200 OK\r\nContent-Length: +5\r\n\r\n", nameof(HttpParseError.BadContentLength) },
        { "HTTP/1.1 200 OK\r\nContent-Length: \r\n\r\n", nameof(HttpParseError.BadContentLength) },
        { "HTTP/1.1 200 OK\r\nContent-Length: 5 5\r\n\r\n", nameof(HttpParseError.BadContentLength) },
        { "HTTP/1.1 200 OK\r\nContent-Length: 5,5\r\n\r\n", nameof(HttpParseError.BadContentLength) },
        { "HTTP/1.1 200 OK\r\nContent-Length: 0x5\r\n\r\n", nameof(HttpParseError.BadContentLength) },
        { "HTTP/1.1 200 OK\r\nContent-Length: 1e3\r\n\r\n", nameof(HttpParseError.BadContentLength) },

        // Transfer-Encoding
        { "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", nameof(HttpParseError.UnsupportedTransferEncoding) },
        { "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", nameof(HttpParseError.UnsupportedTransferEncoding) },
        { "HTTP/1.1 200 OK\r\nTransfer-Encoding: identity\r\n\r\n", nameof(HttpParseError.UnsupportedTransferEncoding) },
        { "HTTP/1.1 200 OK\r\nTransfer-Encoding:\r\n\r\n", nameof(HttpParseError.UnsupportedTransferEncoding) },
    };

    [Theory]
    [MemberData(nameof(MalformedHeads))]
    public void TryParse_MalformedHead_ThrowsWithReason(string text, string reason)
    {
        var e = Assert.Throws<HttpParseException>(() => ResponseHeadParser.TryParse(B(text + After), new ResponseHead(), out _));

        Assert.Equal(reason, e.Reason.ToString());
    }

    [Theory]
    [MemberData(nameof(MalformedHeads))]
    public void ReadHead_MalformedHeadOneByteAtATime_ThrowsSameReason(string text, string reason)
    {
        var input = new BufferedInput(new SegmentedStream(B(text + After), 1), Limits.CopyBufferSize);

        var e = Assert.Throws<HttpParseException>(() => ResponseReader.ReadHead(input));

        Assert.Equal(reason, e.Reason.ToString());
    }

    /// <summary>A head of exactly <paramref name="size"/> bytes, padded with one long header.</summary>
    private static byte[] HeadOfSize(int size)
    {
        const string Start = "HTTP/1.1 200 OK\r\nX-Pad: ";
        const string End = "\r\n\r\n";
        return B(Start + new string('a', size - Start.Length - End.Length) + End);
    }

    [Fact]
    public void TryParse_HeadOfExactlyTheLimit_Parses()
    {
        byte[] input = HeadOfSize(Limits.MaxResponseHeadBytes);

        Assert.True(ResponseHeadParser.TryParse(input, new ResponseHead(), out int consumed));
        Assert.Equal(Limits.MaxResponseHeadBytes, consumed);
    }

    [Fact]
    public void TryParse_HeadOneByteOverTheLimit_HeadTooLarge()
    {
        var e = Assert.Throws<HttpParseException>(() =>
            ResponseHeadParser.TryParse(HeadOfSize(Limits.MaxResponseHeadBytes + 1), new ResponseHead(), out _));

        Assert.Equal(HttpParseError.HeadTooLarge, e.Reason);
    }

    [Fact]
    public void TryParse_UnfinishedHeadAtTheLimit_HeadTooLargeWithoutWaitingForMore()
    {
        byte[] input = HeadOfSize(Limits.MaxResponseHeadBytes + 100)[..Limits.MaxResponseHeadBytes];

        Assert.False(ResponseHeadParser.TryParse(input.AsSpan(0, Limits.MaxResponseHeadBytes - 1), new ResponseHead(), out _));
        var e = Assert.Throws<HttpParseException>(() => ResponseHeadParser.TryParse(input, new ResponseHead(), out _));
        Assert.Equal(HttpParseError.HeadTooLarge, e.Reason);
    }

    [Fact]
    public void ReadHead_EndlessHeadInSmallReads_HeadTooLargeNotBufferFull()
    {
        var input = new BufferedInput(new SegmentedStream(HeadOfSize(Limits.MaxResponseHeadBytes * 2), 1000), Limits.CopyBufferSize);

        var e = Assert.Throws<HttpParseException>(() => ResponseReader.ReadHead(input));

        Assert.Equal(HttpParseError.HeadTooLarge, e.Reason);
    }

    private static string HeadWithHeaders(int count)
    {
        var sb = new StringBuilder("HTTP/1.1 200 OK\r\n");
        for (int i = 0; i < count; i++)
        {
            sb.Append("X-H").Append(i).Append(": v\r\n");
        }

        return sb.Append("\r\n").ToString();
    }

    [Fact]
    public void TryParse_MaxHeaders_Parses()
    {
        string text = HeadWithHeaders(Limits.MaxResponseHeaders);

        Assert.True(ResponseHeadParser.TryParse(B(text), new ResponseHead(), out int consumed));
        Assert.Equal(text.Length, consumed);
    }

    [Fact]
    public void TryParse_OneHeaderOverMax_TooManyHeaders()
    {
        var e = Assert.Throws<HttpParseException>(() =>
            ResponseHeadParser.TryParse(B(HeadWithHeaders(Limits.MaxResponseHeaders + 1)), new ResponseHead(), out _));

        Assert.Equal(HttpParseError.TooManyHeaders, e.Reason);
    }

    private static void AssertHead(ResponseHead head, int status, string reason, long length, bool chunked,
        string? contentType, string? pathStat)
    {
        Assert.Equal(status, head.StatusCode);
        Assert.Equal(reason, head.ReasonPhrase);
        Assert.Equal(length, head.ContentLength);
        Assert.Equal(chunked, head.Chunked);
        Assert.Equal(contentType, head.ContentType);
        Assert.Equal(pathStat, head.PathStat);
    }

    private static byte[] ReadAll(BufferedInput input)
    {
        var all = new MemoryStream();
        byte[] buffer = new byte[7];
        int n;
        while ((n = input.Read(buffer)) > 0)
        {
            all.Write(buffer, 0, n);
        }

        return all.ToArray();
    }
}
