using System.Buffers.Binary;
using System.Text;

namespace Dockerman.Auth.Ubus;

/// <summary>One attribute read from a blob: its id, whether it is a blobmsg, its name and value bytes.</summary>
internal readonly ref struct BlobAttr(int id, bool extended, ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
{
    public int Id { get; } = id;

    public bool Extended { get; } = extended;

    public ReadOnlySpan<byte> Name { get; } = name;

    public ReadOnlySpan<byte> Value { get; } = value;

    /// <summary>A string payload without its NUL terminator.</summary>
    public string AsString()
    {
        ReadOnlySpan<byte> v = Value;
        int nul = v.IndexOf((byte)0);
        return Encoding.UTF8.GetString(nul < 0 ? v : v[..nul]);
    }

    public int AsInt32() => Int32Of(Value);

    /// <summary>An int32 payload, big-endian as on the wire.</summary>
    public static int Int32Of(ReadOnlySpan<byte> value) =>
        value.Length >= 4 ? BinaryPrimitives.ReadInt32BigEndian(value) : throw new UbusException("short int32");

    public bool AsBool() => Value.Length >= 1 ? Value[0] != 0 : throw new UbusException("short bool");
}

/// <summary>Walks the attributes of a blob payload, checking every length before using it.</summary>
internal ref struct BlobReader(ReadOnlySpan<byte> payload)
{
    private ReadOnlySpan<byte> _rest = payload;

    public bool Next(out BlobAttr attr)
    {
        attr = default;
        if (_rest.IsEmpty)
        {
            return false;
        }

        if (_rest.Length < UbusConstants.AttrHeaderSize)
        {
            throw new UbusException("truncated attribute header");
        }

        uint header = BinaryPrimitives.ReadUInt32BigEndian(_rest);
        int length = (int)(header & 0xffffff);
        if (length < UbusConstants.AttrHeaderSize || length > _rest.Length)
        {
            throw new UbusException("attribute length out of bounds");
        }

        bool extended = (header & 0x80000000) != 0;
        int id = (int)((header >> 24) & 0x7f);
        ReadOnlySpan<byte> payload = _rest[UbusConstants.AttrHeaderSize..length];
        ReadOnlySpan<byte> name = default;
        if (extended)
        {
            if (payload.Length < 3)
            {
                throw new UbusException("truncated blobmsg name");
            }

            int nameLength = BinaryPrimitives.ReadUInt16BigEndian(payload);
            int headerLength = BlobWriter.Align(2 + nameLength + 1);
            if (headerLength > payload.Length || payload[2 + nameLength] != 0)
            {
                throw new UbusException("blobmsg name out of bounds");
            }

            name = payload.Slice(2, nameLength);
            payload = payload[headerLength..];
        }

        attr = new BlobAttr(id, extended, name, payload);
        int padded = Math.Min(BlobWriter.Align(length), _rest.Length);
        _rest = _rest[padded..];
        return true;
    }
}

/// <summary>A malformed or unexpected ubus message.</summary>
internal sealed class UbusException(string message) : Exception(message);
