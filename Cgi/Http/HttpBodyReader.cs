using System.Buffers;

namespace Dockerman.Http;

/// <summary>Reads one reply body: by Content-Length, de-chunked, or to the close of the connection.</summary>
internal sealed class HttpBodyReader
{
    private readonly BufferedInput _input;
    private readonly bool _chunked;
    private readonly bool _toClose;
    private long _remaining;
    private ChunkedDecoder _decoder;
    private bool _done;

    public HttpBodyReader(BufferedInput input, ResponseHead head, bool noBody)
    {
        _input = input;
        if (noBody || head.StatusCode is 204 or 304 || head.StatusCode < 200)
        {
            _done = true;
        }
        else if (head.Chunked)
        {
            _chunked = true;
        }
        else if (head.ContentLength >= 0)
        {
            _remaining = head.ContentLength;
            _done = _remaining == 0;
        }
        else
        {
            _toClose = true; // Docker hijacks the connection for exec/attach: read until it closes
        }
    }

    /// <summary>True when body bytes already read from the connection wait in the buffer: a wait
    /// on the socket would not see them.</summary>
    public bool HasBufferedBytes => !_done && !_input.Available.IsEmpty;

    /// <summary>True when a chunk has begun and not ended (or a partial size line waits in the
    /// buffer): a daemon silent now has stopped in the middle of what it was sending.</summary>
    public bool InsideChunk => _chunked && !_done && (!_decoder.AtChunkBoundary || !_input.Available.IsEmpty);

    /// <summary>
    /// Reads the body into <paramref name="destination"/> from <paramref name="count"/> on, until it is
    /// full or the body ends, or until <paramref name="mayWait"/> (asked before each read that would
    /// wait on the connection) says no. <paramref name="count"/> holds what arrived even when a read throws.
    /// </summary>
    public void ReadUpTo(Span<byte> destination, ref int count, Func<bool>? mayWait = null)
    {
        int n;
        while (count < destination.Length && (HasBufferedBytes || mayWait == null || mayWait()) &&
               (n = Read(destination[count..])) > 0)
        {
            count += n;
        }
    }

    /// <summary>Bytes of body into <paramref name="destination"/>; 0 at the end of the body.
    /// Throws <see cref="HttpParseException"/> when the connection ends too early.</summary>
    public int Read(Span<byte> destination)
    {
        if (_done || destination.IsEmpty)
        {
            return 0;
        }

        if (_toClose)
        {
            int n = _input.Read(destination);
            _done = n == 0;
            return n;
        }

        if (!_chunked)
        {
            int n = _input.Read(destination[..(int)Math.Min(destination.Length, _remaining)]);
            if (n == 0)
            {
                ThrowHelper.Throw(HttpParseError.UnexpectedEndOfStream);
            }

            _remaining -= n;
            _done = _remaining == 0;
            return n;
        }

        while (true)
        {
            OperationStatus status = _decoder.Decode(_input.Available, destination, out int consumed, out int written);
            _input.Consume(consumed);
            if (status == OperationStatus.Done)
            {
                _done = true;
                return written;
            }

            if (written > 0)
            {
                return written;
            }

            if (!_input.Fill())
            {
                ThrowHelper.Throw(HttpParseError.UnexpectedEndOfStream);
            }
        }
    }
}
