namespace Dockerman.Auth.Ubus;

/// <summary>Numbers of the ubus wire format (openwrt/ubus ubusmsg.h, libubox blob.h and blobmsg.h).</summary>
internal static class UbusConstants
{
    /// <summary>ubus_msghdr: u8 version, u8 type, be16 seq, be32 peer.</summary>
    public const int HeaderSize = 8;

    /// <summary>A blob_attr header: be32 with the extended bit, the id and the length.</summary>
    public const int AttrHeaderSize = 4;

    /// <summary>UBUS_MAX_MSGLEN: no message is larger; checked before allocating.</summary>
    public const int MaxMessageBytes = 1024 * 1024;

    /// <summary>How long the whole session check may take before the answer is 503.</summary>
    public const int TimeoutMs = 2000;

    public const string DefaultSocket = "/var/run/ubus/ubus.sock";

    public const string LegacySocket = "/var/run/ubus.sock";
}

/// <summary>ubus message types.</summary>
internal enum UbusMessageType : byte
{
    Hello = 0,
    Status = 1,
    Data = 2,
    Ping = 3,
    Lookup = 4,
    Invoke = 5,
}

/// <summary>Attribute ids inside a ubus message (UBUS_ATTR_*).</summary>
internal enum UbusAttr
{
    Status = 1,
    ObjPath = 2,
    ObjId = 3,
    Method = 4,
    ObjType = 5,
    Signature = 6,
    Data = 7,
}

/// <summary>blobmsg value types.</summary>
internal enum BlobMsgType
{
    Array = 1,
    Table = 2,
    String = 3,
    Int64 = 4,
    Int32 = 5,
    Int16 = 6,
    Bool = 7,
    Double = 8,
}

/// <summary>UBUS_STATUS_* codes that matter here.</summary>
internal static class UbusStatus
{
    public const int Ok = 0;
    public const int NotFound = 4;
    public const int PermissionDenied = 6;
}
