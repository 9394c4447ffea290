namespace Dockerman.StandIns.Ubus;

/// <summary>Sizes of the ubus wire format, every limit checked before anything is allocated.</summary>
internal static class UbusLimits
{
    /// <summary>ubus_msghdr: u8 version, u8 type, be16 seq, be32 peer.</summary>
    public const int HeaderSize = 8;

    /// <summary>A blob_attr header: be32 of the extended bit (31), the id (24–30) and the length (0–23).</summary>
    public const int AttrHeaderSize = 4;

    /// <summary>UBUS_MAX_MSGLEN: the largest message ubusd reads or sends, its header included.</summary>
    public const int MaxMessage = 1024 * 1024;

    /// <summary>The only protocol version of the header.</summary>
    public const byte Version = 0;
}
