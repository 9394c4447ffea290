using System.Buffers;
using System.Text;
using Dockerman.Http;
using Dockerman.Tests.Support;
using Xunit;

namespace Dockerman.Tests.Parsing;

public sealed class ChunkedDecoderTests
{
    /// <summary>What follows the body on the wire: never consumed by the decoder.</summary>
    private const string After = "NEXT\r\n";

    private static byte[] B(string s) => Encoding.Latin1.GetBytes(s);

    private static string ManyChunks()
    {
        var sb = new StringBuilder();
        for (int i = 0; i < 300; i++)
        {
            sb.Append("1\r\n").Append((char)('a' + (i % 26))).Append("\r\n");
        }

        return sb.Append("0\r\n\r\n").ToString();
    }

    private static string ManyChunksDecoded() => string.Concat(Enumerable.Range(0, 300).Select(i => (char)('a' + (i % 26))));

    public static TheoryData<string, string> ValidBodies => new()
    {
        { "0\r\n\r\n", "" },
        { "5\r\nhello\r\n0\r\n\r\n", "hello" },
        { "5;name=value\r\nhello\r\n6 ; quoted=\"a;b\"\r\n world\r\n0;last\r\n\r\n", "hello world" },
        { "5\t;x\r\nhello\r\n0\r\n\r\n", "hello" },
        { "A\r\n0123456789\r\na\r\nabcdefghij\r\n0\r\n\r\n", "0123456789abcdefghij" },
        { "000005\r\nhello\r\n0000\r\n\r\n", "hello" },
        { "5\r\nhello\r\n0\r\nExpires: never\r\nX-Trailer: 1\r\n\r\n", "hello" },
        { "2\r\n\r\n\r\n0\r\n\r\n", "\r\n" },
        { "1F4\r\n" + new string('x', 500) + "\r\n0\r\n\r\n", new string('x', 500) },
        { ManyChunks(), ManyChunksDecoded() },
    };

    [Theory]
    [MemberData(nameof(ValidBodies))]
    public void Decode_WholeBody_DecodesAndLeavesWhatFollows(string encoded, string expected)
    {
        (byte[] output, byte[] leftover) = DecodeSegments([B(encoded + After)], 64 * 1024);

        Assert.Equal(B(expected), output);
        Assert.Equal(B(After), leftover);
    }

    [Theory]
    [MemberData(nameof(ValidBodies))]
    public void Decode_EverySplitPoint_SameOutput(string encoded, string expected)
    {
        byte[] input = B(encoded + After);
        for (int split = 0; split <= input.Length; split++)
        {
            (byte[] output, byte[] leftover) = DecodeSegments([input[..split], input[split..]], 64 * 1024);
            Assert.Equal(B(expected), output);
            Assert.Equal(B(After), leftover);
        }
    }

    [Theory]
    [MemberData(nameof(ValidBodies))]
    public void Decode_OneBytePerSegment_SameOutput(string encoded, string expected)
    {
        byte[] input = B(encoded + After);

        (byte[] output, byte[] leftover) = DecodeSegments(input.Select(b => new[] { b }), 64 * 1024);

        Assert.Equal(B(expected), output);
        Assert.Equal(B(After), leftover);
    }

    [Theory]
    [MemberData(nameof(ValidBodies))]
    public void Decode_OneByteDestination_SameOutput(string encoded, string expected)
    {
        (byte[] output, byte[] leftover) = DecodeSegments([B(encoded + After)], 1);

        Assert.Equal(B(expected), output);
        Assert.Equal(B(After), leftover);
    }

    [Theory]
    [MemberData(nameof(ValidBodies))]
    public void Read_BodyReaderOneByteReads_SameOutputAndNextBytesUnread(string encoded, string expected)
    {
        var input = new BufferedInput(new SegmentedStream(B(encoded + After), 1), Limits.CopyBufferSize);
        var reader = new HttpBodyReader(input, new ResponseHead { StatusCode = 200, Chunked = true }, noBody: false);

        Assert.Equal(B(expected), ReadAll(reader, 3));
        Assert.Equal(0, reader.Read(new byte[10]));
        Assert.Equal(B(After), ReadRest(input));
    }

    [Fact]
    public void Decode_LargestChunkSize_Accepted()
    {
        var decoder = new ChunkedDecoder();
        byte[] output = new byte[2];

        OperationStatus status = decoder.Decode(B("7fffffffffffffff\r\nabcd"), output, out int consumed, out int written);

        Assert.Equal(OperationStatus.DestinationTooSmall, status);
        Assert.Equal(20, consumed);
        Assert.Equal(2, written);
        Assert.Equal("ab"u8.ToArray(), output);
    }

    [Fact]
    public void Decode_SizeLineOfExactlyTheLimit_Accepted()
    {
        // The limit counts the line with its CR: digits, extension and CR make MaxChunkSizeLineBytes.
        string line = "5;" + new string('x', Limits.MaxChunkSizeLineBytes - 3) + "\r\n";
        Assert.Equal(Limits.MaxChunkSizeLineBytes + 1, line.Length);

        (byte[] output, _) = DecodeSegments([B(line + "hello\r\n0\r\n\r\n")], 16);

        Assert.Equal("hello"u8.ToArray(), output);
    }

