using Dockerman.CgiIo;
using Dockerman.Routing;

namespace Dockerman.Auth;

/// <summary>Where the LuCI session id came from: a cookie needs a CSRF token on writes.</summary>
internal enum CredentialSource { Bearer, Cookie, Form, Query }

/// <summary>
/// Finds the LuCI session id in the order design.md gives: <c>Authorization: Bearer</c>, cookies
/// <c>sysauth_https</c> / <c>sysauth_http</c>, a <c>sessionid</c> form field, and for GET downloads a
/// <c>sessionid</c> query value. LuCI's cookie has path=/cgi-bin/luci/, so a browser does not send it
/// here; the frontend passes the id explicitly.
/// </summary>
internal static class SessionCredentials
{
    public static (string? Id, CredentialSource Source) Find(CgiRequest request, Route route)
    {
        if (Authenticator.Bearer(request.Authorization) is { Length: > 0 } bearer)
        {
            return (bearer, CredentialSource.Bearer);
        }

        if (request.Cookie != null)
        {
            string? https = Cookie(request.Cookie, "sysauth_https");
            string? http = Cookie(request.Cookie, "sysauth_http");
            if ((https ?? http) is { Length: > 0 } fromCookie)
            {
                return (fromCookie, CredentialSource.Cookie);
            }
        }

        if (request.FormValue("sessionid") is { Length: > 0 } form)
        {
            return (form, CredentialSource.Form);
        }

        if (request.Method == "GET" && route.Reply == ReplyKind.Download && request.QueryValue("sessionid") is { Length: > 0 } query)
        {
            return (query, CredentialSource.Query);
        }

        return (null, CredentialSource.Bearer);
    }

    /// <summary>rpcd session ids are 32 lowercase or uppercase hex digits; all zeros is rpcd's
    /// anonymous session, which never grants access here.</summary>
    public static bool IsWellFormed(string id)
    {
        if (id.Length != 32)
        {
            return false;
        }

        bool allZero = true;
        foreach (char c in id)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }

            allZero &= c == '0';
        }

        return !allZero;
    }

    internal static string? Cookie(string header, string name)
    {
        foreach (Range r in header.AsSpan().Split(';'))
        {
            ReadOnlySpan<char> pair = header.AsSpan(r).Trim();
            int eq = pair.IndexOf('=');
            if (eq > 0 && pair[..eq].SequenceEqual(name))
            {
                return pair[(eq + 1)..].Trim('"').ToString();
            }
        }

        return null;
    }
}
