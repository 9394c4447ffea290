using System.Text.Json.Nodes;
using Dockerman.StandIns.Ubus;

namespace Dockerman.StandIns.Rpcd;

/// <summary>
/// rpcd's <c>session</c> object. <c>login {username, password, timeout}</c> checks the password
/// against rpcd's <c>config login</c> (PERMISSION_DENIED when wrong), makes a session (300 s
/// unless <c>timeout</c> says) with the username in its values and the rights of every ACL group
/// the login may read or write, and answers <c>{ubus_rpc_session, timeout, expires, acls, data}</c>.
/// <c>access {ubus_rpc_session, scope = "ubus", object, function}</c> answers <c>{access: bool}</c>
/// (without object and function: the session's whole ACL); <c>get {ubus_rpc_session, keys}</c>
/// <c>{values}</c>; <c>set {ubus_rpc_session, values}</c> stores them; <c>destroy</c> ends a
/// session (never the anonymous one: PERMISSION_DENIED). A session that does not exist, or no
/// longer, is NOT_FOUND; missing arguments are INVALID_ARGUMENT.
/// </summary>
internal sealed class SessionObject(SessionStore sessions, RpcdFolders folders, StandInLog log)
{
    private const string Sid = "ubus_rpc_session";

    public static readonly IReadOnlyList<UbusMethod> Methods =
    [
        new("login", [new("username", BlobmsgType.String), new("password", BlobmsgType.String), new("timeout", BlobmsgType.Int32)]),
        new("access", [new(Sid, BlobmsgType.String), new("scope", BlobmsgType.String), new("object", BlobmsgType.String),
            new("function", BlobmsgType.String)]),
        new("get", [new(Sid, BlobmsgType.String), new("keys", BlobmsgType.Array)]),
        new("set", [new(Sid, BlobmsgType.String), new("values", BlobmsgType.Table)]),
        new("destroy", [new(Sid, BlobmsgType.String)]),
    ];

    /// <summary>The anonymous session, with the rights of the group <c>unauthenticated</c> (what lets the login page log in).</summary>
    public void CreateAnonymous()
    {
        Session anonymous = sessions.Create(0, SessionStore.AnonymousId);
        foreach (AclGroup g in AclGroups.Read(folders.Acl, log).Where(g => g.Name == "unauthenticated"))
        {
            g.Read.ForEach(part => AclGroups.Apply(anonymous, "read", part));
            g.Write.ForEach(part => AclGroups.Apply(anonymous, "write", part));
        }
    }

    public Task<UbusReply> CallAsync(string method, JsonObject args, CancellationToken cancel) => Task.FromResult(method switch
    {
        "login" => Login(args),
        "access" => Access(args),
        "get" => Get(args),
        "set" => Set(args),
        "destroy" => Destroy(args),
        _ => new UbusReply(UbusStatus.MethodNotFound),
    });

    private static string? StringArg(JsonObject args, string name) =>
        args[name] is JsonValue v && v.TryGetValue(out string? s) ? s : null;

    private UbusReply Login(JsonObject args)
    {
        if (StringArg(args, "username") is not string username || StringArg(args, "password") is not string password)
        {
            return new UbusReply(UbusStatus.InvalidArgument);
        }

        RpcdLogin? login = RpcdLogin.Find(folders.Config, username);
        if (login == null || !Md5Crypt.Verify(password, login.Password))
        {
            return new UbusReply(UbusStatus.PermissionDenied);
        }

        int timeout = args["timeout"] is JsonValue t && t.TryGetValue(out int seconds) ? seconds : SessionStore.DefaultTimeout;
        Session session = sessions.Create(timeout);
        foreach (AclGroup g in AclGroups.Read(folders.Acl, log))
        {
            if (login.MayRead(g.Name))
            {
                g.Read.ForEach(part => AclGroups.Apply(session, "read", part));
                session.Grant("access-group", g.Name, "read");
            }

            if (login.MayWrite(g.Name))
            {
                g.Write.ForEach(part => AclGroups.Apply(session, "write", part));
                session.Grant("access-group", g.Name, "write");
            }
        }

        session.Values["username"] = username;
        return UbusReply.Ok(Describe(session));
    }

    private JsonObject Describe(Session s)
    {
        lock (s.Values)
        {
            return new JsonObject
            {
                [Sid] = s.Id,
                ["timeout"] = s.TimeoutSeconds,
                ["expires"] = s.ExpiresIn(sessions.Now),
                ["acls"] = s.Acls(),
                ["data"] = s.Values.DeepClone(),
            };
        }
    }

    private UbusReply Access(JsonObject args)
    {
        if (StringArg(args, Sid) is not string sid)
        {
            return new UbusReply(UbusStatus.InvalidArgument);
        }

        if (sessions.Use(sid) is not Session s)
        {
            return new UbusReply(UbusStatus.NotFound);
        }

        string scope = StringArg(args, "scope") ?? "ubus";
        if (StringArg(args, "object") is string obj && StringArg(args, "function") is string function)
        {
            return UbusReply.Ok(new JsonObject { ["access"] = s.Allowed(scope, obj, function) });
        }

        return UbusReply.Ok(s.Acls());
    }

    private UbusReply Get(JsonObject args)
    {
        if (StringArg(args, Sid) is not string sid)
        {
            return new UbusReply(UbusStatus.InvalidArgument);
        }

        if (sessions.Use(sid) is not Session s)
        {
            return new UbusReply(UbusStatus.NotFound);
        }

        var values = new JsonObject();
        lock (s.Values)
        {
            HashSet<string>? keys = args["keys"] is JsonArray k
                ? [.. k.OfType<JsonValue>().Select(v => v.TryGetValue(out string? key) ? key : null).OfType<string>()]
                : null;
            foreach ((string name, JsonNode? value) in s.Values)
            {
                if (keys == null || keys.Contains(name))
                {
                    values[name] = value?.DeepClone();
                }
            }
        }

        return UbusReply.Ok(new JsonObject { ["values"] = values });
    }

    private UbusReply Set(JsonObject args)
    {
        if (StringArg(args, Sid) is not string sid || args["values"] is not JsonObject values)
        {
            return new UbusReply(UbusStatus.InvalidArgument);
        }

        if (sessions.Use(sid) is not Session s)
        {
            return new UbusReply(UbusStatus.NotFound);
        }

        lock (s.Values)
        {
            foreach ((string name, JsonNode? value) in values)
            {
                s.Values[name] = value?.DeepClone();
            }
        }

        return UbusReply.Ok();
    }

    private UbusReply Destroy(JsonObject args)
    {
        if (StringArg(args, Sid) is not string sid)
        {
            return new UbusReply(UbusStatus.InvalidArgument);
        }

        if (sid == SessionStore.AnonymousId)
        {
            return new UbusReply(UbusStatus.PermissionDenied);
        }

        return sessions.Use(sid) != null && sessions.Remove(sid) ? UbusReply.Ok() : new UbusReply(UbusStatus.NotFound);
    }
}