    public static TheoryData<string, string> MalformedBodies => new()
    {
        { "\r\nhello\r\n0\r\n\r\n", nameof(HttpParseError.BadChunkSize) }, // empty size
        { ";ext\r\n", nameof(HttpParseError.BadChunkSize) },
        { "g\r\n", nameof(HttpParseError.BadChunkSize) },
        { "0x10\r\n", nameof(HttpParseError.BadChunkSize) },
        { "-1\r\n", nameof(HttpParseError.BadChunkSize) },
        { "+1\r\n", nameof(HttpParseError.BadChunkSize) },
        { " 5\r\nhello\r\n", nameof(HttpParseError.BadChunkSize) },
        { "5 5\r\n", nameof(HttpParseError.BadChunkSize) },
        { "fffffffffffffffff\r\n", nameof(HttpParseError.BadChunkSize) }, // 17 digits: overflow
        { "ffffffffffffffff\r\n", nameof(HttpParseError.BadChunkSize) }, // 2^64 - 1 does not fit a long
        { "10000000000000000\r\n", nameof(HttpParseError.BadChunkSize) },
        { "5;a\u0000b\r\nhello\r\n", nameof(HttpParseError.BadChunkSize) },
        { "5;a\rb\r\nhello\r\n", nameof(HttpParseError.BadChunkSize) },
        { "5\nhello\r\n0\r\n\r\n", nameof(HttpParseError.BadChunkSize) }, // bare LF ends the size line
        { "1;" + new string('x', Limits.MaxChunkSizeLineBytes) + "\r\nx\r\n", nameof(HttpParseError.ChunkSizeLineTooLong) },
        { "1" + new string('0', Limits.MaxChunkSizeLineBytes + 10), nameof(HttpParseError.ChunkSizeLineTooLong) },
        { "5\r\nhelloX\r\n0\r\n\r\n", nameof(HttpParseError.BadChunkTerminator) },
        { "5\r\nhello\n0\r\n\r\n", nameof(HttpParseError.BadChunkTerminator) }, // bare LF after data
        { "5\r\nhello\rX0\r\n\r\n", nameof(HttpParseError.BadChunkTerminator) },
        { "5\r\nhello0\r\n\r\n", nameof(HttpParseError.BadChunkTerminator) },
        { "0\r\nX-Big: " + new string('t', Limits.MaxTrailerBytes) + "\r\n\r\n", nameof(HttpParseError.TrailerTooLarge) },
        {
            "0\r\n" + string.Concat(Enumerable.Repeat("X-Many: " + new string('t', 90) + "\r\n", (Limits.MaxTrailerBytes / 100) + 1)) + "\r\n",
            nameof(HttpParseError.TrailerTooLarge)
        },
    };

    [Theory]
    [MemberData(nameof(MalformedBodies))]
    public void Decode_MalformedWhole_ThrowsWithReason(string encoded, string reason)
    {
        var e = Assert.Throws<HttpParseException>(() => DecodeSegments([B(encoded)], 64 * 1024));

        Assert.Equal(reason, e.Reason.ToString());
    }

    [Theory]
    [MemberData(nameof(MalformedBodies))]
    public void Decode_MalformedOneBytePerSegment_ThrowsSameReason(string encoded, string reason)
    {
        var e = Assert.Throws<HttpParseException>(() => DecodeSegments(B(encoded).Select(b => new[] { b }), 1));

        Assert.Equal(reason, e.Reason.ToString());
    }

    [Theory]
    [MemberData(nameof(MalformedBodies))]
    public void Decode_MalformedEverySplitPoint_ThrowsSameReason(string encoded, string reason)
    {
        byte[] input = B(encoded);
        for (int split = 0; split <= input.Length; split += Math.Max(1, input.Length / 200))
        {
            var e = Assert.Throws<HttpParseException>(() => DecodeSegments([input[..split], input[split..]], 64 * 1024));
            Assert.Equal(reason, e.Reason.ToString());
        }
    }

    [Theory]
    [InlineData("5")] // inside the size line
    [InlineData("5\r\nhel")] // inside the data
    [InlineData("5\r\nhello")] // before the CRLF after the data
    [InlineData("5\r\nhello\r")]
    [InlineData("5\r\nhello\r\n")] // before the last chunk
    [InlineData("5\r\nhello\r\n0\r\n")] // inside the trailer
    [InlineData("5\r\nhello\r\n0\r\nX: y\r\n")]
    public void Read_ChunkedStreamEndsEarly_UnexpectedEndOfStream(string encoded)
    {
        var input = new BufferedInput(new SegmentedStream(B(encoded), 2), Limits.CopyBufferSize);
        var reader = new HttpBodyReader(input, new ResponseHead { StatusCode = 200, Chunked = true }, noBody: false);

        var e = Assert.Throws<HttpParseException>(() => ReadAll(reader, 64));

        Assert.Equal(HttpParseError.UnexpectedEndOfStream, e.Reason);
    }

