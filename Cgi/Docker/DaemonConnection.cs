using System.Net.Sockets;
using Dockerman.Docker.Tls;
using Dockerman.Native;

namespace Dockerman.Docker;

/// <summary>The one connection to the daemon: a stream, and a way to wait for it to have input.</summary>
internal sealed class DaemonConnection(Stream stream, StreamSocket? socket) : IDisposable
{
    public Stream Stream => stream;

    /// <summary>Waits up to <paramref name="milliseconds"/> for input (or the end of it);
    /// false when the time ran out first. A connection without a socket is always ready, and so is
    /// a TLS connection that already holds decrypted bytes or a whole record.</summary>
    public bool WaitReadable(long milliseconds) =>
        socket == null || stream is TlsStream { HasPending: true } || socket.Poll((int)Math.Clamp(milliseconds, 0, int.MaxValue));

    /// <summary>From here on a read or write that blocks longer than <paramref name="milliseconds"/>
    /// fails (an <see cref="IOException"/> that <see cref="IsTimeout"/> recognises): a daemon that
    /// stops sending inside a reply, or stops reading an upload, cannot hold the process.</summary>
    public void SetIdleLimit(int milliseconds)
    {
        IdleLimitMs = milliseconds;
        if (socket != null)
        {
            socket.ReceiveTimeout = milliseconds;
            socket.SendTimeout = milliseconds;
        }
    }

    public int IdleLimitMs { get; private set; }

    /// <summary>True for the failure of a read or write that ran into the idle limit.</summary>
    public static bool IsTimeout(Exception e) =>
        e is SocketException { SocketErrorCode: SocketError.TimedOut } ||
        e.InnerException is SocketException { SocketErrorCode: SocketError.TimedOut };

    public void Dispose() => stream.Dispose();
}
