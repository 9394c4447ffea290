using System.Globalization;
using System.Text;

namespace Dockerman.StandIns.Uhttpd;

/// <summary>Lines, fixed lengths and chunked bodies from a stream, through one buffer; every read bounded.</summary>
internal sealed class BufferedReader(Stream stream)
{
    private readonly byte[] _buffer = new byte[8192];
    private int _start;
    private int _end;

    /// <summary>A line without its CRLF; null at the end of the stream or past <paramref name="max"/> bytes.</summary>
    public async Task<string?> LineAsync(int max, CancellationToken cancel)
    {
        var line = new List<byte>();
        while (true)
        {
            if (_start == _end && !await FillAsync(cancel))
            {
                return null;
            }

            byte b = _buffer[_start++];
            if (b == '\n')
            {
                if (line.Count > 0 && line[^1] == '\r')
                {
                    line.RemoveAt(line.Count - 1);
                }

                return Encoding.Latin1.GetString([.. line]);
            }

            if (line.Count >= max)
            {
                return null;
            }

            line.Add(b);
        }
    }

    /// <summary>Exactly <paramref name="count"/> bytes, or null when the stream ends first.</summary>
    public async Task<byte[]?> ExactlyAsync(int count, CancellationToken cancel)
    {
        byte[] result = new byte[count];
        int filled = 0;
        while (filled < count)
        {
            if (_start == _end && !await FillAsync(cancel))
            {
                return null;
            }

            int n = Math.Min(count - filled, _end - _start);
            _buffer.AsSpan(_start, n).CopyTo(result.AsSpan(filled));
            _start += n;
            filled += n;
        }

        return result;
    }

    /// <summary>A chunked body de-chunked (trailers skipped); null when malformed or over <paramref name="max"/>.</summary>
    public async Task<byte[]?> ChunkedAsync(int max, CancellationToken cancel)
    {
        var body = new List<byte>();
        while (true)
        {
            string? sizeLine = await LineAsync(64, cancel);
            string hex = sizeLine?.Split(';')[0].Trim() ?? "";
            if (!int.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int size) || size < 0 ||
                body.Count + size > max)
            {
                return null;
            }

            if (size == 0)
            {
                while (await LineAsync(1024, cancel) is string trailer && trailer.Length > 0)
                {
                }

                return [.. body];
            }

            byte[]? chunk = await ExactlyAsync(size, cancel);
            if (chunk == null || await LineAsync(2, cancel) != "")
            {
                return null;
            }

            body.AddRange(chunk);
        }
    }

    private async Task<bool> FillAsync(CancellationToken cancel)
    {
        _start = 0;
        _end = await stream.ReadAsync(_buffer, cancel);
        return _end > 0;
    }
}
