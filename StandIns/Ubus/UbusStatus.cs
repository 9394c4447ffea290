namespace Dockerman.StandIns.Ubus;

/// <summary>What a STATUS message says (ubusmsg.h, <c>UBUS_STATUS_*</c>).</summary>
internal enum UbusStatus
{
    Ok = 0,
    InvalidCommand = 1,
    InvalidArgument = 2,
    MethodNotFound = 3,
    NotFound = 4,
    NoData = 5,
    PermissionDenied = 6,
    Timeout = 7,
    NotSupported = 8,
    UnknownError = 9,
    ConnectionFailed = 10,
    NoMemory = 11,
    ParseError = 12,
    SystemError = 13,
}
