using System.Buffers.Binary;
using System.Text;

namespace Dockerman.StandIns.Ubus;

/// <summary>One blob attribute: its id, whether it is extended (a blobmsg field), its payload.</summary>
internal readonly ref struct BlobAttr(int id, bool extended, ReadOnlySpan<byte> payload)
{
    public int Id { get; } = id;

    public bool Extended { get; } = extended;

    public ReadOnlySpan<byte> Payload { get; } = payload;

    public int AsInt32() => Payload.Length == 4
        ? BinaryPrimitives.ReadInt32BigEndian(Payload)
        : throw new BlobFormatException($"attribute {Id}: {Payload.Length} bytes, not an int32");

    /// <summary>A NUL-terminated string payload, up to its NUL.</summary>
    public string AsString() => BlobReader.StringOf(Payload, $"attribute {Id}");
}

/// <summary>
/// Reads the blob attributes laid end to end in a buffer (the children of one attribute), each
/// padded to 4 bytes; the last one's padding may be missing. Anything else throws
/// <see cref="BlobFormatException"/>.
/// </summary>
internal ref struct BlobReader(ReadOnlySpan<byte> data)
{
    private ReadOnlySpan<byte> _rest = data;

    public readonly bool AtEnd => _rest.IsEmpty;

    public bool Next(out BlobAttr attr)
    {
        if (_rest.IsEmpty)
        {
            attr = default;
            return false;
        }

        if (_rest.Length < UbusLimits.AttrHeaderSize)
        {
            throw new BlobFormatException($"{_rest.Length} bytes left, less than an attribute header");
        }

        uint head = BinaryPrimitives.ReadUInt32BigEndian(_rest);
        int length = (int)(head & 0xff_ffff);
        if (length < UbusLimits.AttrHeaderSize || length > _rest.Length)
        {
            throw new BlobFormatException($"attribute length {length} with {_rest.Length} bytes left");
        }

        attr = new BlobAttr((int)((head >> 24) & 0x7f), (head & 0x8000_0000) != 0, _rest[UbusLimits.AttrHeaderSize..length]);
        int padded = (length + 3) & ~3;
        _rest = _rest[Math.Min(padded, _rest.Length)..];
        return true;
    }

    /// <summary>The bytes up to the NUL that must end <paramref name="payload"/>, as UTF-8.</summary>
    internal static string StringOf(ReadOnlySpan<byte> payload, string what)
    {
        int nul = payload.IndexOf((byte)0);
        if (nul < 0)
        {
            throw new BlobFormatException($"{what}: a string without its NUL");
        }

        return Encoding.UTF8.GetString(payload[..nul]);
    }
}
