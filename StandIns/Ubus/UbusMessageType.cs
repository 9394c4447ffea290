namespace Dockerman.StandIns.Ubus;

/// <summary>The type byte of a ubus message header (ubusmsg.h, <c>enum ubus_msg_type</c>).</summary>
internal enum UbusMessageType : byte
{
    Hello = 0,
    Status = 1,
    Data = 2,
    Ping = 3,
    Lookup = 4,
    Invoke = 5,
    AddObject = 6,
    RemoveObject = 7,
    Subscribe = 8,
    Unsubscribe = 9,
    Notify = 10,
    Monitor = 11,
}
