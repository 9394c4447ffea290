namespace Dockerman.CgiIo;

/// <summary>uhttpd ignores a Status line without a reason phrase, so every status gets one.</summary>
internal static class ReasonPhrases
{
    public static string For(int status, string? fromDaemon)
    {
        string? known = status switch
        {
            100 => "Continue",
            101 => "Switching Protocols",
            200 => "OK",
            201 => "Created",
            202 => "Accepted",
            204 => "No Content",
            206 => "Partial Content",
            304 => "Not Modified",
            400 => "Bad Request",
            401 => "Unauthorized",
            403 => "Forbidden",
            404 => "Not Found",
            405 => "Method Not Allowed",
            406 => "Not Acceptable",
            408 => "Request Timeout",
            409 => "Conflict",
            411 => "Length Required",
            413 => "Content Too Large",
            414 => "URI Too Long",
            415 => "Unsupported Media Type",
            422 => "Unprocessable Content",
            429 => "Too Many Requests",
            431 => "Request Header Fields Too Large",
            500 => "Internal Server Error",
            501 => "Not Implemented",
            502 => "Bad Gateway",
            503 => "Service Unavailable",
            504 => "Gateway Timeout",
            507 => "Insufficient Storage",
            _ => null,
        };
        if (known != null)
        {
            return known;
        }

        // An unknown status keeps the daemon's phrase when it is plain printable ASCII.
        if (!string.IsNullOrWhiteSpace(fromDaemon) && fromDaemon.All(c => c is >= ' ' and < (char)0x7f))
        {
            return fromDaemon;
        }

        return "Unknown";
    }
}
