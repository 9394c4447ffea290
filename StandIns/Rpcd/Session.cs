using System.Text.Json.Nodes;

namespace Dockerman.StandIns.Rpcd;

/// <summary>
/// One rpcd session: its id (32 hex digits), its ACL entries (scope, object pattern, function
/// pattern), its values (<c>session.set</c>/<c>get</c>), and its timeout, counted again from
/// every use of the session; a timeout of 0 never ends (the anonymous session).
/// </summary>
internal sealed class Session(string id, int timeoutSeconds, long now)
{
    private readonly List<(string Scope, string Object, string Function)> _acl = [];
    private long _expires = now + (timeoutSeconds * 1000L);

    public string Id { get; } = id;

    public int TimeoutSeconds { get; } = timeoutSeconds;

    public JsonObject Values { get; } = [];

    public bool Expired(long now)
    {
        lock (_acl)
        {
            return TimeoutSeconds > 0 && now >= _expires;
        }
    }

    /// <summary>Starts the timeout again (rpcd does on every call that names the session).</summary>
    public void Touch(long now)
    {
        lock (_acl)
        {
            _expires = now + (TimeoutSeconds * 1000L);
        }
    }

    /// <summary>Seconds left, as session.login and session.list report them.</summary>
    public int ExpiresIn(long now)
    {
        lock (_acl)
        {
            return TimeoutSeconds == 0 ? 0 : (int)Math.Max(0, (_expires - now) / 1000);
        }
    }

    public void Grant(string scope, string obj, string function)
    {
        lock (_acl)
        {
            if (!_acl.Contains((scope, obj, function)))
            {
                _acl.Add((scope, obj, function));
            }
        }
    }

    public bool Allowed(string scope, string obj, string function)
    {
        lock (_acl)
        {
            return _acl.Any(e => e.Scope == scope && AclPattern.Matches(e.Object, obj) && AclPattern.Matches(e.Function, function));
        }
    }

    /// <summary>The ACL as rpcd reports it: <c>{scope: {object: [function, …]}}</c>.</summary>
    public JsonObject Acls()
    {
        var result = new JsonObject();
        lock (_acl)
        {
            foreach (var scope in _acl.GroupBy(e => e.Scope))
            {
                var objects = new JsonObject();
                foreach (var obj in scope.GroupBy(e => e.Object))
                {
                    objects[obj.Key] = new JsonArray([.. obj.Select(e => (JsonNode?)JsonValue.Create(e.Function))]);
                }

                result[scope.Key] = objects;
            }
        }

        return result;
    }
}
