using System.Globalization;
using System.Text;
using System.Text.Json;
using Dockerman.CgiIo;
using Dockerman.Routing;

namespace Dockerman.Rpc;

/// <summary>
/// An rpcd call turned into the CGI request the HTTP front door would get for it: method, path,
/// query string and body. From here on the request takes the same way through the route table,
/// its checks and encoding as every other.
/// </summary>
internal sealed class RpcRequest
{
    public required string Method { get; init; }

    public required string PathInfo { get; init; }

    /// <summary>The query string for the daemon's route, X-Registry-Auth included.</summary>
    public required string Query { get; init; }

    /// <summary>The same without credentials: to name the route in a message.</summary>
    public required string QueryShown { get; init; }

    public string? ContentType { get; init; }

    /// <summary>The caller's LuCI session, which uhttpd's /ubus adds to every call's arguments; none
    /// for a call made on the router itself (<c>ubus call</c>).</summary>
    public string? Session { get; init; }

    public byte[] Body { get; init; } = [];

    /// <summary>The HTTP request a client makes for the same thing: what a message tells to use instead.</summary>
    public string HttpRoute => $"{Method} /cgi-bin/dockerman{PathInfo}{(QueryShown.Length > 0 ? "?" + QueryShown : "")}";

    public Dictionary<string, string> Variables()
    {
        var vars = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["REQUEST_METHOD"] = Method,
            ["PATH_INFO"] = PathInfo,
            ["QUERY_STRING"] = Query,
        };
        if (ContentType != null)
        {
            vars["CONTENT_TYPE"] = ContentType;
            vars["CONTENT_LENGTH"] = Body.Length.ToString(CultureInfo.InvariantCulture);
        }

        return vars;
    }

    /// <summary>The request for <paramref name="method"/> with the caller's arguments (a JSON object);
    /// <see cref="ApiException"/> 400 for arguments of the wrong shape.</summary>
    public static RpcRequest From(RpcMethod method, Dictionary<string, JsonValue> args)
    {
        Route route = method.Route;
        var path = new StringBuilder(RouteMatcher.Prefix).Append(route.Path);
        if (method.IdArg != null)
        {
            string? id = Text(args, method.IdArg);
            if (id != null)
            {
                path.Append('/').Append(id);
            }
            else if (route.Id != IdKind.OptionalImage)
            {
                throw ApiException.BadRequest($"argument '{method.IdArg}': expected the {(route.Id == IdKind.Image ? "image" : "id or name")} as a string");
            }
        }

        var query = new List<KeyValuePair<string, string>>();
        if (args.TryGetValue("query", out JsonValue q) && q.Kind == JsonTokenType.StartObject)
        {
            foreach ((string name, JsonValue value) in JsonMembers.Of(q.Raw))
            {
                AddQueryValue(query, route, name, value);
            }
        }
        else if (!q.IsEmpty)
        {
            throw ApiException.BadRequest("argument 'query': expected an object of query parameters");
        }

        foreach (string extra in method.Extra)
        {
            string name = extra.Split(':')[0];
            if (args.TryGetValue(name, out JsonValue value))
            {
                AddQueryValue(query, route, name, value);
            }
        }

        if (route.Reply == ReplyKind.Logs && !query.Exists(p => p.Key == "format"))
        {
            query.Add(new("format", "text")); // as the pages read logs: text, the frames unwrapped
        }

        string shown = Encode(query);
        if (route.RegistryAuth && RegistryAuth(args) is string auth)
        {
            query.Add(new("X-Registry-Auth", auth));
        }

        byte[]? json = method.BodyArg != null && args.TryGetValue(method.BodyArg, out JsonValue body) && !body.IsEmpty
            ? body.Kind == JsonTokenType.String ? Encoding.UTF8.GetBytes(body.Text!) : body.Raw.ToArray()
            : null;
        var request = new RpcRequest
        {
            Method = (route.Verbs & Verbs.Get) != 0 ? "GET" : "POST",
            PathInfo = path.ToString(),
            Query = Encode(query),
            QueryShown = shown,
            ContentType = json == null ? null : "application/json",
            Body = json ?? [],
            Session = Text(args, "ubus_rpc_session"),
        };
        if (route.TakesUpload(name => query.Find(p => p.Key == name).Value))
        {
            // A tar archive is full of NUL bytes, and a ubus string ends at the first one.
            throw new ApiException(415, $"{route.Path} takes a tar archive, which does not travel through ubus: {request.HttpRoute} uploads it");
        }

        return request;
    }

    /// <summary>
    /// One query value as the pages send it: strings as they are, numbers and booleans in JSON's
    /// spelling, objects and arrays as JSON text (filters), an array for a repeatable parameter as one
    /// value each. The argument templates use "" and, for some numbers, false to mean "not given":
    /// those are left out, as are nulls.
    /// </summary>
    private static void AddQueryValue(List<KeyValuePair<string, string>> query, Route route, string name, JsonValue value)
    {
        string? type = QueryParameters.TypeOf(route.Params, name, out bool repeatable);
        switch (value.Kind)
        {
            case JsonTokenType.String when value.Text is { Length: > 0 } s:
                query.Add(new(name, s));
                break;
            case JsonTokenType.True:
                query.Add(new(name, "true"));
                break;
            case JsonTokenType.False when type is null or "bool":
                query.Add(new(name, "false"));
                break;
            case JsonTokenType.Number:
                query.Add(new(name, value.RawText));
                break;
            case JsonTokenType.StartArray when repeatable:
                foreach (JsonValue item in JsonMembers.Items(value.Raw))
                {
                    AddQueryValue(query, route, name, item);
                }

                break;
            case JsonTokenType.StartObject or JsonTokenType.StartArray:
                query.Add(new(name, value.RawText));
                break;
        }
    }

    private static string Encode(List<KeyValuePair<string, string>> query)
    {
        var sb = new StringBuilder();
        foreach ((string name, string value) in query)
        {
            if (sb.Length > 0)
            {
                sb.Append('&');
            }

            UrlEncoding.Append(sb, name);
            sb.Append('=');
            UrlEncoding.Append(sb, value);
        }

        return sb.ToString();
    }

    /// <summary>X-Registry-Auth from the <c>headers</c> argument, checked and normalised by the core as a
    /// query value is.</summary>
    private static string? RegistryAuth(Dictionary<string, JsonValue> args)
    {
        if (!args.TryGetValue("headers", out JsonValue headers) || headers.Kind != JsonTokenType.StartObject)
        {
            return null;
        }

        foreach ((string name, JsonValue value) in JsonMembers.Of(headers.Raw))
        {
            if (name.Equals("X-Registry-Auth", StringComparison.OrdinalIgnoreCase) && value.Text is { Length: > 0 } auth)
            {
                return auth;
            }
        }

        return null;
    }

    private static string? Text(Dictionary<string, JsonValue> args, string name) =>
        args.TryGetValue(name, out JsonValue v) && v.Text is { Length: > 0 } s ? s : null;
}
