namespace Dockerman.CgiIo;

/// <summary>stdin as exactly CONTENT_LENGTH bytes: ends there, and an earlier end is an error.</summary>
internal sealed class LengthLimitedStream(Stream inner, long length) : Stream
{
    private long _read;

    private long Left => length - _read;

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (Left == 0 || buffer.IsEmpty)
        {
            return 0;
        }

        int n = inner.Read(buffer[..(int)Math.Min(buffer.Length, Left)]);
        if (n == 0)
        {
            throw ApiException.BadRequest($"request body ended after {_read} of {length} bytes; the upload was aborted");
        }

        _read += n;
        return n;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => length;

    public override long Position { get => _read; set => throw new NotSupportedException(); }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
