using System.Buffers;
using System.Text;
using CsCheck;
using Dockerman.Http;
using Xunit;

namespace Dockerman.Tests.Properties;

/// <summary>The daemon's side of HTTP/1.1 under generated input: chunked bodies and response heads.</summary>
public sealed class HttpWireProperties
{
    private static readonly Gen<byte[]> Payload = Gen.Byte.Array[0, 600];

    /// <summary>A body, its chunk sizes and how each size line is spelled.</summary>
    private static readonly Gen<(byte[] Data, int[] Sizes, int Spelling)> Chunking =
        Gen.Select(Payload, Gen.Int[1, 300].Array[1, 6], Gen.Int[0, 3]);

    private static byte[] Encode((byte[] Data, int[] Sizes, int Spelling) c)
    {
        var ms = new MemoryStream();
        void W(string s) => ms.Write(Encoding.ASCII.GetBytes(s));
        int at = 0;
        for (int k = 0; at < c.Data.Length; k++)
        {
            int n = Math.Min(c.Sizes[k % c.Sizes.Length], c.Data.Length - at);
            W(c.Spelling switch
            {
                0 => $"{n:x}\r\n",
                1 => $"{n:X4}\r\n",
                2 => $"{n:x};ext=\"a;b\"\r\n",
                _ => $"{n:x} \t;e\r\n",
            });
            ms.Write(c.Data, at, n);
            W("\r\n");
            at += n;
        }

        W(c.Spelling == 2 ? "0\r\nX-Trailer: 1\r\n\r\n" : "0\r\n\r\n");
        return ms.ToArray();
    }

    /// <summary>Feeds <paramref name="input"/> in pieces, as reads from a socket would come; returns
    /// what was decoded, what was left after the body and whether it ended. Checks the decoder's
    /// counts on every call: never more consumed than given, never more written than room.</summary>
    private static (byte[] Output, byte[] Leftover, bool Done) Decode(byte[] input, int[] pieces, int room)
    {
        var decoder = new ChunkedDecoder();
        var pending = new List<byte>();
        var output = new MemoryStream();
        byte[] destination = new byte[room];
        int fed = 0;
        foreach (byte[] piece in Fuzz.Pieces(input, pieces))
        {
            pending.AddRange(piece);
            fed += piece.Length;
            while (true)
            {
                byte[] offered = pending.ToArray();
                OperationStatus status = decoder.Decode(offered, destination, out int consumed, out int written);
                Assert.InRange(consumed, 0, offered.Length);
                Assert.InRange(written, 0, room);
                output.Write(destination, 0, written);
                pending.RemoveRange(0, consumed);
                if (status == OperationStatus.Done)
                {
                    Assert.True(decoder.IsDone);
                    return (output.ToArray(), [.. pending, .. input[fed..]], true);
                }

                if (status == OperationStatus.NeedMoreData)
                {
                    break;
                }

                Assert.Equal(OperationStatus.DestinationTooSmall, status);
                Assert.Equal(room, written);
            }
        }

        return (output.ToArray(), pending.ToArray(), false);
    }

    [Fact]
    public void ChunkedDecoder_EncodedBody_RoundTripsInAnyPieces()
    {
        Fuzz.Check(Gen.Select(Chunking, Fuzz.Splits, Gen.Int[1, 100]), t =>
        {
            ((byte[] Data, int[] Sizes, int Spelling) c, int[] pieces, int room) = t;
            byte[] after = "HTTP/1.1 200 OK\r\n"u8.ToArray();
            (byte[] output, byte[] leftover, bool done) = Decode([.. Encode(c), .. after], pieces, room);
            Assert.True(done);
            Assert.Equal(c.Data, output);
            Assert.Equal(after, leftover);
        }, t => $"{Fuzz.Show(Encode(t.Item1))} pieces [{string.Join(",", t.Item2)}] room {t.Item3}");
    }

