using System.Buffers.Text;
using Dockerman.Hosting;
using Dockerman.Http;

namespace Dockerman.CgiIo;

/// <summary>One request as the web server describes it in the CGI environment.</summary>
internal sealed class CgiRequest
{
    public required string Method { get; init; }

    /// <summary>PATH_INFO, already percent-decoded by the server.</summary>
    public required string PathInfo { get; init; }

    public required List<KeyValuePair<string, string>> Query { get; init; }

    public string? ContentType { get; init; }

    /// <summary>-1 when the server gave none: the body is read to end of input.</summary>
    public long ContentLength { get; init; } = -1;

    public string? Authorization { get; init; }

    public string? Cookie { get; init; }

    /// <summary>True when a web server runs us (GATEWAY_INTERFACE is set): credentials are required.</summary>
    public bool UnderWebServer { get; init; }

    /// <summary>Fields of an application/x-www-form-urlencoded body, when the route takes no other body.</summary>
    public List<KeyValuePair<string, string>> Form { get; set; } = [];

    public string? FormValue(string name) => Find(Form, name);

    public string? QueryValue(string name) => Find(Query, name);

    /// <summary>A value from the query string, else from the form body: for the few fields a client
    /// may send either way (a session id, the CSRF token, ttyd's options, X-Registry-Auth).</summary>
    public string? Value(string name) => QueryValue(name) ?? FormValue(name);

    private static string? Find(List<KeyValuePair<string, string>> pairs, string name)
    {
        foreach (KeyValuePair<string, string> pair in pairs)
        {
            if (pair.Key == name)
            {
                return pair.Value;
            }
        }

        return null;
    }

    public static CgiRequest FromEnvironment(ProcessEnv env)
    {
        string method = env.GetVariable("REQUEST_METHOD") is { Length: > 0 } m ? m : "GET";
        string path = env.GetVariable("PATH_INFO") ?? "";
        string query = env.GetVariable("QUERY_STRING") ?? "";
        if (path.Length > Limits.MaxPathBytes)
        {
            throw new ApiException(414, "path too long");
        }

        if (query.Length > Limits.MaxQueryBytes)
        {
            throw new ApiException(414, "query string too long");
        }

        return new CgiRequest
        {
            Method = method,
            PathInfo = path,
            Query = UrlEncoding.ParseQuery(query, "query"),
            ContentType = Header(env, "CONTENT_TYPE"),
            ContentLength = ParseContentLength(env.GetVariable("CONTENT_LENGTH")),
            Authorization = Header(env, "HTTP_AUTHORIZATION"),
            Cookie = Header(env, "HTTP_COOKIE"),
            UnderWebServer = !string.IsNullOrEmpty(env.GetVariable("GATEWAY_INTERFACE")),
        };
    }

    private static long ParseContentLength(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return -1;
        }

        Span<byte> digits = stackalloc byte[20];
        if (value.Length > digits.Length || !System.Text.Ascii.IsValid(value) || !char.IsAsciiDigit(value[0]))
        {
            throw ApiException.BadRequest("CONTENT_LENGTH: not a byte count");
        }

        System.Text.Encoding.ASCII.GetBytes(value, digits);
        if (!Utf8Parser.TryParse(digits[..value.Length], out long length, out int used) || used != value.Length)
        {
            throw ApiException.BadRequest("CONTENT_LENGTH: not a byte count");
        }

        return length;
    }

    /// <summary>A header the server passed: bounded, printable, never with CR, LF or NUL (it may end
    /// up in a header of our own request to the daemon).</summary>
    private static string? Header(ProcessEnv env, string name)
    {
        string? value = env.GetVariable(name);
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        if (value.Length > Limits.MaxHeaderValueBytes)
        {
            throw new ApiException(431, $"{name} longer than {Limits.MaxHeaderValueBytes} bytes");
        }

        foreach (char c in value)
        {
            if ((c < ' ' && c != '\t') || c == (char)0x7f)
            {
                throw ApiException.BadRequest($"{name} contains control characters");
            }
        }

        return value;
    }
}
