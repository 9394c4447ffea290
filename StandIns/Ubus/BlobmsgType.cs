namespace Dockerman.StandIns.Ubus;

/// <summary>
/// The type of a blobmsg value: the id of its (extended) blob attribute (libubox blobmsg.h).
/// INT8 and BOOL are the same type, one byte.
/// </summary>
internal enum BlobmsgType
{
    Unspec = 0,
    Array = 1,
    Table = 2,
    String = 3,
    Int64 = 4,
    Int32 = 5,
    Int16 = 6,
    Bool = 7,
    Double = 8,
}
