using System.Net.Sockets;
using System.Text;

namespace Dockerman.Tests.Support;

/// <summary>
/// A Unix socket in front of the real test daemon that passes bytes both ways and records what
/// each connection sent, so a test can assert what reached the daemon — or that nothing did.
/// </summary>
public sealed class RecordingProxy : IDisposable
{
    private readonly Socket _listener;
    private readonly string _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<MemoryStream> _requests = [];

    public RecordingProxy(string targetSocket)
    {
        _target = targetSocket;
        Dir = Paths.TempDir("prx");
        SocketPath = Path.Combine(Dir, "docker.sock");
        _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _listener.Bind(new UnixDomainSocketEndPoint(SocketPath));
        _listener.Listen(16);
        _ = Task.Run(AcceptLoop);
    }

    public string Dir { get; }

    public string SocketPath { get; }

    public string Host => "unix://" + SocketPath;

    /// <summary>What each connection sent, as text (request heads are ASCII; bodies are shown as they are).</summary>
    public IReadOnlyList<string> Requests
    {
        get
        {
            lock (_requests)
            {
                return _requests.Select(m => { lock (m) { return Encoding.UTF8.GetString(m.ToArray()); } }).ToList();
            }
        }
    }

    /// <summary>The request lines ("GET /path HTTP/1.1") in order.</summary>
    public IReadOnlyList<string> RequestLines => Requests.Select(r => r.Split("\r\n")[0]).ToList();

    private async Task AcceptLoop()
    {
        while (true)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(_stop.Token);
            }
            catch (Exception)
            {
                return;
            }

            var record = new MemoryStream();
            lock (_requests)
            {
                _requests.Add(record);
            }

            _ = Task.Run(() => Pipe(client, record));
        }
    }

    private async Task Pipe(Socket client, MemoryStream record)
    {
        using Socket c = client;
        using var upstream = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await upstream.ConnectAsync(new UnixDomainSocketEndPoint(_target));
        Task up = Copy(c, upstream, record);
        Task down = Copy(upstream, c, null);
        await Task.WhenAny(Task.WhenAll(up, down), Task.Delay(Timeout.Infinite, _stop.Token)).ContinueWith(_ => { });
    }

    private static async Task Copy(Socket from, Socket to, MemoryStream? record)
    {
        byte[] buffer = new byte[64 * 1024];
        try
        {
            int n;
            while ((n = await from.ReceiveAsync(buffer, SocketFlags.None)) > 0)
            {
                if (record != null)
                {
                    lock (record)
                    {
                        record.Write(buffer, 0, n);
                    }
                }

                await to.SendAsync(buffer.AsMemory(0, n), SocketFlags.None);
            }

            to.Shutdown(SocketShutdown.Send);
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Dispose();
        try
        {
            Directory.Delete(Dir, true);
        }
        catch (IOException)
        {
        }
    }
}
