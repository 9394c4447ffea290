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
    private readonly List<Task> _uploads = [];
    private readonly string _sentinelPath;
    private TaskCompletionSource _sentinelSeen = new();

    public RecordingProxy(string targetSocket)
    {
        _target = targetSocket;
        Dir = Paths.TempDir("prx");
        SocketPath = Path.Combine(Dir, "docker.sock");
        // No longer than SocketPath: the runtime sizes the accepted peer's address buffer by the
        // listener's own address, and a longer peer path fails the accept.
        _sentinelPath = Path.Combine(Dir, "s.sock");
        _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _listener.Bind(new UnixDomainSocketEndPoint(SocketPath));
        _listener.Listen(16);
        _ = Task.Run(AcceptLoop);
    }

    public string Dir { get; }

    public string SocketPath { get; }

    public string Host => "unix://" + SocketPath;

    /// <summary>What each connection sent, as text (request heads are ASCII; bodies are shown as they
    /// are), once everything sent before the call has been taken in (<see cref="Settle"/>).</summary>
    public IReadOnlyList<string> Requests
    {
        get
        {
            Settle();
            lock (_requests)
            {
                return _requests.Select(m => { lock (m) { return Encoding.UTF8.GetString(m.ToArray()); } }).ToList();
            }
        }
    }

    /// <summary>The request lines ("GET /path HTTP/1.1") in order.</summary>
    public IReadOnlyList<string> RequestLines => Requests.Select(r => r.Split("\r\n")[0]).ToList();

    /// <summary>
    /// Waits until every connection made before this call has been accepted and everything its
    /// client sent has been read, so that an empty <see cref="Requests"/> means nothing was sent.
    /// Connections are accepted in order, so a sentinel connection seen means all earlier ones were.
    /// </summary>
    public void Settle()
    {
        _sentinelSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        File.Delete(_sentinelPath);
        using (var sentinel = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            sentinel.Bind(new UnixDomainSocketEndPoint(_sentinelPath));
            sentinel.Connect(new UnixDomainSocketEndPoint(SocketPath));
            if (!_sentinelSeen.Task.Wait(TimeSpan.FromSeconds(10)))
            {
                throw new TimeoutException("the recording proxy did not accept a connection within 10 s");
            }
        }

        Task[] uploads;
        lock (_requests)
        {
            uploads = [.. _uploads];
        }

        if (!Task.WaitAll(uploads, TimeSpan.FromSeconds(10)))
        {
            throw new TimeoutException("a client of the recording proxy kept its connection open for 10 s");
        }
    }

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

            if (client.RemoteEndPoint is UnixDomainSocketEndPoint remote && remote.ToString() == _sentinelPath)
            {
                client.Dispose();
                _sentinelSeen.TrySetResult();
                continue;
            }

            var record = new MemoryStream();
            var uploaded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_requests)
            {
                _requests.Add(record);
                _uploads.Add(uploaded.Task);
            }

            _ = Task.Run(() => Pipe(client, record, uploaded));
        }
    }

    private async Task Pipe(Socket client, MemoryStream record, TaskCompletionSource uploaded)
    {
        using Socket c = client;
        using var upstream = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await upstream.ConnectAsync(new UnixDomainSocketEndPoint(_target));
        }
        catch (SocketException)
        {
            uploaded.TrySetResult();
            return;
        }

        Task up = Copy(c, upstream, record).ContinueWith(_ => uploaded.TrySetResult());
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
