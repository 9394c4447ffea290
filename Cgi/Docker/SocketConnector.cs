using System.Net;
using System.Net.Sockets;

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
    public DaemonConnection Connect(DockerEndpoint endpoint, int timeoutMs)
    {
        if (endpoint.Tls)
        {
            throw new EndpointException($"{endpoint}: TLS endpoints are not supported by this build");
        }

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
            return new DaemonConnection(new NetworkStream(socket, ownsSocket: true), socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>A non-blocking connect and a poll: no thread pool, no async machinery at start-up.</summary>
    private static void ConnectWithin(Socket socket, EndPoint target, int timeoutMs)
    {
        socket.Blocking = false;
        try
        {
            socket.Connect(target);
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.WouldBlock or SocketError.InProgress)
        {
            if (!socket.Poll(timeoutMs * 1000, SelectMode.SelectWrite))
            {
                throw new TimeoutException($"no connection within {timeoutMs} ms");
            }

            var error = (SocketError)(int)socket.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.Error)!;
            if (error != SocketError.Success)
            {
                throw new SocketException((int)error);
            }
        }

        socket.Blocking = true;
    }
}
