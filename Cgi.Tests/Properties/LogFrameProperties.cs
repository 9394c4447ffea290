using System.Buffers.Binary;
using CsCheck;
using Dockerman.Relay;
using Xunit;

namespace Dockerman.Tests.Properties;

/// <summary>Docker's multiplexed log frames under generated input.</summary>
public sealed class LogFrameProperties
{
    private static readonly Gen<(byte Type, byte[] Payload)[]> Frames =
        Gen.Select(Gen.Byte[0, 3], Gen.Byte.Array[0, 300]).Array[0, 8];

    private static byte[] Write((byte Type, byte[] Payload)[] frames)
    {
        var ms = new MemoryStream();
        foreach ((byte type, byte[] payload) in frames)
        {
            byte[] header = new byte[8];
            header[0] = type;
            BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4), (uint)payload.Length);
            ms.Write(header);
            ms.Write(payload);
        }

        return ms.ToArray();
    }

    /// <summary>Decodes in pieces, in place as the relay does; the output never outgrows the input.</summary>
    private static (byte[] Output, bool AtBoundary) Decode(byte[] input, int[] pieces)
    {
        var demux = new LogDemultiplexer();
        var output = new MemoryStream();
        foreach (byte[] piece in Fuzz.Pieces(input, pieces))
        {
            int n = demux.Decode(piece, piece);
            Assert.InRange(n, 0, piece.Length);
            output.Write(piece, 0, n);
        }

        return (output.ToArray(), demux.AtFrameBoundary);
    }

    [Fact]
    public void LogDemultiplexer_Frames_PayloadsInAnyPieces()
    {
        Fuzz.Check(Gen.Select(Frames, Fuzz.Splits), t =>
        {
            (byte[] output, bool atBoundary) = Decode(Write(t.Item1), t.Item2);
            Assert.Equal(t.Item1.SelectMany(f => f.Payload).ToArray(), output);
            Assert.True(atBoundary);
        }, t => $"{Fuzz.Show(Write(t.Item1))} pieces [{string.Join(",", t.Item2)}]");
    }

    [Fact]
    public void LogDemultiplexer_CutFrames_NotAtBoundary()
    {
        Fuzz.Check(Gen.Select(Frames.Where(f => f.Length > 0), Gen.Int[1, int.MaxValue], Fuzz.Splits), t =>
        {
            byte[] whole = Write(t.Item1);
            byte[] cut = whole[..(t.Item2 % whole.Length)];
            (_, bool atBoundary) = Decode(cut, t.Item3);
            int at = 0;
            bool boundary = false;
            foreach ((_, byte[] payload) in t.Item1)
            {
                boundary |= at == cut.Length;
                at += 8 + payload.Length;
            }

            Assert.Equal(boundary, atBoundary);
        });
    }

    [Fact]
    public void LogDemultiplexer_GeneratedBytes_OnlyInvalidData()
    {
        Gen<byte[]> input = Gen.Frequency((1, Gen.Byte.Array[0, 200]), (3, Fuzz.Mutated(Frames.Select(Write))));
        Fuzz.Check(Gen.Select(input, Fuzz.Splits), t =>
        {
            try
            {
                Decode(t.Item1, t.Item2);
            }
            catch (InvalidDataException)
            {
            }
        }, t => Fuzz.Show(t.Item1));
    }
}
