namespace Dockerman.StandIns.Ubus;

/// <summary>The ids of the attributes inside a ubus message's root blob (ubusmsg.h, <c>UBUS_ATTR_*</c>).</summary>
internal enum UbusAttr
{
    Status = 1,
    ObjPath = 2,
    ObjId = 3,
    Method = 4,
    ObjType = 5,
    Signature = 6,
    Data = 7,
    Target = 8,
    Active = 9,
    NoReply = 10,
    Subscribers = 11,
    User = 12,
    Group = 13,
}
