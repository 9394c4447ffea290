using System.Runtime.InteropServices;

namespace Dockerman.Native;

/// <summary>
/// A standard descriptor (0, 1 or 2) as an unbuffered stream: read(2) and write(2) and nothing
/// else. System.Console would, on every run, duplicate the descriptors, probe them for a terminal
/// and start a signal-handling thread; a CGI program needs none of that. Writes go through the
/// descriptor's own file offset, so stdout and stderr sent to one file do not overwrite each other.
/// A failed write (EPIPE: the client went away) is an <see cref="IOException"/>, as with Console.
/// </summary>
internal sealed unsafe partial class FdStream(int fd, bool canRead) : Stream
{
    private const int EIntr = 4;

    public override bool CanRead => canRead;

    public override bool CanWrite => !canRead;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        fixed (byte* p = buffer)
        {
            while (true)
            {
                nint n = read(fd, p, buffer.Length);
                if (n >= 0)
                {
                    return (int)n;
                }

                int errno = Marshal.GetLastPInvokeError();
                if (errno != EIntr)
                {
                    throw new IOException($"read from descriptor {fd} failed (errno {errno})", errno);
                }
            }
        }
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        fixed (byte* start = buffer)
        {
            byte* p = start;
            nint left = buffer.Length;
            while (left > 0)
            {
                nint n = write(fd, p, left);
                if (n < 0)
                {
                    int errno = Marshal.GetLastPInvokeError();
                    if (errno == EIntr)
                    {
                        continue;
                    }

                    throw new IOException($"write to descriptor {fd} failed (errno {errno})", errno);
                }

                p += n;
                left -= n;
            }
        }
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint read(int fd, byte* buffer, nint count);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint write(int fd, byte* buffer, nint count);
}
