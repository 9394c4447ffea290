using System.Net.Sockets;
using Dockerman.Docker.Tls;

namespace Dockerman.Docker;

/// <summary>The one connection to the daemon: a stream, and a way to wait for it to have input.</summary>
internal sealed class DaemonConnection(Stream stream, Socket? socket) : IDisposable
{
    public Stream Stream => stream;

    /// <summary>Waits up to <paramref name="milliseconds"/> for input (or the end of it);
    /// false when the time ran out first. A connection without a socket is always ready, and so is
    /// a TLS connection that already holds decrypted bytes or a whole record.</summary>
    public bool WaitReadable(long milliseconds) =>
        socket == null || stream is TlsStream { HasPending: true } || socket.Poll((int)Math.Clamp(milliseconds, 0, int.MaxValue / 1000) * 1000, SelectMode.SelectRead);

    public void Dispose() => stream.Dispose();
}
