using Dockerman.Routing;

namespace Dockerman.Http;

/// <summary>
/// The <c>X-Registry-Auth</c> value: base64 of a small JSON object (username, password or
/// identity token, server). Clients send it in either alphabet: the pages make it with
/// <c>btoa</c> (standard: <c>+</c>, <c>/</c>, <c>=</c> padding), the docker CLI in base64url.
/// The daemon (Docker 20.10) reads it with Go's padded base64url decoder, which gives nothing for
/// the standard alphabet and may drop an unpadded tail: so it is always sent padded base64url.
/// </summary>
internal static class RegistryAuth
{
    /// <summary>A request's value (null when it has none) as the daemon is to get it; a value that
    /// is no base64 of a JSON object is refused.</summary>
    public static string? Checked(string? value) => value == null
        ? null
        : Normalize(value) ?? throw CgiIo.ApiException.BadRequest("X-Registry-Auth: expected base64 (standard or base64url) of a JSON object");

    /// <summary>The value as the daemon decodes it, or null when it is no base64 of a JSON object.</summary>
    public static string? Normalize(string value)
    {
        if (value.Length is 0 or > Limits.MaxRegistryAuthBytes || value.AsSpan().ContainsAnyExcept(
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_+/="))
        {
            return null;
        }

        string unpadded = value.TrimEnd('=');
        if (unpadded.Contains('=', StringComparison.Ordinal) || value.Length - unpadded.Length > 2 ||
            (unpadded.AsSpan().ContainsAny("-_") && unpadded.AsSpan().ContainsAny("+/")))
        {
            return null; // '=' inside, too much padding, or two alphabets mixed
        }

        string b64 = unpadded.Replace('-', '+').Replace('_', '/');
        if (b64.Length % 4 == 1)
        {
            return null;
        }

        b64 = b64.PadRight(b64.Length + ((4 - (b64.Length % 4)) % 4), '=');
        byte[] json;
        try
        {
            json = Convert.FromBase64String(b64);
        }
        catch (FormatException)
        {
            return null;
        }

        return JsonCheck.IsWellFormed(json, requireObject: true, out _)
            ? b64.Replace('+', '-').Replace('/', '_')
            : null;
    }
}
