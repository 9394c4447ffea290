using System.Net;
using System.Net.Sockets;
using Dockerman.Docker;
using Dockerman.Native;
using Dockerman.Tests.Support;
using Xunit;

namespace Dockerman.Tests.Native;

/// <summary>The libc stream socket every connection to the daemon and to ubusd goes through:
/// its failures are the <see cref="SocketException"/>s the callers sort, and a timeout is one
/// <see cref="DaemonConnection.IsTimeout"/> recognises.</summary>
public sealed class StreamSocketTests : IDisposable
{
    private readonly string _dir = Paths.TempDir("sock");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>A listener, our client connected to it, and the server's end of that connection.</summary>
    private sealed class Connected(Socket listener, StreamSocket client, Socket server) : IDisposable
    {
        public StreamSocket Client => client;

        public Socket Server => server;

        public void Dispose()
        {
            server.Dispose();
            client.Dispose();
            listener.Dispose();
        }
    }

    private Connected ConnectUnix()
    {
        string path = Path.Combine(_dir, "s.sock");
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen(4);
        StreamSocket client = StreamSocket.ConnectUnix(path, 1000);
        return new Connected(listener, client, listener.Accept());
    }

    [Fact]
    public void Unix_BytesGoBothWaysAndTheEndReadsAsZero()
    {
        using Connected c = ConnectUnix();
        c.Client.Send("ping"u8);
        byte[] got = new byte[4];
        Assert.Equal(4, c.Server.Receive(got));
        Assert.Equal("ping"u8.ToArray(), got);

        c.Server.Send("pong!"u8);
        c.Server.Shutdown(SocketShutdown.Send);
        Assert.True(c.Client.Poll(1000));
        byte[] reply = new byte[16];
        int n = c.Client.Receive(reply);
        Assert.Equal("pong!", System.Text.Encoding.ASCII.GetString(reply, 0, n));
        Assert.Equal(0, c.Client.Receive(reply));
    }

    [Fact]
    public void Poll_FalseWhenNothingArrivesInTime()
    {
        using Connected c = ConnectUnix();
        Assert.False(c.Client.Poll(50));
    }

    [Fact]
    public void ReceiveTimeout_ARead_FailsAsATimeout()
    {
        using Connected c = ConnectUnix();
        using var stream = new SocketStream(c.Client);
        c.Client.ReceiveTimeout = 100;
        IOException e = Assert.Throws<IOException>(() => stream.ReadExactly(new byte[1]));
        Assert.True(DaemonConnection.IsTimeout(e));
        Assert.Equal(SocketError.TimedOut, Assert.IsType<SocketException>(e.InnerException).SocketErrorCode);
    }

    [Fact]
    public void Send_ToAPeerThatClosed_IsAnIOExceptionNotASignal()
    {
        using Connected c = ConnectUnix();
        using var stream = new SocketStream(c.Client);
        c.Server.Dispose();
        IOException e = Assert.Throws<IOException>(() =>
        {
            for (int i = 0; i < 64; i++)
            {
                stream.Write(new byte[64 << 10]);
            }
        });
        Assert.IsType<SocketException>(e.InnerException);
        Assert.False(DaemonConnection.IsTimeout(e));
    }

    [Fact]
    public void ConnectUnix_NoListener_IsRefused()
    {
        string path = Path.Combine(_dir, "bound.sock");
        using var bound = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        bound.Bind(new UnixDomainSocketEndPoint(path)); // a socket file, and nobody listening on it
        SocketException e = Assert.Throws<SocketException>(() => StreamSocket.ConnectUnix(path, 1000));
        Assert.Equal(SocketError.ConnectionRefused, e.SocketErrorCode);
        Assert.Contains("refused", e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void ConnectUnix_NoSuchPath_IsASocketException()
    {
        SocketException e = Assert.Throws<SocketException>(() => StreamSocket.ConnectUnix(Path.Combine(_dir, "none"), 1000));
        Assert.Equal(SocketError.AddressNotAvailable, e.SocketErrorCode);
    }

    [Theory]
    [InlineData(108)]
    [InlineData(300)]
    public void ConnectUnix_APathNoSockaddrHolds_IsASocketExceptionBeforeAnySocket(int length)
    {
        string path = "/" + new string('a', length - 1);
        SocketException e = Assert.Throws<SocketException>(() => StreamSocket.ConnectUnix(path, 1000));
        Assert.Equal(SocketError.InvalidArgument, e.SocketErrorCode);
        Assert.Contains("107 bytes", e.Message, StringComparison.Ordinal);
    }

    private static Socket ListenTcp(IPAddress address)
    {
        var listener = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(address, 0));
        listener.Listen(4);
        return listener;
    }

    private static int PortOf(Socket socket) => ((IPEndPoint)socket.LocalEndPoint!).Port;

    [Fact]
    public void ConnectTcp_BytesGoBothWays()
    {
        using Socket listener = ListenTcp(IPAddress.Loopback);
        using StreamSocket client = StreamSocket.ConnectTcp(IPAddress.Loopback, PortOf(listener), 1000);
        using Socket server = listener.Accept();
        using (var view = new Socket(new SafeSocketHandle(client.Handle, ownsHandle: false)))
        {
            Assert.True(view.NoDelay); // a request goes out whole, not held back for an ACK
        }

        client.Send("GET"u8);
        byte[] got = new byte[3];
        new NetworkStream(server).ReadExactly(got);
        Assert.Equal("GET"u8.ToArray(), got);
    }

    [Fact]
    public void ConnectTcp_ClosedPort_IsRefused()
    {
        int port;
        using (var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            port = PortOf(probe); // bound, never listening, then released
        }

        SocketException e = Assert.Throws<SocketException>(() => StreamSocket.ConnectTcp(IPAddress.Loopback, port, 1000));
        Assert.Equal(SocketError.ConnectionRefused, e.SocketErrorCode);
    }

    [Fact]
    public void ConnectTcp_IPv6Loopback_Connects()
    {
        using Socket listener = ListenTcp(IPAddress.IPv6Loopback);
        using StreamSocket client = StreamSocket.ConnectTcp(IPAddress.IPv6Loopback, PortOf(listener), 1000);
        using Socket server = listener.Accept();
        Assert.Equal(IPAddress.IPv6Loopback, ((IPEndPoint)server.RemoteEndPoint!).Address);
    }
}