    [Fact]
    public void ChunkedDecoder_GeneratedBytes_OnlyParseErrors()
    {
        Gen<byte[]> input = Gen.Frequency(
            (1, Fuzz.BytesOf("0123456789abcdefABCDEF;= \t\r\n\"x", 200)),
            (2, Fuzz.Mutated(Chunking.Select(Encode))));
        Fuzz.Check(Gen.Select(input, Fuzz.Splits, Gen.Int[1, 100]), t =>
        {
            try
            {
                (byte[] output, _, _) = Decode(t.Item1, t.Item2, t.Item3);
                Assert.True(output.Length <= t.Item1.Length);
            }
            catch (HttpParseException)
            {
            }
        }, t => $"{Fuzz.Show(t.Item1)} pieces [{string.Join(",", t.Item2)}] room {t.Item3}");
    }

    private static readonly Gen<string> Token = Gen.Char["abcdefghijklmnopqrstuvwxyzABCXYZ0123456789-_.!#$%&'*+^`|~"].Array[1, 20]
        .Select(c => new string(c));

    private static readonly Gen<string> FieldValue = Gen.Char[" \tabcxyzABC0123456789-;=/\"(),.:{}[]"].Array[0, 40]
        .Select(c => new string(c).Trim(' ', '\t'));

    /// <summary>A head: status, reason, Content-Length or chunked or neither, other fields.</summary>
    private static readonly Gen<(int Status, string Reason, int Framing, long Length, (string, string)[] Fields, string Type)> Head =
        Gen.Select(Gen.Int[100, 999], FieldValue, Gen.Int[0, 2], Gen.Long[0, long.MaxValue],
            Gen.Select(Token, FieldValue).Array[0, 12], FieldValue);

    private static byte[] Write((int Status, string Reason, int Framing, long Length, (string, string)[] Fields, string Type) h)
    {
        var sb = new StringBuilder($"HTTP/1.1 {h.Status} {h.Reason}\r\n");
        sb.Append($"content-TYPE: {h.Type}\r\n");
        foreach ((string name, string value) in h.Fields)
        {
            if (!name.StartsWith("content-", StringComparison.OrdinalIgnoreCase) &&
                !name.Equals("transfer-encoding", StringComparison.OrdinalIgnoreCase))
            {
                sb.Append($"{name}:{value}\r\n");
            }
        }

        sb.Append(h.Framing switch
        {
            0 => $"Content-Length: {h.Length}\r\n",
            1 => $"Content-Length: {h.Length}\r\nTransfer-Encoding: Chunked\r\n",
            _ => "",
        });
        return Encoding.ASCII.GetBytes(sb.Append("\r\n").ToString());
    }

    [Fact]
    public void ResponseHeadParser_WrittenHead_ParsesBackInAnyPrefix()
    {
        Fuzz.Check(Head, h =>
        {
            byte[] bytes = [.. Write(h), .. "body"u8];
            int headLength = bytes.Length - 4;
            var head = new ResponseHead();
            Assert.True(ResponseHeadParser.TryParse(bytes, head, out int consumed));
            Assert.Equal(headLength, consumed);
            Assert.Equal(h.Status, head.StatusCode);
            Assert.Equal(h.Reason, head.ReasonPhrase);
            Assert.Equal(h.Type, head.ContentType);
            Assert.Equal(h.Framing == 1, head.Chunked);
            Assert.Equal(h.Framing switch { 0 => h.Length, _ => -1 }, head.ContentLength);

            int cut = (h.Status * 31) % headLength; // one prefix per case, somewhere in the head
            Assert.False(ResponseHeadParser.TryParse(bytes.AsSpan(0, cut), new ResponseHead(), out int none));
            Assert.Equal(0, none);
        }, h => Fuzz.Show(Write(h)));
    }

    [Fact]
    public void ResponseHeadParser_GeneratedBytes_OnlyParseErrors()
    {
        Gen<byte[]> input = Gen.Frequency(
            (1, Fuzz.BytesOf("HTTP/1. 0123456789:\r\n\t -abcCONTENT-LENGTH", 300)),
            (3, Fuzz.Mutated(Head.Select(Write))));
        Fuzz.Check(input, bytes =>
        {
            try
            {
                if (ResponseHeadParser.TryParse(bytes, new ResponseHead(), out int consumed))
                {
                    Assert.InRange(consumed, 4, bytes.Length);
                }
                else
                {
                    Assert.Equal(0, consumed);
                }
            }
            catch (HttpParseException)
            {
            }
        }, Fuzz.Show);
    }
}
