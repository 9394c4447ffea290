using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Dockerman.Tests.Support;

/// <summary>One request as the fake daemon received it.</summary>
public sealed class ReceivedRequest
{
    /// <summary>Every byte read from the connection: the head and the body as framed on the wire.</summary>
    public required byte[] Raw { get; init; }

    public required string Method { get; init; }

    public required string Target { get; init; }

    public required string Version { get; init; }

    /// <summary>Header lines in order, as sent.</summary>
    public required List<KeyValuePair<string, string>> HeaderList { get; init; }

    /// <summary>The body, de-chunked when it came chunked.</summary>
    public required byte[] Body { get; init; }

    /// <summary>False when the connection ended before the body its head announced.</summary>
    public required bool BodyComplete { get; init; }

    public bool Chunked => string.Equals(Header("Transfer-Encoding"), "chunked", StringComparison.OrdinalIgnoreCase);

    public string? Header(string name)
    {
        foreach ((string k, string v) in HeaderList)
        {
            if (string.Equals(k, name, StringComparison.OrdinalIgnoreCase))
            {
                return v;
            }
        }

        return null;
    }

    public int Count(string name) => HeaderList.Count(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase));
}

/// <summary>
/// The daemon side of the one connection: what a script does after (or instead of) reading the
/// request. All calls block; a script runs on its own thread.
/// </summary>
public sealed class FakeConnection
{
    private readonly Socket _socket;
    private readonly FakeDaemon _daemon;
    private readonly MemoryStream _raw = new();
    private byte[] _pending = [];

    internal FakeConnection(Socket socket, FakeDaemon daemon)
    {
        _socket = socket;
        _daemon = daemon;
    }

    /// <summary>Reads the request head and its body (Content-Length or chunked) and records them.</summary>
    public ReceivedRequest ReadRequest()
    {
        var head = new List<byte>();
        int end;
        while ((end = IndexOf(head, "\r\n\r\n"u8)) < 0)
        {
            if (!ReadMore(head))
            {
                throw new IOException("connection closed before the end of the request head");
            }
        }

        string headText = Encoding.ASCII.GetString(head.ToArray(), 0, end);
        byte[] afterHead = head.Skip(end + 4).ToArray();
        string[] lines = headText.Split("\r\n");
        string[] requestLine = lines[0].Split(' ');
        var headers = new List<KeyValuePair<string, string>>();
        foreach (string line in lines.Skip(1))
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            headers.Add(new(line[..colon], line[(colon + 1)..].Trim()));
        }

