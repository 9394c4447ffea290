using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

namespace Dockerman.Native;

/// <summary>
/// A connected, blocking stream socket (Unix or TCP) over socket(2), connect(2), recv(2), send(2)
/// and poll(2). System.Net.Sockets does the same at a price a process that lives for one request
/// pays at every start: its first socket probes the address families with three throw-away sockets,
/// and starts an epoll thread (the main thread spins until that thread runs), whether or not
/// anything is ever asynchronous. Failures are <see cref="SocketException"/>s as there; a read or
/// write that runs into its timeout fails with <see cref="SocketError.TimedOut"/>.
/// </summary>
internal sealed unsafe partial class StreamSocket : IDisposable
{
    private const int AfUnix = 1;
    private const int AfInet = 2;
    private const int AfInet6 = 10;
    private const int SockStream = 1;
    private const int SockCloexec = 0x80000;
    private const int SolSocket = 1;
    private const int SoRcvTimeo = 20;
    private const int SoSndTimeo = 21;
    private const int IpProtoTcp = 6;
    private const int TcpNoDelay = 1;
    private const int MsgNoSignal = 0x4000;
    private const short PollIn = 1;
    private const int EINTR = 4;
    private const int EAGAIN = 11;

    /// <summary>The longest path a sockaddr_un holds, without its terminating NUL.</summary>
    public const int MaxUnixPathBytes = 107;

    private int _fd;

    private StreamSocket(int fd) => _fd = fd;

    /// <summary>The file descriptor, for code that does its own I/O on it (TLS).</summary>
    public int Handle => _fd;

    /// <summary>Connects to the Unix socket at <paramref name="path"/>, waiting at most
    /// <paramref name="timeoutMs"/> (0: as long as it takes). A path a sockaddr_un cannot hold is a
    /// <see cref="SocketException"/> too.</summary>
    public static StreamSocket ConnectUnix(string path, int timeoutMs)
    {
        byte[] name = Encoding.UTF8.GetBytes(path);
        if (name.Length > MaxUnixPathBytes || name.AsSpan().Contains((byte)0))
        {
            throw new SocketException((int)SocketError.InvalidArgument, $"not a usable socket path (at most {MaxUnixPathBytes} bytes, no NUL): {path}");
        }

        byte[] address = new byte[2 + name.Length + 1];
        BinaryPrimitives.WriteUInt16LittleEndian(address, AfUnix);
        name.CopyTo(address, 2);
        return Connect(AfUnix, 0, address, timeoutMs);
    }

    /// <summary>Connects to <paramref name="address"/>:<paramref name="port"/> with Nagle off
    /// (requests are written whole; replies wait for nothing).</summary>
    public static StreamSocket ConnectTcp(IPAddress address, int port, int timeoutMs)
    {
        byte[] sockaddr;
        int family;
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            family = AfInet6;
            sockaddr = new byte[28];
            address.TryWriteBytes(sockaddr.AsSpan(8, 16), out _);
            BinaryPrimitives.WriteUInt32LittleEndian(sockaddr.AsSpan(24), (uint)address.ScopeId);
        }
        else
        {
            family = AfInet;
            sockaddr = new byte[16];
            address.TryWriteBytes(sockaddr.AsSpan(4, 4), out _);
        }

