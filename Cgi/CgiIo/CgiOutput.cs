using System.Text;

namespace Dockerman.CgiIo;

/// <summary>
/// The CGI reply on stdout: <c>Status: NNN Reason</c>, headers, a blank line, the body.
/// Small replies leave in one write; streams are flushed per read by the relay.
/// Never sends Connection, Keep-Alive or Transfer-Encoding: the web server owns those.
/// </summary>
internal sealed class CgiOutput(Stream stdout)
{
    // Not zeroed: only bytes written are ever read, and clearing 64 KiB is a tenth of a small request.
    private readonly byte[] _buffer = GC.AllocateUninitializedArray<byte>(Http.Limits.CopyBufferSize);
    private int _count;

    /// <summary>True once the status line is in the buffer: from here on an error can only cut the body.</summary>
    public bool Started { get; private set; }

    public void WriteHead(int status, string? reason, string? contentType, long contentLength,
        IEnumerable<KeyValuePair<string, string>>? extraHeaders = null)
    {
        var sb = new StringBuilder(160);
        sb.Append("Status: ").Append(status).Append(' ').Append(ReasonPhrases.For(status, reason)).Append("\r\n");
        if (contentType != null)
        {
            sb.Append("Content-Type: ").Append(contentType).Append("\r\n");
        }

        if (contentLength >= 0)
        {
            sb.Append("Content-Length: ").Append(contentLength).Append("\r\n");
        }

        if (extraHeaders != null)
        {
            foreach (KeyValuePair<string, string> h in extraHeaders)
            {
                sb.Append(h.Key).Append(": ").Append(h.Value).Append("\r\n");
            }
        }

        sb.Append("\r\n");
        Started = true;
        Write(Encoding.ASCII.GetBytes(sb.ToString()));
    }

    public void Write(ReadOnlySpan<byte> data)
    {
        try
        {
            WriteCore(data);
        }
        catch (IOException e)
        {
            throw new Relay.ClientGoneException(e);
        }
    }

    private void WriteCore(ReadOnlySpan<byte> data)
    {
        if (_count == 0 && data.Length >= _buffer.Length / 2)
        {
            stdout.Write(data); // large reads go straight out: no copy
            return;
        }

        if (_count + data.Length > _buffer.Length)
        {
            Flush();
            if (data.Length >= _buffer.Length / 2)
            {
                stdout.Write(data);
                return;
            }
        }

        data.CopyTo(_buffer.AsSpan(_count));
        _count += data.Length;
    }

    public void Flush()
    {
        try
        {
            if (_count > 0)
            {
                int n = _count;
                _count = 0;
                stdout.Write(_buffer, 0, n);
            }

            stdout.Flush();
        }
        catch (IOException e)
        {
            throw new Relay.ClientGoneException(e);
        }
    }

    /// <summary>Our own error, in the daemon's shape: <c>{"message": …}</c>.</summary>
    public void WriteError(int status, string message, string? allow = null) =>
        WriteJson(status, null, ErrorBody(message), allow == null ? null : [new("Allow", allow)]);

    /// <summary>A whole JSON reply: status, exact Content-Length, body, flushed.</summary>
    public void WriteJson(int status, string? reason, byte[] body, IEnumerable<KeyValuePair<string, string>>? extraHeaders = null)
    {
        WriteHead(status, reason, "application/json", body.Length, extraHeaders);
        Write(body);
        Flush();
    }

    /// <summary><c>{"message": …, "error": …}</c>: Docker's own field, and the one the LuCI pages show.</summary>
    public static byte[] ErrorBody(string message) => Json.Document(w =>
    {
        w.WriteStartObject();
        w.WriteString("message", message);
        w.WriteString("error", message);
        w.WriteEndObject();
    });
}