        string? length = headers.FirstOrDefault(h => h.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)).Value;
        bool chunked = headers.Any(h => h.Key.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase));
        var body = new List<byte>(afterHead);
        byte[] decoded;
        bool complete;
        if (chunked)
        {
            while (!ChunkedBody.TryDecode(body.ToArray(), out _, out _) && ReadMore(body))
            {
            }

            complete = ChunkedBody.TryDecode(body.ToArray(), out decoded, out _);
            if (!complete)
            {
                decoded = [.. body];
            }
        }
        else
        {
            long want = length == null ? 0 : long.Parse(length, System.Globalization.CultureInfo.InvariantCulture);
            while (body.Count < want && ReadMore(body))
            {
            }

            complete = body.Count >= want;
            decoded = [.. body];
        }

        var request = new ReceivedRequest
        {
            Raw = _raw.ToArray(),
            Method = requestLine[0],
            Target = requestLine.Length > 1 ? requestLine[1] : "",
            Version = requestLine.Length > 2 ? requestLine[2] : "",
            HeaderList = headers,
            Body = decoded,
            BodyComplete = complete,
        };
        _daemon.Request = request;
        return request;
    }

    private bool ReadMore(List<byte> into)
    {
        byte[] buffer = new byte[64 * 1024];
        int n;
        try
        {
            n = _socket.Receive(buffer);
        }
        catch (SocketException)
        {
            n = 0;
        }

        if (n == 0)
        {
            _daemon.MarkClosed();
            return false;
        }

        _raw.Write(buffer, 0, n);
        into.AddRange(buffer.AsSpan(0, n).ToArray());
        return true;
    }

    private static int IndexOf(List<byte> data, ReadOnlySpan<byte> what) =>
        data.Count < what.Length ? -1 : System.Runtime.InteropServices.CollectionsMarshal.AsSpan(data).IndexOf(what);

    /// <summary>Sends bytes; false when the peer is gone.</summary>
    public bool Send(ReadOnlySpan<byte> data)
    {
        try
        {
            _socket.Send(data);
            return true;
        }
        catch (SocketException)
        {
            _daemon.MarkClosed();
            return false;
        }
        catch (ObjectDisposedException)
        {
            return false;
        }
    }

    public bool Send(string text) => Send(Encoding.UTF8.GetBytes(text));

    /// <summary>A complete reply with a Content-Length body.</summary>
    public bool Reply(int status, string reason, string contentType, string body) =>
        Send($"HTTP/1.1 {status} {reason}\r\nApi-Version: 1.41\r\nContent-Type: {contentType}\r\n" +
             $"Content-Length: {Encoding.UTF8.GetByteCount(body)}\r\n\r\n{body}");

    /// <summary>Sends the bytes a few at a time with a pause between.</summary>
    public bool Trickle(string text, int bytesPerSend, TimeSpan pause)
    {
        byte[] data = Encoding.UTF8.GetBytes(text);
        for (int i = 0; i < data.Length; i += bytesPerSend)
        {
            if (!Send(data.AsSpan(i, Math.Min(bytesPerSend, data.Length - i))))
            {
                return false;
            }

            Thread.Sleep(pause);
        }

        return true;
    }

    /// <summary>Waits until the client has sent something, without reading it.</summary>
    public void WaitForData() => _socket.Poll(10_000_000, SelectMode.SelectRead);

    /// <summary>
    /// Closes with SO_LINGER 0: on TCP the peer gets a RST. On a Unix socket the kernel reports
    /// ECONNRESET to the peer only when unread data is left behind, so call this before reading.
    /// </summary>
    public void Reset()
    {
        _socket.LingerState = new LingerOption(true, 0);
        _socket.Close();
    }

    /// <summary>Reads nothing more and sends nothing until the daemon is disposed: a daemon that
    /// stopped reading in the middle of an upload.</summary>
    public void StopReading() => _daemon.Disposing.Wait();

    /// <summary>Half-closes the sending side: the client reads end of stream.</summary>
    public void Close() => _socket.Shutdown(SocketShutdown.Send);

    /// <summary>Does nothing until the client closes the connection or the daemon is disposed;
    /// true when the client closed it.</summary>
    public bool StallUntilClosed()
    {
        byte[] buffer = new byte[4096];
        try
        {
            while (_socket.Receive(buffer) > 0)
            {
            }
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
            return false;
        }

        return _daemon.MarkClosed();
    }
}

/// <summary>
/// A fake Docker daemon on a Unix socket in a temporary directory (or on TCP loopback), scripted
/// per test: it accepts one connection and hands it to the script, which reads the request and
/// then does what the test needs — reply, send garbage, cut the body, stall, reset. The request
/// bytes it received are kept so that tests can check what reached the daemon.
/// </summary>
public sealed class FakeDaemon : IDisposable
{
    private readonly Socket _listener;
    private readonly string? _dir;
    private readonly Thread _thread;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly ManualResetEventSlim _closed = new();
    internal readonly ManualResetEventSlim Disposing = new();
    private Socket? _connection;
    private Exception? _failure;
    private long _closedAtMs = -1;

    public FakeDaemon(Action<FakeConnection> script, bool tcp = false)
    {
        if (tcp)
        {
            _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            Host = $"tcp://127.0.0.1:{((IPEndPoint)_listener.LocalEndPoint!).Port}";
        }
        else
        {
            _dir = Paths.TempDir("fkd");
            string socket = Path.Combine(_dir, "docker.sock");
            _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            _listener.Bind(new UnixDomainSocketEndPoint(socket));
            Host = "unix://" + socket;
        }

        _listener.Listen(1);
        _thread = new Thread(() => Serve(script)) { IsBackground = true, Name = "fake dockerd" };
        _thread.Start();
    }

