using System.Text;
using Dockerman.Http;

namespace Dockerman.CgiIo;

/// <summary>The headers of one multipart/form-data part.</summary>
internal sealed record PartInfo(string Name, string? FileName);

/// <summary>
/// Reads a multipart/form-data body as it arrives, one part after another, through one bounded
/// buffer: a part's content is handed out up to the next delimiter, keeping back only what could
/// be the start of a delimiter split across reads. A body that ends before its closing delimiter,
/// a malformed part head, or too many or too large parts throw <see cref="ApiException"/> (400/413).
/// </summary>
internal sealed class MultipartReader
{
    private readonly Stream _input;
    private readonly byte[] _delimiter; // "\r\n--" + boundary
    private readonly byte[] _buffer = new byte[Limits.CopyBufferSize];
    private int _start;
    private int _end;
    private bool _eof;
    private bool _inPart;
    private bool _done;
    private int _parts;

    public MultipartReader(Stream input, string boundary)
    {
        _input = input;
        _delimiter = Encoding.ASCII.GetBytes("\r\n--" + boundary);
    }

    /// <summary>The boundary parameter of a multipart/form-data Content-Type (RFC 2046: 1–70
    /// characters), or a 400 naming what is wrong.</summary>
    public static string Boundary(string contentType)
    {
        string? boundary = null;
        foreach (string raw in contentType.Split(';').Skip(1))
        {
            string p = raw.Trim();
            if (!p.StartsWith("boundary=", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (boundary != null)
            {
                throw ApiException.BadRequest("multipart: boundary given more than once");
            }

            boundary = p["boundary=".Length..].Trim('"');
        }

        if (string.IsNullOrEmpty(boundary))
        {
            throw ApiException.BadRequest("multipart: CONTENT_TYPE has no boundary");
        }

        if (boundary.Length > 70 || boundary.Any(c => c < ' ' || c > '~'))
        {
            throw ApiException.BadRequest("multipart: boundary is not 1 to 70 printable characters");
        }

        return boundary;
    }

    /// <summary>The next part's head, or null after the closing delimiter.</summary>
    public PartInfo? NextPart()
    {
        if (_done)
        {
            return null;
        }

        if (_inPart)
        {
            // Skip what the caller did not read of the previous part.
            Span<byte> skip = stackalloc byte[512];
            while (ReadContent(skip) > 0)
            {
            }
        }

        if (_parts == 0)
        {
            SkipPreamble();
        }

        // After a delimiter: "--" ends the body, CRLF starts a part (transport padding allowed).
        EnsureAtLeast(2);
        if (_buffer[_start] == (byte)'-' && _buffer[_start + 1] == (byte)'-')
        {
            _done = true;
            return null;
        }

        while (Available.Length > 0 && Available[0] is (byte)' ' or (byte)'\t')
        {
            _start++;
            EnsureAtLeast(2);
        }

        EnsureAtLeast(2);
        if (_buffer[_start] != (byte)'\r' || _buffer[_start + 1] != (byte)'\n')
        {
            throw ApiException.BadRequest("multipart: malformed delimiter line");
        }

        _start += 2;
        if (++_parts > Limits.MaxMultipartParts)
        {
            throw ApiException.BadRequest($"multipart: more than {Limits.MaxMultipartParts} parts");
        }

        PartInfo info = ReadHead();
        _inPart = true;
        return info;
    }

    /// <summary>Content of the current part; 0 at its end.</summary>
    public int ReadContent(Span<byte> destination)
    {
        if (!_inPart || destination.IsEmpty)
        {
            return 0;
        }

        while (true)
        {
            ReadOnlySpan<byte> available = Available;
            int at = available.IndexOf(_delimiter);
            if (at == 0)
            {
                _start += _delimiter.Length;
                _inPart = false;
                return 0;
            }

            // Everything before a delimiter, or before what might be one cut off by the read.
            int safe = at > 0 ? at : Math.Max(0, available.Length - (_delimiter.Length - 1));
            if (safe > 0)
            {
                int n = Math.Min(safe, destination.Length);
                available[..n].CopyTo(destination);
                _start += n;
                return n;
            }

            if (!Fill())
            {
                throw ApiException.BadRequest("multipart: the body ended before its closing boundary");
            }
        }
    }

    /// <summary>A small field's whole value, at most <see cref="Limits.MaxFormBytes"/>.</summary>
    public string ReadFieldValue(string name)
    {
        var value = new MemoryStream();
        Span<byte> chunk = stackalloc byte[1024];
        int n;
        while ((n = ReadContent(chunk)) > 0)
        {
            if (value.Length + n > Limits.MaxFormBytes)
            {
                throw new ApiException(413, $"multipart: field '{name}' larger than {Limits.MaxFormBytes} bytes");
            }

            value.Write(chunk[..n]);
        }

        try
        {
            return new UTF8Encoding(false, true).GetString(value.GetBuffer(), 0, (int)value.Length);
        }
        catch (DecoderFallbackException)
        {
            throw ApiException.BadRequest($"multipart: field '{name}' is not UTF-8");
        }
    }

    private ReadOnlySpan<byte> Available => _buffer.AsSpan(_start, _end - _start);

    private void SkipPreamble()
    {
        // The first delimiter may come without the CRLF before it: look for "--boundary".
        ReadOnlySpan<byte> first = _delimiter.AsSpan(2);
        while (true)
        {
            int at = Available.IndexOf(first);
            if (at >= 0)
            {
                _start += at + first.Length;
                return;
            }

            _start = Math.Max(_start, _end - first.Length);
            if (!Fill())
            {
                throw ApiException.BadRequest("multipart: no boundary line in the body");
            }
        }
    }

    private PartInfo ReadHead()
    {
        string? name = null;
        string? fileName = null;
        while (true)
        {
            int lf;
            while ((lf = Available.IndexOf("\r\n"u8)) < 0)
            {
                if (Available.Length >= Limits.MaxMultipartHeadBytes || !Fill())
                {
                    throw ApiException.BadRequest("multipart: part head too long or cut off");
                }
            }

            ReadOnlySpan<byte> line = Available[..lf];
            _start += lf + 2;
            if (line.IsEmpty)
            {
                break;
            }

            string text = Encoding.ASCII.GetString(line);
            int colon = text.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                throw ApiException.BadRequest("multipart: malformed part header");
            }

            if (text[..colon].Trim().Equals("Content-Disposition", StringComparison.OrdinalIgnoreCase))
            {
                name = Parameter(text[(colon + 1)..], "name");
                fileName = Parameter(text[(colon + 1)..], "filename");
            }
        }

        if (string.IsNullOrEmpty(name))
        {
            throw ApiException.BadRequest("multipart: a part without a Content-Disposition name");
        }

        return new PartInfo(name, fileName);
    }

    private static string? Parameter(string disposition, string key)
    {
        foreach (string raw in disposition.Split(';'))
        {
            string p = raw.Trim();
            int eq = p.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0 && p[..eq].Trim().Equals(key, StringComparison.OrdinalIgnoreCase))
            {
                return p[(eq + 1)..].Trim().Trim('"');
            }
        }

        return null;
    }

    private void EnsureAtLeast(int count)
    {
        while (_end - _start < count)
        {
            if (!Fill())
            {
                throw ApiException.BadRequest("multipart: the body ended before its closing boundary");
            }
        }
    }

    private bool Fill()
    {
        if (_eof)
        {
            return false;
        }

        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        int n;
        try
        {
            n = _input.Read(_buffer, _end, _buffer.Length - _end);
        }
        catch (IOException e)
        {
            throw new Relay.ClientGoneException(e);
        }

        if (n == 0)
        {
            _eof = true;
            return false;
        }

        _end += n;
        return true;
    }
}
