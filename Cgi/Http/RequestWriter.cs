using System.Buffers.Text;
using System.Text;

namespace Dockerman.Http;

/// <summary>Writes the one HTTP/1.1 request a process makes to the daemon.</summary>
internal static class RequestWriter
{
    /// <summary>Content length marker for a chunked request body.</summary>
    public const long Chunked = -2;

    /// <summary>Content length marker for a request without a body.</summary>
    public const long NoBody = -1;

    /// <summary>The request line and headers. <paramref name="target"/> is already percent-encoded;
    /// header values were checked for CR, LF and NUL by whoever accepted them.</summary>
    public static byte[] Head(string method, string target, string host, string? contentType, long contentLength,
        string? registryAuth)
    {
        var sb = new StringBuilder(256);
        sb.Append(method).Append(' ').Append(target).Append(" HTTP/1.1\r\n");
        sb.Append("Host: ").Append(host).Append("\r\n");
        sb.Append("User-Agent: dockerman/").Append(BuildInfo.Version).Append("\r\n");
        sb.Append("Connection: close\r\n");
        if (contentType != null)
        {
            sb.Append("Content-Type: ").Append(contentType).Append("\r\n");
        }

        if (contentLength >= 0)
        {
            sb.Append("Content-Length: ").Append(contentLength).Append("\r\n");
        }
        else if (contentLength == Chunked)
        {
            sb.Append("Transfer-Encoding: chunked\r\n");
        }

        if (registryAuth != null)
        {
            sb.Append("X-Registry-Auth: ").Append(registryAuth).Append("\r\n");
        }

        sb.Append("\r\n");
        return Encoding.ASCII.GetBytes(sb.ToString());
    }

    /// <summary>Room reserved before a chunk's data for its size line ("7fffffff\r\n").</summary>
    public const int ChunkPrefixRoom = 10;

    /// <summary>
    /// Frames the <paramref name="length"/> bytes at <c>buffer[ChunkPrefixRoom..]</c> as one chunk
    /// in place and returns the slice to send: the size line is written just before the data and
    /// CRLF just after, so a chunk goes out in one write. The buffer needs 2 bytes after the data.
    /// </summary>
    public static ReadOnlySpan<byte> FrameChunk(Span<byte> buffer, int length)
    {
        Span<byte> hex = stackalloc byte[8];
        Utf8Formatter.TryFormat(length, hex, out int digits, new System.Buffers.StandardFormat('x'));
        int start = ChunkPrefixRoom - digits - 2;
        hex[..digits].CopyTo(buffer[start..]);
        buffer[ChunkPrefixRoom - 2] = (byte)'\r';
        buffer[ChunkPrefixRoom - 1] = (byte)'\n';
        buffer[ChunkPrefixRoom + length] = (byte)'\r';
        buffer[ChunkPrefixRoom + length + 1] = (byte)'\n';
        return buffer[start..(ChunkPrefixRoom + length + 2)];
    }

    public static ReadOnlySpan<byte> LastChunk => "0\r\n\r\n"u8;
}
