using System.Buffers.Binary;

namespace Dockerman.StandIns.Ubus;

/// <summary>
/// One ubus message: the 8-byte header <c>{u8 version, u8 type, be16 seq, be32 peer}</c> and the
/// payload of its root blob attribute (id 0), which holds the <see cref="UbusAttr"/> attributes.
/// </summary>
internal sealed class UbusMessage(UbusMessageType type, ushort seq, uint peer, byte[] body)
{
    public UbusMessageType Type { get; } = type;

    public ushort Seq { get; } = seq;

    public uint Peer { get; } = peer;

    /// <summary>The root attribute's payload: the message's attributes end to end.</summary>
    public byte[] Body { get; } = body;

    /// <summary>The whole message on the wire; <paramref name="attrs"/> writes the root's children.</summary>
    public static byte[] Build(UbusMessageType type, ushort seq, uint peer, Action<BlobWriter>? attrs)
    {
        var w = new BlobWriter();
        Span<byte> header = stackalloc byte[UbusLimits.HeaderSize];
        header[0] = UbusLimits.Version;
        header[1] = (byte)type;
        BinaryPrimitives.WriteUInt16BigEndian(header[2..], seq);
        BinaryPrimitives.WriteUInt32BigEndian(header[4..], peer);
        w.Raw(header);
        int root = w.Begin(0);
        attrs?.Invoke(w);
        w.End(root);
        if (w.Length > UbusLimits.MaxMessage)
        {
            throw new UbusMessageTooLargeException(w.Length);
        }

        return w.Written.ToArray();
    }

    /// <summary>The payload of the first attribute <paramref name="id"/>, or null.</summary>
    public byte[]? Attr(UbusAttr id)
    {
        var reader = new BlobReader(Body);
        while (reader.Next(out BlobAttr a))
        {
            if (a.Id == (int)id)
            {
                return a.Payload.ToArray();
            }
        }

        return null;
    }

    public int? Int32(UbusAttr id) => Attr(id) is byte[] p ? new BlobAttr((int)id, false, p).AsInt32() : null;

    public string? String(UbusAttr id) => Attr(id) is byte[] p ? new BlobAttr((int)id, false, p).AsString() : null;
}

/// <summary>A message that would be over UBUS_MAX_MSGLEN.</summary>
internal sealed class UbusMessageTooLargeException(int length)
    : Exception($"a ubus message of {length} bytes is over the {UbusLimits.MaxMessage} a message may have");
