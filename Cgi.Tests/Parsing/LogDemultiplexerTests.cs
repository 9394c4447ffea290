using System.Buffers.Binary;
using System.Text;
using Dockerman.Relay;
using Xunit;

namespace Dockerman.Tests.Parsing;

public sealed class LogDemultiplexerTests
{
    private static byte[] Frame(byte type, string payload) => Frame(type, Encoding.UTF8.GetBytes(payload));

    private static byte[] Frame(byte type, byte[] payload)
    {
        byte[] frame = new byte[LogDemultiplexer.HeaderSize + payload.Length];
        frame[0] = type;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(4), (uint)payload.Length);
        payload.CopyTo(frame, LogDemultiplexer.HeaderSize);
        return frame;
    }

    private static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    /// <summary>Frames of every stream type, a zero-length frame, and a payload holding header-like bytes.</summary>
    private static readonly byte[] Stream = Concat(
        Frame(1, "out line 1\n"),
        Frame(2, "err line\n"),
        Frame(0, "stdin?\n"),
        Frame(1, ""),
        Frame(3, "system\n"),
        Frame(1, new byte[] { 1, 0, 0, 0, 0, 0, 0, 9, (byte)'\n' }),
        Frame(2, "ünïcode ✓\n"));

    private static readonly byte[] Expected = Concat(
        "out line 1\nerr line\nstdin?\nsystem\n"u8.ToArray(),
        new byte[] { 1, 0, 0, 0, 0, 0, 0, 9, (byte)'\n' },
        "ünïcode ✓\n"u8.ToArray());

    [Fact]
    public void Decode_WholeStream_PayloadsOnly()
    {
        var demux = new LogDemultiplexer();
        byte[] output = new byte[Stream.Length];

        int written = demux.Decode(Stream, output);

        Assert.Equal(Expected, output[..written]);
        Assert.True(demux.AtFrameBoundary);
    }

    [Fact]
    public void Decode_EverySplitPoint_SameOutput()
    {
        for (int split = 0; split <= Stream.Length; split++)
        {
            Assert.Equal(Expected, DecodeSegments([Stream[..split], Stream[split..]], out bool boundary));
            Assert.True(boundary);
        }
    }

    [Fact]
    public void Decode_EveryPairOfSplitPoints_SameOutput()
    {
        for (int a = 0; a <= Stream.Length; a += 3)
        {
            for (int b = a; b <= Stream.Length; b += 5)
            {
                Assert.Equal(Expected, DecodeSegments([Stream[..a], Stream[a..b], Stream[b..]], out _));
            }
        }
    }

    /// <summary>The relay decodes each read into the buffer it came in: the output never runs ahead of the input.</summary>
    [Fact]
    public void Decode_InPlaceAtEverySplitPoint_SameOutput()
    {
        for (int split = 0; split <= Stream.Length; split++)
        {
            var demux = new LogDemultiplexer();
            var output = new List<byte>();
            foreach (byte[] segment in new[] { Stream[..split], Stream[split..] })
            {
                byte[] buffer = (byte[])segment.Clone();
                output.AddRange(buffer[..demux.Decode(buffer, buffer)]);
            }

            Assert.Equal(Expected, output.ToArray());
        }
    }

    [Fact]
    public void Decode_OneByteAtATime_SameOutput()
    {
        Assert.Equal(Expected, DecodeSegments(Stream.Select(b => new[] { b }), out bool boundary));
        Assert.True(boundary);
    }

    [Fact]
    public void Decode_FrameLargerThanOneRead_SpansReads()
    {
        byte[] payload = new byte[150_000];
        new Random(7).NextBytes(payload);
        byte[] stream = Concat(Frame(1, payload), Frame(2, "tail\n"));

        byte[] output = DecodeSegments(stream.Chunk(64 * 1024), out bool boundary);

        Assert.Equal(Concat(payload, "tail\n"u8.ToArray()), output);
        Assert.True(boundary);
    }

    [Fact]
    public void Decode_OnlyZeroLengthFrames_NothingWritten()
    {
        var demux = new LogDemultiplexer();
        byte[] input = Concat(Frame(1, ""), Frame(2, ""), Frame(0, ""));

        Assert.Equal(0, demux.Decode(input, new byte[input.Length]));
        Assert.True(demux.AtFrameBoundary);
    }

    [Fact]
    public void AtFrameBoundary_InsideHeaderOrPayload_False()
    {
        byte[] frame = Frame(1, "abc");
        for (int i = 0; i <= frame.Length; i++)
        {
            var demux = new LogDemultiplexer();
            demux.Decode(frame.AsSpan(0, i), new byte[frame.Length]);
            Assert.Equal(i == 0 || i == frame.Length, demux.AtFrameBoundary);
        }
    }

    public static TheoryData<byte[]> MalformedHeaders => new()
    {
        new byte[] { 4, 0, 0, 0, 0, 0, 0, 1, (byte)'x' },
        new byte[] { 0xff, 0, 0, 0, 0, 0, 0, 1, (byte)'x' },
        new byte[] { 1, 1, 0, 0, 0, 0, 0, 1, (byte)'x' },
        new byte[] { 1, 0, 1, 0, 0, 0, 0, 1, (byte)'x' },
        new byte[] { 1, 0, 0, 1, 0, 0, 0, 1, (byte)'x' },
        "2024-01-01T00:00:00Z raw tty text\n"u8.ToArray(),
    };

    [Theory]
    [MemberData(nameof(MalformedHeaders))]
    public void Decode_MalformedHeader_InvalidData(byte[] bad)
    {
        Assert.Throws<InvalidDataException>(() => new LogDemultiplexer().Decode(bad, new byte[bad.Length]));
    }

    [Theory]
    [MemberData(nameof(MalformedHeaders))]
    public void Decode_MalformedHeaderAfterGoodFrameOneByteAtATime_InvalidData(byte[] bad)
    {
        byte[] stream = Concat(Frame(1, "good\n"), bad);

        Assert.Throws<InvalidDataException>(() => DecodeSegments(stream.Select(b => new[] { b }), out _));
    }

    [Theory]
    [InlineData(new byte[] { 1, 0, 0, 0, 0, 0, 0, 5 }, true)]
    [InlineData(new byte[] { 0, 0, 0, 0 }, true)]
    [InlineData(new byte[] { 3, 0, 0, 0 }, true)]
    [InlineData(new byte[] { 4, 0, 0, 0 }, false)]
    [InlineData(new byte[] { 1, 0, 0, 1 }, false)]
    [InlineData(new byte[] { 1, 0, 0 }, false)]
    [InlineData(new byte[] { (byte)'h', (byte)'i', (byte)'\n', 0 }, false)]
    public void LooksMultiplexed_FirstBytes_TellsFramesFromRaw(byte[] first, bool expected)
    {
        Assert.Equal(expected, LogDemultiplexer.LooksMultiplexed(first));
    }

    private static byte[] DecodeSegments(IEnumerable<byte[]> segments, out bool atBoundary)
    {
        var demux = new LogDemultiplexer();
        var output = new MemoryStream();
        foreach (byte[] segment in segments)
        {
            byte[] destination = new byte[segment.Length];
            int written = demux.Decode(segment, destination);
            output.Write(destination, 0, written);
        }

        atBoundary = demux.AtFrameBoundary;
        return output.ToArray();
    }
}
