using System.Runtime.InteropServices;

namespace Dockerman.Native;

/// <summary>
/// stdin, stdout or stderr as a plain stream over read(2) and write(2). Unlike
/// Console.OpenStandardOutput it reports EPIPE (the client went away) instead of swallowing it,
/// and unlike FileStream it never uses pread/pwrite at a private offset, which on a regular file
/// (a shell redirect) would overwrite what others appended.
/// </summary>
internal sealed unsafe partial class FdStream(int fd, bool writable) : Stream
{
    private const int EINTR = 4;

    public override bool CanRead => !writable;

    public override bool CanWrite => writable;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        fixed (byte* p = buffer)
        {
            while (true)
            {
                nint n = read(fd, p, (nint)buffer.Length);
                if (n >= 0)
                {
                    return (int)n;
                }

                int errno = Marshal.GetLastPInvokeError();
                if (errno != EINTR)
                {
                    throw new IOException($"read from fd {fd}: errno {errno}", errno);
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
                if (n >= 0)
                {
                    p += n;
                    left -= n;
                    continue;
                }

                int errno = Marshal.GetLastPInvokeError();
                if (errno != EINTR)
                {
                    throw new IOException($"write to fd {fd}: errno {errno}", errno);
                }
            }
        }
    }

    public override void Flush()
    {
    }

    /// <summary>
    /// Asks for a pipe of at least <paramref name="bytes"/> (F_SETPIPE_SZ), so that the web server on
    /// the other side can write (or read) a long stream in fewer, larger steps. A pipe that is already
    /// as large is left alone. Nothing happens when the fd is not a pipe or the kernel refuses (a
    /// pipe size limit): the stream works as before either way.
    /// </summary>
    public void TryGrowPipe(int bytes)
    {
        int size = fcntl(fd, FGetPipeSize, 0);
        if (size > 0 && size < bytes)
        {
            fcntl(fd, FSetPipeSize, bytes);
        }
    }

    private const int FSetPipeSize = 1031;
    private const int FGetPipeSize = 1032;

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint read(int fd, byte* buffer, nint count);

    // fcntl is variadic. On x86-64 and AArch64 Linux a variadic integer goes in the same register
    // as a fixed one; the C libraries read it as a long (musl) or an int (glibc), so it is passed
    // as a full register. glibc looks at %al (vector registers used) only to spill them.
    [LibraryImport("libc")]
    private static partial int fcntl(int fd, int command, nint argument);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint write(int fd, byte* buffer, nint count);
}
