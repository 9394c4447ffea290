using System.Net;
using System.Net.Sockets;

namespace Dockerman.Tests.Support;

/// <summary>
/// A TCP relay in front of a real server (the registry) that passes requests freely and answers up to
/// a number of bytes in all, then holds the rest until released: a transfer caught in its middle for
/// as long as a test needs, where a real network would be too quick to catch.
/// </summary>
public sealed class GatedProxy : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _targetPort;
    private readonly long _holdAfter;
    private readonly ManualResetEventSlim _open = new(false);
    private readonly ManualResetEventSlim _holding = new(false);
    private readonly List<Socket> _sockets = [];
    private long _passed;

    public GatedProxy(int targetPort, long holdAfterBytes)
    {
        _targetPort = targetPort;
        _holdAfter = holdAfterBytes;
        _listener.Start();
        _ = Task.Run(AcceptLoop);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public string Host => $"127.0.0.1:{Port}";

    /// <summary>True once the answers have reached the limit and the rest is being held.</summary>
    public bool WaitHolding(TimeSpan timeout) => _holding.Wait(timeout);

    public void Release() => _open.Set();

    private async Task AcceptLoop()
    {
        while (true)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return;
            }

            var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            lock (_sockets)
            {
                _sockets.Add(client);
                _sockets.Add(upstream);
            }

            try
            {
                await upstream.ConnectAsync(IPAddress.Loopback, _targetPort);
            }
            catch (SocketException)
            {
                client.Dispose();
                continue;
            }

            _ = Task.Run(() => Copy(client, upstream, gated: false));
            _ = Task.Run(() => Copy(upstream, client, gated: true));
        }
    }

    private void Copy(Socket from, Socket to, bool gated)
    {
        byte[] buffer = new byte[16 * 1024];
        try
        {
            int n;
            while ((n = from.Receive(buffer)) > 0)
            {
                if (gated && Interlocked.Add(ref _passed, n) > _holdAfter && !_open.IsSet)
                {
                    _holding.Set();
                    _open.Wait();
                }

                to.Send(buffer.AsSpan(0, n));
            }

            to.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            to.Dispose();
        }
    }

    public void Dispose()
    {
        _listener.Stop();
        _open.Set();
        lock (_sockets)
        {
            foreach (Socket s in _sockets)
            {
                s.Dispose();
            }
        }
    }
}
