using System.Text;
using System.Text.Json;
using Xunit;

namespace Dockerman.Tests.Support.Router;

/// <summary>
/// ubus calls as LuCI's <c>rpc.declare()</c> functions send them: a JSON-RPC 2.0 <c>call</c> with
/// <c>[sid, object, method, args]</c>, POSTed to the web server's <c>/ubus</c> (uhttpd's JSON-RPC).
/// </summary>
public sealed class LuciRpc(RouterStack stack, LuciSession session)
{
    private int _id;

    /// <summary>The docker* objects served by the published binary: one link each in rpcd's plugin folder.</summary>
    public static RouterStackOptions WithDockermanPlugins(RouterStackOptions options)
    {
        foreach (string obj in RpcPluginRunner.Objects)
        {
            options.ExecPlugins[obj] = Paths.Binary;
        }

        return options;
    }

    /// <summary>The JSON-RPC reply: <c>result</c> ([status] or [status, data]) or <c>error</c>.</summary>
    public JsonElement Send(string obj, string method, string args = "{}")
    {
        string body = $$$"""{"jsonrpc":"2.0","id":{{{++_id}}},"method":"call","params":[{{{Quote(session.Sid)}}},{{{Quote(obj)}}},{{{Quote(method)}}},{{{args}}}]}""";
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using HttpResponseMessage r = stack.Http!.PostAsync("ubus", content).Result;
        string text = r.Content.ReadAsStringAsync().Result;
        using JsonDocument doc = JsonDocument.Parse(text);
        Assert.Equal("2.0", doc.RootElement.GetProperty("jsonrpc").GetString());
        return doc.RootElement.TryGetProperty("result", out JsonElement result) ? result.Clone() : doc.RootElement.GetProperty("error").Clone();
    }

    /// <summary>A call that ubus completed (status 0): the plugin's reply, <c>{code, headers, body}</c>.</summary>
    public JsonElement Call(string obj, string method, string args = "{}")
    {
        JsonElement result = Send(obj, method, args);
        Assert.True(result.ValueKind == JsonValueKind.Array && result[0].GetInt32() == 0 && result.GetArrayLength() == 2,
            $"{obj}.{method}: {result}\n{stack.Log}");
        return result[1];
    }

    /// <summary>The plugin's <c>code</c>, checked against <paramref name="expected"/>; returns the body.</summary>
    public JsonElement Expect(int expected, string obj, string method, string args = "{}")
    {
        JsonElement reply = Call(obj, method, args);
        Assert.True(reply.GetProperty("code").GetInt32() == expected, $"{obj}.{method} {args}: {reply}");
        return reply.GetProperty("body");
    }

    private static string Quote(string s) => "\"" + JsonEncodedText.Encode(s) + "\"";
}
