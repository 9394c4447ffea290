using System.Diagnostics.CodeAnalysis;

namespace Dockerman.Http;

/// <summary>Why a reply from the daemon could not be read.</summary>
internal enum HttpParseError
{
    BadStatusLine,
    BadHeaderLine,
    HeadTooLarge,
    TooManyHeaders,
    BadContentLength,
    UnsupportedTransferEncoding,
    BadChunkSize,
    ChunkSizeLineTooLong,
    BadChunkTerminator,
    TrailerTooLarge,
    UnexpectedEndOfStream,
}

/// <summary>The one exception the HTTP reader throws for malformed input.</summary>
internal sealed class HttpParseException(HttpParseError reason) : Exception(Describe(reason))
{
    public HttpParseError Reason { get; } = reason;

    private static string Describe(HttpParseError reason) => reason switch
    {
        HttpParseError.BadStatusLine => "malformed status line",
        HttpParseError.BadHeaderLine => "malformed header line",
        HttpParseError.HeadTooLarge => "response head too large",
        HttpParseError.TooManyHeaders => "too many response headers",
        HttpParseError.BadContentLength => "malformed Content-Length",
        HttpParseError.UnsupportedTransferEncoding => "unsupported Transfer-Encoding",
        HttpParseError.BadChunkSize => "malformed chunk size",
        HttpParseError.ChunkSizeLineTooLong => "chunk size line too long",
        HttpParseError.BadChunkTerminator => "chunk not followed by CRLF",
        HttpParseError.TrailerTooLarge => "chunked trailer too large",
        HttpParseError.UnexpectedEndOfStream => "connection closed in the middle of the reply",
        _ => "malformed reply",
    };
}

internal static class ThrowHelper
{
    [DoesNotReturn]
    public static void Throw(HttpParseError reason) => throw new HttpParseException(reason);
}
