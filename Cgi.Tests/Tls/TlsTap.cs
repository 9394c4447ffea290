using System.Net;
using System.Net.Sockets;

namespace Dockerman.Tests.Tls;

/// <summary>
/// A loopback TCP port in front of a TLS server that passes bytes both ways and keeps everything
/// the client sent, so that a test can look for anything that went out in clear.
/// </summary>
public sealed class TlsTap : IDisposable
{
    private readonly TcpListener _listener;
    private readonly int _targetPort;
    private readonly MemoryStream _sent = new();
    private readonly List<Task> _pumps = [];

    /// <summary>On <paramref name="listen"/> (default 127.0.0.1), a free port, to the loopback
    /// <paramref name="targetPort"/>.</summary>
    public TlsTap(int targetPort, string listen = "127.0.0.1")
    {
        _listener = new TcpListener(IPAddress.Parse(listen), 0);
        _targetPort = targetPort;
        _listener.Start();
        _ = Task.Run(AcceptLoop);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Everything clients sent, once every connection so far has ended (within 10 s).</summary>
    public byte[] Sent
    {
        get
        {
            Task[] pumps;
            lock (_pumps)
            {
                pumps = [.. _pumps];
            }

            Task.WaitAll(pumps, TimeSpan.FromSeconds(10));
            lock (_sent)
            {
                return _sent.ToArray();
            }
        }
    }

    private async Task AcceptLoop()
    {
        while (true)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return;
            }

            var server = new TcpClient();
            await server.ConnectAsync(IPAddress.Loopback, _targetPort);
            Task up = Pump(client, server, record: true);
            Task down = Pump(server, client, record: false);
            lock (_pumps)
            {
                _pumps.Add(Task.WhenAll(up, down).ContinueWith(_ => { client.Dispose(); server.Dispose(); },
                    TaskScheduler.Default));
            }
        }
    }

    private async Task Pump(TcpClient from, TcpClient to, bool record)
    {
        var buffer = new byte[16384];
        try
        {
            int n;
            while ((n = await from.GetStream().ReadAsync(buffer)) > 0)
            {
                if (record)
                {
                    lock (_sent)
                    {
                        _sent.Write(buffer, 0, n);
                    }
                }

                await to.GetStream().WriteAsync(buffer.AsMemory(0, n));
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
        }

        try
        {
            to.Client.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
    }

    public void Dispose() => _listener.Stop();
}
