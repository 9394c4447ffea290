using System.Net;
using System.Net.Sockets;
using Dockerman.Docker.Tls;
using Dockerman.Native;

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
        StreamSocket socket;
        if (endpoint.Kind == EndpointKind.Unix)
        {
            if (!File.Exists(endpoint.Address))
            {
                throw new EndpointException("no socket there (is dockerd running?)");
            }

            socket = StreamSocket.ConnectUnix(endpoint.Address, timeoutMs);
        }
        else
        {
            IPAddress address = IPAddress.TryParse(endpoint.Address, out IPAddress? literal) ? literal
                : HostsFile.Lookup(endpoint.Address)
                  ?? throw new EndpointException($"{endpoint.Address}: not an IP address and not in /etc/hosts");
            socket = StreamSocket.ConnectTcp(address, endpoint.Port, timeoutMs);
        }

        try
        {
            return endpoint.Tls
                ? new DaemonConnection(TlsStream.Open(socket, endpoint.Address,
                    endpoint.TlsFiles ?? TlsFiles.FromFolder(DockerEndpoint.DefaultCertPath, true), HandshakeTimeoutMs), socket)
                : new DaemonConnection(new SocketStream(socket), socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