        BinaryPrimitives.WriteUInt16LittleEndian(sockaddr, (ushort)family);
        BinaryPrimitives.WriteUInt16BigEndian(sockaddr.AsSpan(2), (ushort)port);
        StreamSocket socket = Connect(family, IpProtoTcp, sockaddr, timeoutMs);
        int one = 1;
        socket.SetOption(IpProtoTcp, TcpNoDelay, &one, sizeof(int));
        return socket;
    }

    /// <summary>A blocking connect bounded by SO_SNDTIMEO, which Linux applies to connect(2) on TCP
    /// and Unix sockets alike; the socket is never made non-blocking. Running out of time is a
    /// <see cref="TimeoutException"/>.</summary>
    private static StreamSocket Connect(int family, int protocol, byte[] sockaddr, int timeoutMs)
    {
        int fd = socket(family, SockStream | SockCloexec, protocol);
        if (fd < 0)
        {
            throw Failure(Marshal.GetLastPInvokeError());
        }

        var s = new StreamSocket(fd);
        try
        {
            s.SendTimeout = timeoutMs;
            int result;
            fixed (byte* a = sockaddr)
            {
                while ((result = connect(fd, a, (uint)sockaddr.Length)) < 0 && Marshal.GetLastPInvokeError() == EINTR)
                {
                }
            }

            if (result < 0)
            {
                SocketException e = Failure(Marshal.GetLastPInvokeError());
                throw e.SocketErrorCode is SocketError.WouldBlock or SocketError.TimedOut or SocketError.InProgress
                    ? new TimeoutException($"no connection within {timeoutMs} ms")
                    : e;
            }

            s.SendTimeout = 0; // writes (uploads) may wait as long as the peer needs, until told otherwise
            return s;
        }
        catch
        {
            s.Dispose();
            throw;
        }
    }

    /// <summary>From here on a read that waits longer than this fails (0: no limit).</summary>
    public int ReceiveTimeout
    {
        set => SetTimeout(SoRcvTimeo, value);
    }

    /// <summary>From here on a write that waits longer than this fails (0: no limit).</summary>
    public int SendTimeout
    {
        set => SetTimeout(SoSndTimeo, value);
    }

    private void SetTimeout(int option, int milliseconds)
    {
        long* timeval = stackalloc long[2];
        timeval[0] = milliseconds / 1000;
        timeval[1] = milliseconds % 1000 * 1000;
        SetOption(SolSocket, option, timeval, 2 * sizeof(long));
    }

    private void SetOption(int level, int name, void* value, uint length)
    {
        if (setsockopt(_fd, level, name, value, length) < 0)
        {
            throw Failure(Marshal.GetLastPInvokeError());
        }
    }

    /// <summary>Waits up to <paramref name="milliseconds"/> for input, the end of it, or an error;
    /// false when the time ran out first.</summary>
    public bool Poll(int milliseconds)
    {
        long deadline = Environment.TickCount64 + milliseconds;
        var pfd = new PollFd { Fd = _fd, Events = PollIn };
        while (true)
        {
            int n = poll(&pfd, 1, milliseconds);
            if (n >= 0)
            {
                return n > 0;
            }

            int errno = Marshal.GetLastPInvokeError();
            if (errno != EINTR)
            {
                throw Failure(errno);
            }

            milliseconds = (int)Math.Max(0, deadline - Environment.TickCount64);
        }
    }

    /// <summary>Some bytes, or 0 at the end of the stream.</summary>
    public int Receive(Span<byte> buffer)
    {
        fixed (byte* p = buffer)
        {
            while (true)
            {
                nint n = recv(_fd, p, buffer.Length, 0);
                if (n >= 0)
                {
                    return (int)n;
                }

                int errno = Marshal.GetLastPInvokeError();
                if (errno != EINTR)
                {
                    throw Failure(errno);
                }
            }
        }
    }

    /// <summary>All of <paramref name="buffer"/>.</summary>
    public void Send(ReadOnlySpan<byte> buffer)
    {
        fixed (byte* start = buffer)
        {
            byte* p = start;
            nint left = buffer.Length;
            while (left > 0)
            {
                nint n = send(_fd, p, left, MsgNoSignal);
                if (n >= 0)
                {
                    p += n;
                    left -= n;
                    continue;
                }

                int errno = Marshal.GetLastPInvokeError();
                if (errno != EINTR)
                {
                    throw Failure(errno);
                }
            }
        }
    }

    public void Dispose()
    {
        if (_fd >= 0)
        {
            close(_fd);
            _fd = -1;
        }
    }

    /// <summary>The exception for <paramref name="errno"/>; EAGAIN on a blocking socket means its
    /// timeout ran out.</summary>
    private static SocketException Failure(int errno)
    {
        SocketError code = errno switch
        {
            EAGAIN => SocketError.TimedOut,
            2 => SocketError.AddressNotAvailable, // ENOENT: no socket at that path
            13 => SocketError.AccessDenied,
            32 => SocketError.Shutdown, // EPIPE
            99 => SocketError.AddressNotAvailable,
            101 => SocketError.NetworkUnreachable,
            103 => SocketError.ConnectionAborted,
            104 => SocketError.ConnectionReset,
            107 => SocketError.NotConnected,
            110 => SocketError.TimedOut,
            111 => SocketError.ConnectionRefused,
            113 => SocketError.HostUnreachable,
            115 => SocketError.InProgress,
            _ => SocketError.SocketError,
        };
        return new SocketException((int)code, errno == EAGAIN ? "timed out" : Marshal.GetPInvokeErrorMessage(errno));
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int socket(int domain, int type, int protocol);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int connect(int fd, byte* address, uint length);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setsockopt(int fd, int level, int name, void* value, uint length);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int poll(PollFd* fds, nuint count, int timeoutMs);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint recv(int fd, byte* buffer, nint length, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint send(int fd, byte* buffer, nint length, int flags);

    [LibraryImport("libc")]
    private static partial int close(int fd);
}
