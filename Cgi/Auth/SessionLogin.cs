using System.Net.Sockets;
using System.Text.Json;
using Dockerman.Auth.Ubus;
using Dockerman.CgiIo;
using Dockerman.Config;
using Dockerman.Http;
using Dockerman.Relay;

namespace Dockerman.Auth;

/// <summary>
/// <c>session/login</c>: a LuCI login session from a user name and password, for a page that is
/// not LuCI's own (the console under /dockerman/) and so never gets LuCI's cookie. rpcd checks the
/// password (<c>session.login</c> over ubus, as LuCI's login page does through /ubus); the reply
/// names the session, which the caller then sends as <c>Authorization: Bearer</c>. The credentials
/// come in the body only (a form or a JSON object), never the query: query strings end up in logs.
/// </summary>
internal static class SessionLogin
{
    /// <summary>rpcd's <c>config login</c> names and passwords are short; anything longer is no login.</summary>
    private const int MaxFieldLength = 256;

    public static byte[] Run(CgiRequest request, RequestStdin stdin, Settings settings, Func<long> clock, TextWriter stderr)
    {
        if (settings.Auth != AuthMode.Luci)
        {
            throw new ApiException(404, "session/login: this server checks a token (auth 'token'), not LuCI sessions");
        }

        (string? username, string? password) = FormBody.HasMediaType(request.ContentType, "application/json")
            ? ReadJson(request, stdin)
            : (request.FormValue("username"), request.FormValue("password"));
        if (string.IsNullOrEmpty(username) || password == null)
        {
            throw ApiException.BadRequest("session/login needs 'username' and 'password' in the body (form or JSON)");
        }

        if (username.Length > MaxFieldLength || password.Length > MaxFieldLength)
        {
            throw new ApiException(401, "wrong user name or password");
        }

        byte[] reply;
        try
        {
            using UbusClient ubus = UbusClient.Connect(LuciSessionProvider.SocketPath(settings.UbusSocket), clock);
            reply = ubus.Invoke(ubus.Lookup("session"), "login", w =>
            {
                w.MsgString("username", username);
                w.MsgString("password", password);
            });
        }
        catch (UbusCallException e) when (e.Status == UbusStatus.PermissionDenied)
        {
            throw new ApiException(401, "wrong user name or password");
        }
        catch (Exception e) when (e is UbusCallException or UbusException or SocketException or TimeoutException or IOException)
        {
            stderr.WriteLine($"dockerman: ubus: {e.Message}");
            throw new ApiException(503, "cannot log in: ubus is not answering");
        }

        (string? sid, long expires, long timeout) = ReadReply(reply);
        if (sid == null || !SessionCredentials.IsWellFormed(sid))
        {
            stderr.WriteLine("dockerman: ubus: session.login answered without a session id");
            throw new ApiException(503, "cannot log in: rpcd gave no session");
        }

        return Json.Document(w =>
        {
            w.WriteStartObject();
            w.WriteString("session", sid);
            w.WriteNumber("expires", expires);
            w.WriteNumber("timeout", timeout);
            w.WriteString("username", username);
            w.WriteEndObject();
        });
    }

    /// <summary><c>{"username": "…", "password": "…"}</c>; other members are passed over.</summary>
    private static (string? Username, string? Password) ReadJson(CgiRequest request, RequestStdin stdin)
    {
        if (request.ContentLength > Limits.MaxFormBytes)
        {
            throw new ApiException(413, $"login body larger than {Limits.MaxFormBytes} bytes");
        }

        byte[] buffer = new byte[Limits.MaxFormBytes + 1];
        int count = stdin.ReadBatch(buffer);
        if (count > Limits.MaxFormBytes)
        {
            throw new ApiException(413, $"login body larger than {Limits.MaxFormBytes} bytes");
        }

        string? username = null;
        string? password = null;
        try
        {
            var reader = new Utf8JsonReader(buffer.AsSpan(0, count));
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw ApiException.BadRequest("login body: expected a JSON object");
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                string name = reader.GetString()!;
                reader.Read();
                if (reader.TokenType == JsonTokenType.String && name is "username" or "password")
                {
                    if (name == "username")
                    {
                        username = reader.GetString();
                    }
                    else
                    {
                        password = reader.GetString();
                    }
                }
                else
                {
                    reader.Skip();
                }
            }
        }
        catch (JsonException)
        {
            throw ApiException.BadRequest("login body: not well-formed JSON");
        }

        return (username, password);
    }

    /// <summary><c>{ubus_rpc_session, timeout, expires, …}</c> of rpcd's reply.</summary>
    private static (string? Sid, long Expires, long Timeout) ReadReply(byte[] reply)
    {
        string? sid = null;
        long expires = 0, timeout = 0;
        var reader = new BlobReader(reply);
        while (reader.Next(out BlobAttr a))
        {
            if (!a.Extended)
            {
                continue;
            }

            if (a.Name.SequenceEqual("ubus_rpc_session"u8) && a.Id == (int)BlobMsgType.String)
            {
                sid = a.AsString();
            }
            else if (a.Name.SequenceEqual("expires"u8))
            {
                expires = Number(a);
            }
            else if (a.Name.SequenceEqual("timeout"u8))
            {
                timeout = Number(a);
            }
        }

        return (sid, expires, timeout);
    }

    private static long Number(BlobAttr a) => a.Id switch
    {
        (int)BlobMsgType.Int32 => a.AsInt32(),
        (int)BlobMsgType.Int64 when a.Value.Length >= 8 => System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(a.Value),
        _ => 0,
    };
}
