using System.Buffers.Binary;
using System.Text;

namespace Dockerman.StandIns.Ubus;

/// <summary>
/// A blobmsg field read from an extended blob attribute: type (the attribute id), name (from the
/// <c>{be16 length, name, NUL}</c> header padded to 4) and the value's bytes after it.
/// </summary>
internal readonly ref struct BlobmsgField
{
    private BlobmsgField(BlobmsgType type, string name, ReadOnlySpan<byte> value)
    {
        Type = type;
        Name = name;
        Value = value;
    }

    public BlobmsgType Type { get; }

    public string Name { get; }

    public ReadOnlySpan<byte> Value { get; }

    public static BlobmsgField Of(BlobAttr attr)
    {
        if (!attr.Extended)
        {
            throw new BlobFormatException($"attribute {attr.Id} is not extended: not a blobmsg field");
        }

        if (attr.Id > (int)BlobmsgType.Double)
        {
            throw new BlobFormatException($"unknown blobmsg type {attr.Id}");
        }

        ReadOnlySpan<byte> p = attr.Payload;
        if (p.Length < 3)
        {
            throw new BlobFormatException($"a blobmsg field of {p.Length} bytes has no room for its name");
        }

        int nameLength = BinaryPrimitives.ReadUInt16BigEndian(p);
        int headerLength = (2 + nameLength + 1 + 3) & ~3;
        if (headerLength > p.Length || p[2 + nameLength] != 0)
        {
            throw new BlobFormatException($"a blobmsg name of {nameLength} bytes in a field of {p.Length}");
        }

        return new BlobmsgField((BlobmsgType)attr.Id, Encoding.UTF8.GetString(p.Slice(2, nameLength)), p[headerLength..]);
    }
}
