using System.Net;
using System.Net.Sockets;
using Dockerman.Docker.Tls;

namespace Dockerman.Docker;

/// <summary>Opens the one connection a process makes to the daemon.</summary>
internal interface IDaemonConnector
{
    /// <summary>A connection, or an exception (<see cref="SocketException"/>,
    /// <see cref="EndpointException"/>, <see cref="TimeoutException"/>).</summary>
    DaemonConnection Connect(DockerEndpoint endpoint, int timeoutMs);
}

internal sealed class SocketConnector : IDaemonConnector
{
    /// <summary>How long the daemon may take over the TLS handshake (an RSA operation on a small router).</summary>
    public const int HandshakeTimeoutMs = 5000;

    public DaemonConnection Connect(DockerEndpoint endpoint, int timeoutMs)
    {
        EndPoint target;
        Socket socket;
        if (endpoint.Kind == EndpointKind.Unix)
        {
            if (!File.Exists(endpoint.Address))
            {
                throw new EndpointException("no socket there (is dockerd running?)");
            }

            target = new UnixDomainSocketEndPoint(endpoint.Address);
            socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        }
        else
        {
            IPAddress address = IPAddress.TryParse(endpoint.Address, out IPAddress? literal) ? literal
                : HostsFile.Lookup(endpoint.Address)
                  ?? throw new EndpointException($"{endpoint.Address}: not an IP address and not in /etc/hosts");
            target = new IPEndPoint(address, endpoint.Port);
            socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        }

        try
        {
            ConnectWithin(socket, target, timeoutMs);
            return endpoint.Tls
                ? new DaemonConnection(TlsStream.Open(socket, endpoint.Address,
                    endpoint.TlsFiles ?? TlsFiles.FromFolder(DockerEndpoint.DefaultCertPath, true), HandshakeTimeoutMs), socket)
                : new DaemonConnection(new NetworkStream(socket, ownsSocket: true), socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A blocking connect bounded by SO_SNDTIMEO, which Linux applies to connect(2) on TCP and Unix
    /// sockets alike. The socket is never made non-blocking, not even for the connect: .NET keeps
    /// a socket that was once non-blocking that way for good and emulates blocking reads and
    /// writes with its epoll thread and the thread pool, which costs threads at start-up and a
    /// wake-up and some garbage for every read that has to wait (the peak RSS then grows with the
    /// size of a download).
    /// </summary>
    private static void ConnectWithin(Socket socket, EndPoint target, int timeoutMs)
    {
        socket.SendTimeout = timeoutMs;
        try
        {
            socket.Connect(target);
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.WouldBlock or SocketError.TimedOut or SocketError.InProgress)
        {
            throw new TimeoutException($"no connection within {timeoutMs} ms");
        }

        socket.SendTimeout = 0; // writes to the daemon (uploads) may wait as long as it needs
    }
}
