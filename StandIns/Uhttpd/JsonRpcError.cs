namespace Dockerman.StandIns.Uhttpd;

/// <summary>The errors uhttpd's /ubus answers with, <c>{"error": {"code", "message"}}</c>.</summary>
internal sealed record JsonRpcError(int Code, string Message)
{
    public static readonly JsonRpcError Parse = new(-32700, "Parse error");
    public static readonly JsonRpcError Request = new(-32600, "Invalid request");
    public static readonly JsonRpcError Method = new(-32601, "Method not found");
    public static readonly JsonRpcError Params = new(-32602, "Invalid parameters");
    public static readonly JsonRpcError Internal = new(-32603, "Internal error");
    public static readonly JsonRpcError Object = new(-32000, "Object not found");
    public static readonly JsonRpcError Session = new(-32001, "Session not found");
    public static readonly JsonRpcError Access = new(-32002, "Access denied");
    public static readonly JsonRpcError Timeout = new(-32003, "ubus request timed out");
}
