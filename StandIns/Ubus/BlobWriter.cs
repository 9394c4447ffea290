using System.Buffers.Binary;
using System.Text;

namespace Dockerman.StandIns.Ubus;

/// <summary>
/// Writes blob attributes (libubox blob.h): a be32 header of the extended bit, the id and the
/// length (header included, padding not), then the payload padded with zeros to 4 bytes. A nested
/// attribute's length covers its children with their padding. blobmsg fields are extended
/// attributes whose id is their <see cref="BlobmsgType"/> and whose payload starts with
/// <c>{be16 name length, name, NUL}</c> padded to 4.
/// </summary>
internal sealed class BlobWriter
{
    private const uint ExtendedBit = 0x8000_0000;
    private const int MaxId = 0x7f;
    private const int MaxLength = 0xff_ffff;

    private byte[] _buffer = new byte[256];
    private int _length;

    /// <summary>Everything written so far.</summary>
    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _length);

    public int Length => _length;

    /// <summary>Raw bytes, e.g. a message header before its root attribute.</summary>
    public void Raw(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(Grow(bytes.Length));
        _length += bytes.Length;
    }

    /// <summary>Opens an attribute; <see cref="End"/> with the returned offset closes it.</summary>
    public int Begin(int id, bool extended = false)
    {
        if ((uint)id > MaxId)
        {
            throw new ArgumentOutOfRangeException(nameof(id), id, "a blob attribute id has 7 bits");
        }

        int at = _length;
        BinaryPrimitives.WriteUInt32BigEndian(Grow(4), (extended ? ExtendedBit : 0) | ((uint)id << 24));
        _length += 4;
        return at;
    }

    /// <summary>Sets the length of the attribute opened at <paramref name="at"/> and pads it.</summary>
    public void End(int at)
    {
        int length = _length - at;
        if (length > MaxLength)
        {
            throw new InvalidOperationException($"a blob attribute of {length} bytes does not fit its 24-bit length");
        }

        Span<byte> header = _buffer.AsSpan(at, 4);
        uint head = BinaryPrimitives.ReadUInt32BigEndian(header) & 0xff00_0000;
        BinaryPrimitives.WriteUInt32BigEndian(header, head | (uint)length);
        Pad();
    }

    public void Int32(int id, int value)
    {
        int at = Begin(id);
        BinaryPrimitives.WriteInt32BigEndian(Grow(4), value);
        _length += 4;
        End(at);
    }

    /// <summary>A NUL-terminated string attribute (the NUL counts in the length).</summary>
    public void String(int id, string value)
    {
        int at = Begin(id);
        Utf8Z(value);
        End(at);
    }

    /// <summary>Opens a blobmsg field (a table or an array, whose children follow); close it with <see cref="End"/>.</summary>
    public int BeginField(BlobmsgType type, string? name)
    {
        int at = Begin((int)type, extended: true);
        int nameLength = name == null ? 0 : Encoding.UTF8.GetByteCount(name);
        if (nameLength > ushort.MaxValue)
        {
            throw new ArgumentException("a blobmsg name is at most 65535 bytes", nameof(name));
        }

        BinaryPrimitives.WriteUInt16BigEndian(Grow(2), (ushort)nameLength);
        _length += 2;
        Utf8Z(name ?? "");
        Pad();
        return at;
    }

    public void FieldString(string? name, string value)
    {
        int at = BeginField(BlobmsgType.String, name);
        Utf8Z(value);
        End(at);
    }

    public void FieldInt32(string? name, int value)
    {
        int at = BeginField(BlobmsgType.Int32, name);
        BinaryPrimitives.WriteInt32BigEndian(Grow(4), value);
        _length += 4;
        End(at);
    }

    public void FieldInt64(string? name, long value)
    {
        int at = BeginField(BlobmsgType.Int64, name);
        BinaryPrimitives.WriteInt64BigEndian(Grow(8), value);
        _length += 8;
        End(at);
    }

    public void FieldDouble(string? name, double value)
    {
        int at = BeginField(BlobmsgType.Double, name);
        BinaryPrimitives.WriteInt64BigEndian(Grow(8), BitConverter.DoubleToInt64Bits(value));
        _length += 8;
        End(at);
    }

    public void FieldBool(string? name, bool value)
    {
        int at = BeginField(BlobmsgType.Bool, name);
        Grow(1)[0] = value ? (byte)1 : (byte)0;
        _length += 1;
        End(at);
    }

    /// <summary>A field without a value (JSON null).</summary>
    public void FieldUnspec(string? name) => End(BeginField(BlobmsgType.Unspec, name));

    private void Utf8Z(string value)
    {
        int n = Encoding.UTF8.GetByteCount(value);
        Span<byte> target = Grow(n + 1);
        Encoding.UTF8.GetBytes(value, target);
        target[n] = 0;
        _length += n + 1;
    }

    private void Pad()
    {
        int pad = (4 - (_length & 3)) & 3;
        Grow(pad)[..pad].Clear();
        _length += pad;
    }

    /// <summary>Room for <paramref name="count"/> more bytes at the end.</summary>
    private Span<byte> Grow(int count)
    {
        if (_length + count > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + count));
        }

        return _buffer.AsSpan(_length, count);
    }
}