    [Fact]
    public void Read_ChunkedStreamEndsInsideChunk_DeliversWhatArrivedFirst()
    {
        var input = new BufferedInput(new SegmentedStream(B("5\r\nhel"), 100), Limits.CopyBufferSize);
        var reader = new HttpBodyReader(input, new ResponseHead { StatusCode = 200, Chunked = true }, noBody: false);
        byte[] buffer = new byte[64];

        Assert.Equal(3, reader.Read(buffer));
        Assert.Equal("hel"u8.ToArray(), buffer[..3]);
        Assert.Equal(HttpParseError.UnexpectedEndOfStream, Assert.Throws<HttpParseException>(() => reader.Read(buffer)).Reason);
    }

    [Theory]
    [InlineData(10, "")]
    [InlineData(10, "hello")]
    [InlineData(10, "123456789")]
    public void Read_ContentLengthBodyEndsEarly_UnexpectedEndOfStream(long length, string sent)
    {
        var input = new BufferedInput(new SegmentedStream(B(sent), 1), Limits.CopyBufferSize);
        var reader = new HttpBodyReader(input, new ResponseHead { StatusCode = 200, ContentLength = length }, noBody: false);
        var got = new MemoryStream();
        byte[] buffer = new byte[64];

        var e = Assert.Throws<HttpParseException>(() =>
        {
            int n;
            while ((n = reader.Read(buffer)) > 0)
            {
                got.Write(buffer, 0, n);
            }
        });

        Assert.Equal(HttpParseError.UnexpectedEndOfStream, e.Reason);
        Assert.Equal(B(sent), got.ToArray());
    }

    [Fact]
    public void Read_ContentLengthBody_StopsAtItsEnd()
    {
        var input = new BufferedInput(new MemoryStream(B("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhelloEXTRA")), Limits.CopyBufferSize);
        ResponseHead head = ResponseReader.ReadHead(input);
        var reader = new HttpBodyReader(input, head, noBody: false);

        Assert.Equal("hello"u8.ToArray(), ReadAll(reader, 2));
        Assert.Equal("EXTRA"u8.ToArray(), input.Available.ToArray());
    }

    [Fact]
    public void Read_NoLengthNoChunking_ReadsToClose()
    {
        byte[] data = B(string.Concat(Enumerable.Range(0, 5000).Select(i => (char)('a' + (i % 26)))));
        var input = new BufferedInput(new SegmentedStream(data, 333), Limits.CopyBufferSize);
        var reader = new HttpBodyReader(input, new ResponseHead { StatusCode = 200 }, noBody: false);

        Assert.Equal(data, ReadAll(reader, 1000));
        Assert.Equal(0, reader.Read(new byte[10]));
    }

    [Theory]
    [InlineData(204, false)]
    [InlineData(304, false)]
    [InlineData(101, false)]
    [InlineData(200, true)]
    public void Read_ReplyWithoutBody_ReadsNothing(int status, bool noBody)
    {
        var input = new BufferedInput(new MemoryStream(B("not a body")), Limits.CopyBufferSize);
        var reader = new HttpBodyReader(input, new ResponseHead { StatusCode = status, ContentLength = 10 }, noBody);

        Assert.Equal(0, reader.Read(new byte[64]));
    }

    /// <summary>Feeds the segments as a caller would (keeping what was not consumed and offering it
    /// again with the next segment) and returns the output and what was left after the body.</summary>
    private static (byte[] Output, byte[] Leftover) DecodeSegments(IEnumerable<byte[]> segments, int destinationSize)
    {
        var decoder = new ChunkedDecoder();
        var pending = new List<byte>();
        var output = new MemoryStream();
        byte[] destination = new byte[destinationSize];
        bool done = false;
        foreach (byte[] segment in segments)
        {
            pending.AddRange(segment);
            while (!done)
            {
                OperationStatus status = decoder.Decode(pending.ToArray(), destination, out int consumed, out int written);
                Assert.InRange(consumed, 0, pending.Count);
                output.Write(destination, 0, written);
                pending.RemoveRange(0, consumed);
                if (status == OperationStatus.Done)
                {
                    done = true;
                }
                else if (status == OperationStatus.NeedMoreData)
                {
                    break;
                }
                else
                {
                    Assert.Equal(OperationStatus.DestinationTooSmall, status);
                    Assert.Equal(destinationSize, written);
                }
            }
        }

        Assert.True(done, "the body did not end");
        Assert.True(decoder.IsDone);
        return (output.ToArray(), pending.ToArray());
    }

    private static byte[] ReadAll(HttpBodyReader reader, int bufferSize)
    {
        var all = new MemoryStream();
        byte[] buffer = new byte[bufferSize];
        int n;
        while ((n = reader.Read(buffer)) > 0)
        {
            all.Write(buffer, 0, n);
        }

        return all.ToArray();
    }

    private static byte[] ReadRest(BufferedInput input)
    {
        var all = new MemoryStream();
        byte[] buffer = new byte[16];
        int n;
        while ((n = input.Read(buffer)) > 0)
        {
            all.Write(buffer, 0, n);
        }

        return all.ToArray();
    }
}
