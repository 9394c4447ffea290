using System.Net.Sockets;
using System.Text;
using Dockerman.Auth.Ubus;
using Dockerman.CgiIo;
using Dockerman.Routing;

namespace Dockerman.Auth;

/// <summary>
/// LuCI login sessions, checked with rpcd over ubus: <c>session.access</c> with scope
/// <c>access-group</c>, the configured ACL group and "read" or "write"; for a write authenticated
/// by cookie, <c>session.get</c> for the CSRF token. Unknown session → 401, no access or bad
/// token → 403, ubus unreachable or confused → 503. Nothing reaches the daemon in any of these.
/// </summary>
internal sealed class LuciSessionProvider(string? socketPath, string aclGroup, Func<long> clock, TextWriter stderr) : IAuthProvider
{
    public Access Check(CgiRequest request, Route route)
    {
        (string? sid, CredentialSource source) = SessionCredentials.Find(request, route);
        if (sid == null)
        {
            throw new ApiException(401, "login required: no LuCI session id (Authorization: Bearer, sysauth cookie or sessionid)");
        }

        if (!SessionCredentials.IsWellFormed(sid))
        {
            throw new ApiException(401, "the session id is not 32 hex digits");
        }

        string function = route.IsWrite ? "write" : "read";
        try
        {
            return AskSession((ubus, session) =>
            {
                if (!HasRight(ubus, session, sid, function))
                {
                    throw new ApiException(403, $"this session has no {function} access to {aclGroup}");
                }

                if (route.IsWrite && source == CredentialSource.Cookie)
                {
                    CheckCsrfToken(request, ubus, session, sid);
                }

                // A read whose reply holds a secret field: one more question decides whether it is shown.
                return route.IsWrite || (route.WriterOnlyField != null && HasRight(ubus, session, sid, "write"))
                    ? Access.Write
                    : Access.Read;
            });
        }
        catch (UbusCallException e) when (e.Status == UbusStatus.NotFound)
        {
            throw new ApiException(401, "the session is unknown or has expired: log in again");
        }
        catch (UbusCallException e) when (e.Status == UbusStatus.PermissionDenied)
        {
            throw new ApiException(403, "permission denied by rpcd");
        }
    }

    /// <summary>Whether session <paramref name="sid"/> holds the write right: for a front door whose
    /// caller rpcd has let through already, to decide a <see cref="Route.WriterOnlyField"/>. Unknown
    /// session → false; ubus unreachable → <see cref="ApiException"/> 503.</summary>
    public bool CanWrite(string sid)
    {
        if (!SessionCredentials.IsWellFormed(sid))
        {
            return false;
        }

        try
        {
            return AskSession((ubus, session) => HasRight(ubus, session, sid, "write"));
        }
        catch (UbusCallException e) when (e.Status is UbusStatus.NotFound or UbusStatus.PermissionDenied)
        {
            return false;
        }
    }

    /// <summary>Questions to rpcd's session object on one ubus connection. An answer rpcd refused
    /// (unknown session, permission denied) comes out as its <see cref="UbusCallException"/> for the
    /// caller to judge; every other failure to get one is a 503.</summary>
    private T AskSession<T>(Func<UbusClient, uint, T> ask)
    {
        try
        {
            using UbusClient ubus = UbusClient.Connect(SocketPath(socketPath), clock);
            return ask(ubus, ubus.Lookup("session"));
        }
        catch (Exception e) when (e is UbusCallException { Status: not (UbusStatus.NotFound or UbusStatus.PermissionDenied) }
                                      or UbusException or SocketException or TimeoutException or IOException)
        {
            stderr.WriteLine($"dockerman: ubus: {e.Message}");
            throw new ApiException(503, "cannot check the LuCI session: ubus is not answering");
        }
    }

    private bool HasRight(UbusClient ubus, uint session, string sid, string function) =>
        AccessGranted(ubus.Invoke(session, "access", w =>
        {
            w.MsgString("ubus_rpc_session", sid);
            w.MsgString("scope", "access-group");
            w.MsgString("object", aclGroup);
            w.MsgString("function", function);
        }));

    private static void CheckCsrfToken(CgiRequest request, UbusClient ubus, uint session, string sid)
    {
        string? presented = request.Value("token");
        if (string.IsNullOrEmpty(presented))
        {
            throw new ApiException(403, "a state-changing request authenticated by cookie needs the session's 'token'");
        }

        byte[] reply = ubus.Invoke(session, "get", w => w.MsgString("ubus_rpc_session", sid));
        string? expected = FindToken(reply);
        if (expected == null || !TokenAuthProvider.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(presented)))
        {
            throw new ApiException(403, "the 'token' does not match the session's");
        }
    }

    /// <summary>The configured ubus socket, else the default one, else (older OpenWrt) the legacy one when only it exists.</summary>
    internal static string SocketPath(string? configured)
    {
        if (configured != null)
        {
            return configured;
        }

        return File.Exists(UbusConstants.DefaultSocket) || !File.Exists(UbusConstants.LegacySocket)
            ? UbusConstants.DefaultSocket
            : UbusConstants.LegacySocket;
    }

    /// <summary><c>{"access": true}</c> in the reply table.</summary>
    internal static bool AccessGranted(byte[] reply)
    {
        var reader = new BlobReader(reply);
        while (reader.Next(out BlobAttr a))
        {
            if (a.Extended && a.Name.SequenceEqual("access"u8) && a.Id == (int)BlobMsgType.Bool)
            {
                return a.AsBool();
            }
        }

        return false;
    }

    /// <summary><c>{"values": {"token": "…"}}</c> in a session.get reply.</summary>
    internal static string? FindToken(byte[] reply)
    {
        var reader = new BlobReader(reply);
        while (reader.Next(out BlobAttr a))
        {
            if (a.Extended && a.Name.SequenceEqual("values"u8) && a.Id == (int)BlobMsgType.Table)
            {
                var values = new BlobReader(a.Value);
                while (values.Next(out BlobAttr v))
                {
                    if (v.Extended && v.Name.SequenceEqual("token"u8) && v.Id == (int)BlobMsgType.String)
                    {
                        return v.AsString();
                    }
                }
            }
        }

        return null;
    }
}
