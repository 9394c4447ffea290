namespace Dockerman.Http;

/// <summary>
/// A read buffer over the daemon connection: the head parser and the chunk decoder look at
/// <see cref="Available"/>, consume what they used, and ask for more with <see cref="Fill"/>.
/// </summary>
internal sealed class BufferedInput(Stream inner, int size)
{
    private readonly byte[] _buffer = GC.AllocateUninitializedArray<byte>(size); // only filled bytes are read
    private int _start;
    private int _end;

    public ReadOnlySpan<byte> Available => _buffer.AsSpan(_start, _end - _start);

    public void Consume(int count)
    {
        _start += count;
        if (_start == _end)
        {
            _start = _end = 0;
        }
    }

    /// <summary>Reads more bytes after what is buffered; false at end of stream.</summary>
    public bool Fill()
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            throw new InvalidOperationException("read buffer full");
        }

        int n = inner.Read(_buffer, _end, _buffer.Length - _end);
        _end += n;
        return n > 0;
    }

    /// <summary>Copies buffered bytes first; with none buffered, reads straight into the destination.</summary>
    public int Read(Span<byte> destination)
    {
        if (_end > _start)
        {
            int n = Math.Min(destination.Length, _end - _start);
            _buffer.AsSpan(_start, n).CopyTo(destination);
            Consume(n);
            return n;
        }

        return inner.Read(destination);
    }
}
