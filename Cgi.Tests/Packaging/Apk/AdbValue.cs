using System.Buffers.Binary;
using System.Text;

namespace Dockerman.Tests.Packaging.Apk;

/// <summary>
/// One value of an ADB block, read as apk-tools' doc/apk-v3.5 and src/adb.h lay it out: a
/// little-endian u32 whose high 4 bits are the type and whose low 28 bits are an immediate or an
/// offset from the start of the ADB block's payload. Every read checks the type, the bounds and
/// the alignment the writer must have used.
/// </summary>
public readonly struct AdbValue
{
    public const uint Special = 0x00000000;
    public const uint Int = 0x10000000;
    public const uint Int32 = 0x20000000;
    public const uint Int64 = 0x30000000;
    public const uint Blob8 = 0x80000000;
    public const uint Blob16 = 0x90000000;
    public const uint Blob32 = 0xa0000000;
    public const uint Array = 0xd0000000;
    public const uint Object = 0xe0000000;
    private const uint TypeMask = 0xf0000000;

    private readonly byte[] _adb;

    public AdbValue(byte[] adb, uint raw)
    {
        _adb = adb;
        Raw = raw;
    }

    public uint Raw { get; }

    public uint Type => Raw & TypeMask;

    /// <summary>The low 28 bits: an integer, or where an indirect value starts.</summary>
    public int Offset => (int)(Raw & ~TypeMask);

    public bool IsNull => Raw == 0;

    /// <summary>An integer; NULL reads as 0, as apk's adb_r_int reads it.</summary>
    public ulong Integer() => IsNull ? 0 : Type switch
    {
        Int => (ulong)Offset,
        Int32 => BinaryPrimitives.ReadUInt32LittleEndian(Bytes(Offset, 4, 4)),
        Int64 => BinaryPrimitives.ReadUInt64LittleEndian(Bytes(Offset, 8, 4)),
        _ => throw Bad($"0x{Raw:x8} is not an integer"),
    };

    /// <summary>A blob's bytes; NULL reads as no bytes, which is how apk writes an empty blob.</summary>
    public byte[] Blob() => IsNull ? [] : BlobSpan(out _).ToArray();

    /// <summary>Where a blob's bytes start in the ADB block's payload.</summary>
    public int BlobStart()
    {
        BlobSpan(out int start);
        return start;
    }

    public string Text() => Encoding.UTF8.GetString(Blob());

    /// <summary>The slots of an object: slot 0 holds the count (itself included); fields are slots 1 and on.</summary>
    public AdbObject AsObject() => IsNull ? new AdbObject(_adb, []) : new AdbObject(_adb, Slots(Object));

    /// <summary>The items of an array, in order; NULL is an empty array.</summary>
    public IReadOnlyList<AdbValue> AsArray()
    {
        if (IsNull)
        {
            return [];
        }

        byte[] adb = _adb;
        return [.. Slots(Array).Skip(1).Select(raw => new AdbValue(adb, raw))];
    }

    private uint[] Slots(uint type)
    {
        if (Type != type)
        {
            throw Bad($"0x{Raw:x8} is not {(type == Object ? "an object" : "an array")}");
        }

        uint count = BinaryPrimitives.ReadUInt32LittleEndian(Bytes(Offset, 4, 4));
        if (count < 2)
        {
            throw Bad($"0x{Raw:x8} has {count} slots: a writer leaves out an empty one");
        }

        ReadOnlySpan<byte> all = Bytes(Offset, checked((int)count * 4), 4);
        var slots = new uint[count];
        for (int i = 0; i < slots.Length; i++)
        {
            slots[i] = BinaryPrimitives.ReadUInt32LittleEndian(all[(i * 4)..]);
        }

        if (slots[^1] == 0)
        {
            throw Bad($"0x{Raw:x8} ends in a NULL slot: a writer trims those");
        }

        return slots;
    }

    private ReadOnlySpan<byte> BlobSpan(out int start)
    {
        int lengthSize = Type switch
        {
            Blob8 => 1,
            Blob16 => 2,
            Blob32 => 4,
            _ => throw Bad($"0x{Raw:x8} is not a blob"),
        };
        ReadOnlySpan<byte> length = Bytes(Offset, lengthSize, lengthSize);
        long n = lengthSize switch
        {
            1 => length[0],
            2 => BinaryPrimitives.ReadUInt16LittleEndian(length),
            _ => BinaryPrimitives.ReadUInt32LittleEndian(length),
        };
        start = Offset + lengthSize;
        if (n > int.MaxValue)
        {
            throw Bad($"blob at {Offset} claims {n} bytes");
        }

        return Bytes(start, (int)n, 1);
    }

    private ReadOnlySpan<byte> Bytes(int offset, int length, int alignment)
    {
        if (offset % alignment != 0)
        {
            throw Bad($"0x{Raw:x8}: offset {offset} is not {alignment}-aligned");
        }

        if (offset < 8 || length < 0 || (long)offset + length > _adb.Length)
        {
            throw Bad($"0x{Raw:x8}: {length} bytes at {offset} are outside the {_adb.Length}-byte ADB block");
        }

        return _adb.AsSpan(offset, length);
    }

    private static InvalidDataException Bad(string why) => new("ADB value " + why);
}

/// <summary>An object's fields by number (1 and on); a field past the last slot is NULL.</summary>
public sealed class AdbObject(byte[] adb, uint[] slots)
{
    /// <summary>The slot count as stored, slot 0 included (0 for a NULL object).</summary>
    public int SlotCount => slots.Length;

    public AdbValue this[int field] => new(adb, field < slots.Length ? slots[field] : 0);
}
