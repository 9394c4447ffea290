using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace Dockerman.Http;

/// <summary>
/// Parses an HTTP/1.1 status line and header block. Three outcomes: true with the bytes
/// consumed; false when the head is not complete yet (nothing consumed); or an
/// <see cref="HttpParseException"/> when it is malformed.
/// </summary>
internal static class ResponseHeadParser
{
    private static ReadOnlySpan<byte> HeadEnd => "\r\n\r\n"u8;

    private static ReadOnlySpan<byte> Crlf => "\r\n"u8;

    // RFC 9110 token characters for header names.
    private static readonly SearchValues<byte> TokenChars = SearchValues.Create(
        "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"u8);

    public static bool TryParse(ReadOnlySpan<byte> buffer, ResponseHead head, out int consumed)
    {
        consumed = 0;
        int end = buffer.IndexOf(HeadEnd);
        if (end < 0)
        {
            if (buffer.Length >= Limits.MaxResponseHeadBytes)
            {
                ThrowHelper.Throw(HttpParseError.HeadTooLarge);
            }

            return false;
        }

        if (end + HeadEnd.Length > Limits.MaxResponseHeadBytes)
        {
            ThrowHelper.Throw(HttpParseError.HeadTooLarge);
        }

        ReadOnlySpan<byte> block = buffer[..(end + 2)]; // every line ends in CRLF
        int lineEnd = block.IndexOf(Crlf);
        ParseStatusLine(block[..lineEnd], head);
        block = block[(lineEnd + 2)..];

        int count = 0;
        bool sawContentLength = false;
        while (!block.IsEmpty)
        {
            lineEnd = block.IndexOf(Crlf);
            if (++count > Limits.MaxResponseHeaders)
            {
                ThrowHelper.Throw(HttpParseError.TooManyHeaders);
            }

            ParseHeaderLine(block[..lineEnd], head, ref sawContentLength);
            block = block[(lineEnd + 2)..];
        }

        if (head.Chunked)
        {
            head.ContentLength = -1; // RFC 9112 6.3: Transfer-Encoding overrides Content-Length
        }

        consumed = end + HeadEnd.Length;
        return true;
    }

    private static void ParseStatusLine(ReadOnlySpan<byte> line, ResponseHead head)
    {
        // "HTTP/1.1 200 OK"; the reason phrase may be empty, the space before it optional.
        if (line.Length < 12 || !line.StartsWith("HTTP/1."u8) || (line[7] != (byte)'0' && line[7] != (byte)'1') ||
            line[8] != (byte)' ' || !IsDigit(line[9]) || !IsDigit(line[10]) || !IsDigit(line[11]) ||
            (line.Length > 12 && line[12] != (byte)' '))
        {
            ThrowHelper.Throw(HttpParseError.BadStatusLine);
        }

        int code = ((line[9] - '0') * 100) + ((line[10] - '0') * 10) + (line[11] - '0');
        if (code < 100)
        {
            ThrowHelper.Throw(HttpParseError.BadStatusLine);
        }

        ReadOnlySpan<byte> reason = line.Length > 13 ? line[13..] : default;
        if (ContainsControl(reason))
        {
            ThrowHelper.Throw(HttpParseError.BadStatusLine);
        }

        head.StatusCode = code;
        head.ReasonPhrase = Encoding.ASCII.GetString(reason);
    }

    private static bool ContainsControl(ReadOnlySpan<byte> text)
    {
        foreach (byte b in text)
        {
            if ((b < 0x20 && b != (byte)'\t') || b == 0x7f)
            {
                return true;
            }
        }

        return false;
    }

    private static void ParseHeaderLine(ReadOnlySpan<byte> line, ResponseHead head, ref bool sawContentLength)
    {
        int colon = line.IndexOf((byte)':');
        if (colon <= 0 || line[..colon].ContainsAnyExcept(TokenChars))
        {
            // Also refuses obsolete line folding: a continuation line starts with a space.
            ThrowHelper.Throw(HttpParseError.BadHeaderLine);
        }

        ReadOnlySpan<byte> name = line[..colon];
        ReadOnlySpan<byte> value = line[(colon + 1)..].Trim(" \t"u8);
        if (ContainsControl(value))
        {
            ThrowHelper.Throw(HttpParseError.BadHeaderLine);
        }

        if (Ascii.EqualsIgnoreCase(name, "Content-Length"u8))
        {
            if (!Utf8Parser.TryParse(value, out long length, out int used) || used != value.Length || length < 0 ||
                !IsDigit(value[0]) || (sawContentLength && length != head.ContentLength))
            {
                ThrowHelper.Throw(HttpParseError.BadContentLength);
            }

            sawContentLength = true;
            head.ContentLength = length;
        }
        else if (Ascii.EqualsIgnoreCase(name, "Transfer-Encoding"u8))
        {
            // Docker sends "chunked" alone; any other coding would need a decoder we do not have.
            if (!Ascii.EqualsIgnoreCase(value, "chunked"u8))
            {
                ThrowHelper.Throw(HttpParseError.UnsupportedTransferEncoding);
            }

            head.Chunked = true;
        }
        else if (Ascii.EqualsIgnoreCase(name, "Content-Type"u8))
        {
            head.ContentType = Encoding.ASCII.GetString(value);
        }
        else if (Ascii.EqualsIgnoreCase(name, "X-Docker-Container-Path-Stat"u8))
        {
            head.PathStat = Encoding.ASCII.GetString(value);
        }
    }

    private static bool IsDigit(byte b) => b - (uint)'0' <= 9;
}