    /// <summary>A DOCKER_HOST value for this daemon.</summary>
    public string Host { get; }

    /// <summary>The request, once the script has read it.</summary>
    public ReceivedRequest? Request { get; internal set; }

    /// <summary>True once the client closed (or reset) the connection.</summary>
    public bool ClientClosed => _closed.IsSet;

    /// <summary>Milliseconds from the daemon's start to the client's close, or -1.</summary>
    public long ClosedAtMs => Interlocked.Read(ref _closedAtMs);

    public long NowMs => _clock.ElapsedMilliseconds;

    internal bool MarkClosed()
    {
        Interlocked.CompareExchange(ref _closedAtMs, _clock.ElapsedMilliseconds, -1);
        _closed.Set();
        return true;
    }

    /// <summary>Waits up to <paramref name="timeout"/> for the client to close the connection.</summary>
    public bool WaitClientClosed(TimeSpan timeout) => _closed.Wait(timeout);

    private void Serve(Action<FakeConnection> script)
    {
        try
        {
            using Socket socket = _listener.Accept();
            _connection = socket;
            script(new FakeConnection(socket, this));
        }
        catch (ObjectDisposedException)
        {
            // Disposed while waiting: the test is over.
        }
        catch (Exception e)
        {
            _failure = e;
        }
    }

    /// <summary>Waits for the script to end and rethrows what it threw.</summary>
    public void Finish(TimeSpan timeout)
    {
        if (!_thread.Join(timeout))
        {
            throw new TimeoutException("the fake daemon's script did not finish");
        }

        if (_failure != null)
        {
            throw new InvalidOperationException("the fake daemon's script failed", _failure);
        }
    }

    public void Dispose()
    {
        Disposing.Set();
        _listener.Dispose();
        _connection?.Dispose();
        _thread.Join(TimeSpan.FromSeconds(5));
        _closed.Dispose();
        Disposing.Dispose();
        if (_dir != null)
        {
            Directory.Delete(_dir, true);
        }
    }
}

/// <summary>
/// De-chunks a request body the simple way, on the whole buffer: independent of the program's
/// own decoder, so that a test of the framing the program writes does not use the program to check it.
/// </summary>
public static class ChunkedBody
{
    /// <summary>True when <paramref name="data"/> holds a complete chunked body (last chunk and trailer
    /// included); <paramref name="used"/> is its length.</summary>
    public static bool TryDecode(byte[] data, out byte[] body, out int used)
    {
        var output = new MemoryStream();
        int pos = 0;
        body = [];
        used = 0;
        while (true)
        {
            int lf = Array.IndexOf(data, (byte)'\n', pos);
            if (lf < 0)
            {
                return false;
            }

            string line = Encoding.ASCII.GetString(data, pos, lf - pos).TrimEnd('\r');
            int semicolon = line.IndexOf(';', StringComparison.Ordinal);
            int size = Convert.ToInt32(semicolon < 0 ? line : line[..semicolon], 16);
            pos = lf + 1;
            if (size == 0)
            {
                // Trailer lines up to the empty one.
                while (true)
                {
                    lf = Array.IndexOf(data, (byte)'\n', pos);
                    if (lf < 0)
                    {
                        return false;
                    }

                    bool empty = lf - pos <= 1;
                    pos = lf + 1;
                    if (empty)
                    {
                        body = output.ToArray();
                        used = pos;
                        return true;
                    }
                }
            }

            if (data.Length < pos + size + 2)
            {
                return false;
            }

            output.Write(data, pos, size);
            if (data[pos + size] != '\r' || data[pos + size + 1] != '\n')
            {
                throw new InvalidDataException("chunk data not followed by CRLF");
            }

            pos += size + 2;
        }
    }
}
