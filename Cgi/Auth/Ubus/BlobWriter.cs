using System.Buffers.Binary;
using System.Text;

namespace Dockerman.Auth.Ubus;

/// <summary>
/// Builds blob_attr trees: each attribute is a be32 header (bit 31 extended, bits 24–30 id, bits
/// 0–23 length including the header, excluding padding) and a payload padded to 4 bytes. A
/// blobmsg attribute is extended and its payload starts with be16 name length, the name and a NUL,
/// padded to 4. A nest's length covers its children with their padding.
/// </summary>
internal sealed class BlobWriter
{
    private byte[] _buffer = new byte[256];
    private int _length;

    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _length);

    /// <summary>Starts an attribute and returns its offset, for <see cref="End"/>.</summary>
    public int Begin(int id, string? blobmsgName = null)
    {
        int start = _length;
        Grow(UbusConstants.AttrHeaderSize);
        uint header = (uint)(id & 0x7f) << 24;
        if (blobmsgName != null)
        {
            header |= 0x80000000;
        }

        BinaryPrimitives.WriteUInt32BigEndian(_buffer.AsSpan(start), header);
        _length += UbusConstants.AttrHeaderSize;
        if (blobmsgName != null)
        {
            int nameBytes = Encoding.UTF8.GetByteCount(blobmsgName);
            Grow(Align(2 + nameBytes + 1));
            BinaryPrimitives.WriteUInt16BigEndian(_buffer.AsSpan(_length), (ushort)nameBytes);
            Encoding.UTF8.GetBytes(blobmsgName, _buffer.AsSpan(_length + 2));
            _buffer[_length + 2 + nameBytes] = 0;
            _length += 2 + nameBytes + 1;
            Pad();
        }

        return start;
    }

    /// <summary>Sets the attribute's length to what was written since <see cref="Begin"/>, then pads.</summary>
    public void End(int start)
    {
        int length = _length - start;
        if (length > 0xffffff)
        {
            throw new InvalidOperationException("blob attribute too long");
        }

        uint header = BinaryPrimitives.ReadUInt32BigEndian(_buffer.AsSpan(start));
        BinaryPrimitives.WriteUInt32BigEndian(_buffer.AsSpan(start), (header & 0xff000000) | (uint)length);
        Pad();
    }

    public void Bytes(ReadOnlySpan<byte> data)
    {
        Grow(data.Length);
        data.CopyTo(_buffer.AsSpan(_length));
        _length += data.Length;
    }

    /// <summary>A plain blob string attribute (UTF-8 and NUL), as ubus message attributes are.</summary>
    public void String(int id, string value, string? blobmsgName = null)
    {
        int start = Begin(id, blobmsgName);
        Bytes(Encoding.UTF8.GetBytes(value));
        Bytes([0]);
        End(start);
    }

    public void Int32(int id, int value, string? blobmsgName = null)
    {
        int start = Begin(id, blobmsgName);
        Span<byte> be = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(be, value);
        Bytes(be);
        End(start);
    }

    public void Bool(string blobmsgName, bool value)
    {
        int start = Begin((int)BlobMsgType.Bool, blobmsgName);
        Bytes([value ? (byte)1 : (byte)0]);
        End(start);
    }

    public void MsgString(string name, string value) => String((int)BlobMsgType.String, value, name);

    /// <summary>A whole ubus message: header, then this writer's root attribute.</summary>
    public static byte[] Message(UbusMessageType type, ushort seq, uint peer, Action<BlobWriter> attributes)
    {
        var w = new BlobWriter();
        w.Grow(UbusConstants.HeaderSize);
        w._buffer[0] = 0;
        w._buffer[1] = (byte)type;
        BinaryPrimitives.WriteUInt16BigEndian(w._buffer.AsSpan(2), seq);
        BinaryPrimitives.WriteUInt32BigEndian(w._buffer.AsSpan(4), peer);
        w._length = UbusConstants.HeaderSize;
        int root = w.Begin(0);
        attributes(w);
        w.End(root);
        return w.Written.ToArray();
    }

    private void Pad()
    {
        int padded = Align(_length);
        Grow(padded - _length);
        _buffer.AsSpan(_length, padded - _length).Clear();
        _length = padded;
    }

    private void Grow(int more)
    {
        if (_length + more > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + more));
        }
    }

    public static int Align(int n) => (n + 3) & ~3;
}
