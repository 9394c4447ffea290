using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dockerman.StandIns.Ubus;

namespace Dockerman.StandIns.Uhttpd;

/// <summary>
/// uhttpd's <c>/ubus</c>: JSON-RPC 2.0 over POST, one request or a batch (an array of them).
/// <c>{"jsonrpc":"2.0","id":N,"method":"call","params":[sid, object, method, args]}</c> first
/// asks rpcd's <c>session.access</c> whether the session may call that function of that object
/// in scope <c>ubus</c> (no: <c>{"error":{"code":-32002,"message":"Access denied"}}</c>), then
/// calls it with <c>ubus_rpc_session</c> added to the arguments and answers
/// <c>{"result":[status]}</c> or <c>{"result":[status, data]}</c>. The bus is reached as any
/// client reaches it, over ubusd's socket; a call may take <see cref="CallTimeout"/> (uhttpd's
/// script timeout).
/// </summary>
internal sealed class UbusJsonRpc(string ubusSocket, TimeSpan callTimeout)
{
    public TimeSpan CallTimeout { get; } = callTimeout;

    public async Task<HttpAnswer> HandleAsync(HttpRequestHead request, CancellationToken cancel)
    {
        if (request.Target != "/ubus" && !request.Target.StartsWith("/ubus?", StringComparison.Ordinal))
        {
            return new HttpAnswer(404, "Not Found", "text/plain", Encoding.ASCII.GetBytes("Not Found\n"));
        }

        if (request.Method != "POST")
        {
            return Json(Error(null, JsonRpcError.Request));
        }

        JsonNode? input;
        try
        {
            input = JsonNode.Parse(request.Body);
        }
        catch (JsonException)
        {
            return Json(Error(null, JsonRpcError.Parse));
        }

        if (input is JsonArray batch)
        {
            var replies = new JsonArray();
            foreach (JsonNode? one in batch)
            {
                replies.Add((JsonNode)await OneAsync(one, cancel));
            }

            return Json(replies);
        }

        return Json(await OneAsync(input, cancel));
    }

    private static HttpAnswer Json(JsonNode reply) => new(200, "OK", "application/json", Encoding.UTF8.GetBytes(reply.ToJsonString()));

    private static JsonObject Error(JsonNode? id, JsonRpcError error) => new()
    {
        ["jsonrpc"] = "2.0",
        ["id"] = id?.DeepClone(),
        ["error"] = new JsonObject { ["code"] = error.Code, ["message"] = error.Message },
    };

    private static JsonObject Result(JsonNode? id, JsonArray result) => new()
    {
        ["jsonrpc"] = "2.0",
        ["id"] = id?.DeepClone(),
        ["result"] = result,
    };

    private async Task<JsonObject> OneAsync(JsonNode? request, CancellationToken cancel)
    {
        if (request is not JsonObject r || Text(r["jsonrpc"]) != "2.0" || Text(r["method"]) is not string method || r["params"] is not JsonArray p)
        {
            return Error((request as JsonObject)?["id"], JsonRpcError.Request);
        }

        JsonNode? id = r["id"];
        if (method != "call")
        {
            return Error(id, JsonRpcError.Method);
        }

        if (p.Count != 4 || Text(p[0]) is not string sid || Text(p[1]) is not string obj || Text(p[2]) is not string function ||
            p[3] is not JsonObject args)
        {
            return Error(id, JsonRpcError.Params);
        }

        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        bounded.CancelAfter(CallTimeout);
        try
        {
            using UbusClient bus = await UbusClient.ConnectAsync(ubusSocket, bounded.Token);
            var question = new JsonObject { ["ubus_rpc_session"] = sid, ["scope"] = "ubus", ["object"] = obj, ["function"] = function };
            (UbusStatus asked, JsonObject? access) = await bus.CallAsync("session", "access", question, bounded.Token);
            if (asked != UbusStatus.Ok || access?["access"] is not JsonValue allowed || !allowed.TryGetValue(out bool yes) || !yes)
            {
                return Error(id, JsonRpcError.Access);
            }

            UbusObjectInfo? target = (await bus.LookupAsync(obj, bounded.Token)).FirstOrDefault(o => o.Path == obj);
            if (target == null)
            {
                return Error(id, JsonRpcError.Object);
            }

            var call = (JsonObject)args.DeepClone();
            call["ubus_rpc_session"] = sid;
            (UbusStatus status, JsonObject? data) = await bus.InvokeAsync(target.Id, function, call, bounded.Token);
            JsonArray result = [(int)status];
            if (data != null)
            {
                result.Add((JsonNode)data);
            }

            return Result(id, result);
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
            return Error(id, JsonRpcError.Timeout);
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or BlobFormatException)
        {
            return Error(id, JsonRpcError.Internal);
        }
    }

    private static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue(out string? s) ? s : null;
}
