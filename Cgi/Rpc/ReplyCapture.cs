namespace Dockerman.Rpc;

/// <summary>
/// The CGI reply of one rpcd call, held in memory up to a bound. A write past the bound keeps what
/// fits and fails as a closed stdout would: the request core stops there, as for a client that went
/// away, and closes the daemon connection.
/// </summary>
internal sealed class ReplyCapture(int limit) : Stream
{
    private readonly MemoryStream _bytes = new();

    public bool Overflowed { get; private set; }

    public ReadOnlySpan<byte> Bytes => _bytes.GetBuffer().AsSpan(0, (int)_bytes.Length);

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        int room = limit - (int)_bytes.Length;
        if (buffer.Length > room)
        {
            _bytes.Write(buffer[..room]);
            Overflowed = true;
            throw new IOException($"the reply is larger than {limit} bytes");
        }

        _bytes.Write(buffer);
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Flush()
    {
    }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => _bytes.Length;

    public override long Position { get => _bytes.Length; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _bytes.Dispose();
        }

        base.Dispose(disposing);
    }
}
