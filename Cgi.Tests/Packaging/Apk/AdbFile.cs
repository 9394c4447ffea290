using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Dockerman.Tests.Packaging.Apk;

/// <summary>One block of an ADB file: its type, payload and where its 4-byte header starts in the uncompressed stream.</summary>
public sealed record AdbBlock(int Type, byte[] Payload, int Offset)
{
    public const int Adb = 0;
    public const int Sig = 1;
    public const int Data = 2;
    public const int Ext = 3;
}

/// <summary>
/// An ADB file (apk-tools 3: .apk packages and packages.adb indexes) read from apk-tools'
/// doc/apk-v3.5, src/adb.h and src/adb_comp.c: "ADB." and a 4-byte schema, or "ADBd" and a raw
/// deflate stream of those bytes; then blocks, each a u32 of 2 type bits and 30 size bits (the
/// size counting the header) padded with zeros to 8 bytes: one ADB block, SIG blocks, DATA blocks.
/// </summary>
public sealed class AdbFile
{
    public const int BlockAlignment = 8;

    private AdbFile(bool compressed, string schema, byte[] stream, IReadOnlyList<AdbBlock> blocks)
    {
        Compressed = compressed;
        Schema = schema;
        Stream = stream;
        Blocks = blocks;
    }

    public bool Compressed { get; }

    /// <summary>The schema as its four bytes read: "pckg" or "indx".</summary>
    public string Schema { get; }

    /// <summary>The uncompressed bytes, from "ADB." on.</summary>
    public byte[] Stream { get; }

    public IReadOnlyList<AdbBlock> Blocks { get; }

    /// <summary>The ADB block's payload: the 8-byte header (compat version, version, reserved, root) and the values.</summary>
    public byte[] Adb => Blocks[0].Payload;

    public IEnumerable<AdbBlock> Signatures => Blocks.Where(b => b.Type == AdbBlock.Sig);

    public IEnumerable<AdbBlock> DataBlocks => Blocks.Where(b => b.Type == AdbBlock.Data);

    public AdbValue Root => new(Adb, BinaryPrimitives.ReadUInt32LittleEndian(Adb.AsSpan(4)));

    public static AdbFile Read(string path) => Parse(File.ReadAllBytes(path));

    public static AdbFile Parse(byte[] file)
    {
        bool compressed = file.AsSpan().StartsWith("ADBd"u8);
        byte[] stream = compressed ? Inflate(file.AsSpan(4).ToArray()) : file;
        if (!stream.AsSpan().StartsWith("ADB."u8) || stream.Length < 8)
        {
            throw new InvalidDataException("not an ADB file: no \"ADB.\" magic");
        }

        var blocks = new List<AdbBlock>();
        int pos = 8;
        while (pos < stream.Length)
        {
            if (stream.Length - pos < 4)
            {
                throw new InvalidDataException($"a block header at {pos} is cut off");
            }

            uint typeSize = BinaryPrimitives.ReadUInt32LittleEndian(stream.AsSpan(pos));
            int type = (int)(typeSize >> 30);
            int size = (int)(typeSize & 0x3fffffff);
            int padded = (size + BlockAlignment - 1) / BlockAlignment * BlockAlignment;
            if (type == AdbBlock.Ext)
            {
                throw new InvalidDataException($"block at {pos} is an extended block, which no writer here needs");
            }

            if (size < 4 || (long)pos + padded > stream.Length)
            {
                throw new InvalidDataException($"block at {pos} of {size} bytes (padded {padded}) does not fit the {stream.Length}-byte stream");
            }

            if (stream.AsSpan(pos + size, padded - size).ContainsAnyExcept((byte)0))
            {
                throw new InvalidDataException($"block at {pos} is padded with something other than zeros");
            }

            blocks.Add(new AdbBlock(type, stream.AsSpan(pos + 4, size - 4).ToArray(), pos));
            pos += padded;
        }

        CheckOrder(blocks);
        return new AdbFile(compressed, Encoding.ASCII.GetString(stream, 4, 4), stream, blocks);
    }

    /// <summary>One ADB block first, then SIG blocks, then DATA blocks (adb.c, __adb_m_parse); the ADB header's compat version 0.</summary>
    private static void CheckOrder(List<AdbBlock> blocks)
    {
        if (blocks.Count == 0 || blocks[0].Type != AdbBlock.Adb)
        {
            throw new InvalidDataException("the first block is not the ADB block");
        }

        if (blocks[0].Payload.Length < 8 || blocks[0].Payload[0] != 0)
        {
            throw new InvalidDataException("the ADB block's header is short or of another compat version");
        }

        int last = AdbBlock.Adb;
        foreach (AdbBlock b in blocks.Skip(1))
        {
            if (b.Type == AdbBlock.Adb || b.Type < last)
            {
                throw new InvalidDataException($"block of type {b.Type} at {b.Offset} after one of type {last}");
            }

            last = b.Type;
        }
    }

    private static byte[] Inflate(byte[] deflated)
    {
        var output = new MemoryStream();
        using (var inflate = new DeflateStream(new MemoryStream(deflated), CompressionMode.Decompress))
        {
            inflate.CopyTo(output);
        }

        return output.ToArray();
    }
}
