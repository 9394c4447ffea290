using System.Text;
using System.Text.Json;
using Dockerman.CgiIo;
using Dockerman.Http;

namespace Dockerman.Routing;

/// <summary>
/// Keeps the query parameters a route lists, checks each value by its type, and encodes them
/// for the daemon. Parameters of dockerman's own (token, sessionid, format, …) and any the route
/// does not list never reach the daemon.
/// </summary>
internal static class QueryParameters
{
    /// <summary>The encoded query for the daemon, without '?', or "" for none.</summary>
    public static string Build(Route route, List<KeyValuePair<string, string>> query)
    {
        var sb = new StringBuilder();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach ((string name, string value) in query)
        {
            string? type = TypeOf(route.Params, name, out bool repeatable);
            if (type == null)
            {
                continue;
            }

            if (!seen.Add(name) && !repeatable)
            {
                throw ApiException.BadRequest($"query parameter '{name}' given more than once");
            }

            if (!IsValid(type, value))
            {
                throw ApiException.BadRequest($"query parameter '{name}': {Describe(type)}");
            }

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

    /// <summary>The type of <paramref name="name"/> in a route's "name:type" words, or null.</summary>
    internal static string? TypeOf(string spec, string name, out bool repeatable)
    {
        repeatable = false;
        foreach (Range r in spec.AsSpan().Split(' '))
        {
            ReadOnlySpan<char> word = spec.AsSpan(r);
            int colon = word.IndexOf(':');
            if (colon > 0 && word[..colon].SequenceEqual(name))
            {
                ReadOnlySpan<char> type = word[(colon + 1)..];
                repeatable = type.EndsWith("*");
                return type.TrimEnd('*').ToString();
            }
        }

        return null;
    }

    internal static bool IsValid(string type, string value) => type switch
    {
        "bool" => value is "1" or "0" || value.Equals("true", StringComparison.OrdinalIgnoreCase) ||
                  value.Equals("false", StringComparison.OrdinalIgnoreCase),
        // The digits checked first: long.TryParse also takes trailing NULs ("0\0").
        "int" => value.AsSpan(value.StartsWith('-') || value.StartsWith('+') ? 1 : 0) is { Length: > 0 } digits &&
                 digits.ContainsOnlyDigits() && long.TryParse(value, System.Globalization.NumberStyles.AllowLeadingSign,
                     System.Globalization.CultureInfo.InvariantCulture, out _),
        "uint" => value.Length is > 0 and <= 19 && value.AsSpan().ContainsOnlyDigits(),
        "tail" => value == "all" || (value.Length is > 0 and <= 19 && value.AsSpan().ContainsOnlyDigits()),
        "time" => value.Length is > 0 and <= 64 && !value.AsSpan().ContainsAnyExcept("0123456789.:+-TZtz"),
        "signal" => IsSignal(value),
        "name" => value.Length == 0 || Identifiers.IsName(value.TrimStart('/')),
        "image" => Identifiers.IsImageReference(value),
        "json" => IsJson(value),
        "filters" => IsFilters(value),
        "path" => value.Length is > 0 and <= 4096 && !HasControl(value),
        ['=', ..] => IsOneOf(type, value),
        "url" => IsRemoteUrl(value),
        _ => value.Length <= 1024 && !HasControl(value), // text
    };

    /// <summary>A build context the daemon fetches itself: an http(s) tarball or Dockerfile, or a git
    /// repository. The host is letters, digits, '.', '-' or a bracketed IPv6 address; no user info.</summary>
    private static bool IsRemoteUrl(string value)
    {
        if (value.Length > 2048 || HasControl(value) || value.Contains(' ', StringComparison.Ordinal))
        {
            return false;
        }

        int scheme = value.StartsWith("http://", StringComparison.Ordinal) ? 7
            : value.StartsWith("https://", StringComparison.Ordinal) ? 8
            : value.StartsWith("git://", StringComparison.Ordinal) ? 6
            : -1;
        if (scheme < 0)
        {
            return false;
        }

        ReadOnlySpan<char> rest = value.AsSpan(scheme);
        int end = rest.IndexOfAny("/?#");
        ReadOnlySpan<char> authority = end < 0 ? rest : rest[..end];
        ReadOnlySpan<char> host = authority.StartsWith("[") ? authority[..(authority.IndexOf(']') + 1)]
            : authority.IndexOf(':') is int colon and >= 0 ? authority[..colon] : authority;
        ReadOnlySpan<char> port = authority[host.Length..];
        return host.Length > 0 && !authority.Contains('@') &&
               (host[0] == '[' ? host.Length > 2 && host[^1] == ']' && !host[1..^1].ContainsAnyExcept("0123456789abcdefABCDEF:.")
                   : !host.ContainsAnyExcept("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-")) &&
               (port.IsEmpty || (port[0] == ':' && port.Length is > 1 and <= 6 && port[1..].ContainsOnlyDigits()));
    }

    private static string Describe(string type) => type switch
    {
        "bool" => "expected true, false, 1 or 0",
        "int" => "expected a whole number",
        "uint" => "expected a non-negative whole number",
        "tail" => "expected 'all' or a number of lines",
        "time" => "expected a UNIX timestamp or RFC 3339 time",
        "signal" => "expected a signal name (SIGTERM, KILL) or number",
        "name" => "expected a name of letters, digits, '_', '.' and '-'",
        "image" => "expected an image reference",
        "json" => "expected JSON",
        "filters" => "expected a JSON object like {\"label\":[\"a=b\"]}",
        "path" => "expected a path without control characters",
        ['=', .. string choices] => "expected " + choices.Replace("|", " or ", StringComparison.Ordinal),
        "url" => "expected an http://, https:// or git:// URL",
        _ => "expected at most 1024 characters without control characters",
    };

    /// <summary>A type <c>=a|b</c>: exactly one of the values listed.</summary>
    private static bool IsOneOf(string type, string value)
    {
        foreach (Range r in type.AsSpan(1).Split('|'))
        {
            if (type.AsSpan(1)[r].SequenceEqual(value))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsSignal(string value)
    {
        if (value.Length is 0 or > 16)
        {
            return false;
        }

        if (value.AsSpan().ContainsOnlyDigits())
        {
            return int.TryParse(value, out int n) && n is >= 1 and <= 64;
        }

        ReadOnlySpan<char> name = value.StartsWith("SIG", StringComparison.Ordinal) ? value.AsSpan(3) : value;
        return name.Length > 0 && char.IsAsciiLetterUpper(name[0]) && !name.ContainsAnyExcept("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-");
    }

    private static bool HasControl(string value)
    {
        foreach (char c in value)
        {
            if (c < ' ' || c == (char)0x7f)
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsJson(string value)
    {
        if (value.Length > Limits.MaxQueryBytes)
        {
            return false;
        }

        return JsonCheck.IsWellFormed(Encoding.UTF8.GetBytes(value), requireObject: false, out _);
    }

    /// <summary>
    /// The two shapes Docker's filters.FromJSON takes: <c>{"name": ["value", …], …}</c>, or the older
    /// <c>{"name": {"value": true}, …}</c>, one shape for all names. Docker 20.10 answers anything
    /// else, even well-formed JSON like <c>[1]</c>, with a 500.
    /// </summary>
    private static bool IsFilters(string value)
    {
        if (value.Length > Limits.MaxQueryBytes)
        {
            return false;
        }

        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(value));
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            JsonTokenType shape = JsonTokenType.None;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (!reader.Read() || reader.TokenType is not (JsonTokenType.StartArray or JsonTokenType.StartObject) ||
                    (shape != JsonTokenType.None && reader.TokenType != shape))
                {
                    return false;
                }

                shape = reader.TokenType;
                if (shape == JsonTokenType.StartArray)
                {
                    while (reader.Read() && reader.TokenType == JsonTokenType.String)
                    {
                    }
                }
                else
                {
                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        if (!reader.Read() || reader.TokenType is not (JsonTokenType.True or JsonTokenType.False))
                        {
                            return false;
                        }
                    }
                }

                if (reader.TokenType is not (JsonTokenType.EndArray or JsonTokenType.EndObject))
                {
                    return false;
                }
            }

            // The root object has ended: anything after it is malformed (the reader throws).
            return reader.TokenType == JsonTokenType.EndObject && !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
