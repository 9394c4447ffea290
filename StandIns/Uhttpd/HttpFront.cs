using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Dockerman.StandIns.Uhttpd;

/// <summary>
/// A small HTTP/1.1 listener for the /ubus JSON-RPC endpoint, put behind a real web server
/// (lighttpd's mod_proxy): one request per connection, its body by Content-Length or chunked,
/// the answer with Content-Length and Connection: close.
/// </summary>
internal sealed class HttpFront : IDisposable
{
    private const int MaxHead = 16 * 1024;

    /// <summary>The largest body taken: a JSON-RPC request bigger than a ubus message could not be sent on anyway.</summary>
    private const int MaxBody = Ubus.UbusLimits.MaxMessage;

    private readonly TcpListener _listener;
    private readonly Func<HttpRequestHead, CancellationToken, Task<HttpAnswer>> _handler;
    private readonly StandInLog _log;
    private readonly CancellationTokenSource _stop = new();
    private Task _accepting = Task.CompletedTask;

    public HttpFront(IPEndPoint bind, Func<HttpRequestHead, CancellationToken, Task<HttpAnswer>> handler, StandInLog log)
    {
        _listener = new TcpListener(bind);
        _listener.Start(128);
        _handler = handler;
        _log = log;
    }

    public IPEndPoint LocalEndPoint => (IPEndPoint)_listener.LocalEndpoint;

    public void Start() => _accepting = AcceptAsync();

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            _ = ServeAsync(socket);
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        using (socket)
        using (var stream = new NetworkStream(socket, ownsSocket: false))
        {
            try
            {
                HttpAnswer answer = await ReadAsync(stream, _stop.Token) is HttpRequestHead request
                    ? await _handler(request, _stop.Token)
                    : Plain(400, "Bad Request");
                string head = $"HTTP/1.1 {answer.Status} {answer.Reason}\r\nContent-Type: {answer.ContentType}\r\n" +
                    $"Content-Length: {answer.Body.Length}\r\nConnection: close\r\n\r\n";
                await stream.WriteAsync(Encoding.ASCII.GetBytes(head), _stop.Token);
                await stream.WriteAsync(answer.Body, _stop.Token);
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                _log.Line($"uhttpd /ubus: {e.Message}");
            }
        }
    }

    private static HttpAnswer Plain(int status, string reason) => new(status, reason, "text/plain", Encoding.ASCII.GetBytes(reason + "\n"));

    /// <summary>The request, or null when it is not one this front takes.</summary>
    private static async Task<HttpRequestHead?> ReadAsync(Stream stream, CancellationToken cancel)
    {
        var input = new BufferedReader(stream);
        string? requestLine = await input.LineAsync(MaxHead, cancel);
        string[] parts = requestLine?.Split(' ') ?? [];
        if (parts.Length != 3 || !parts[2].StartsWith("HTTP/1.", StringComparison.Ordinal))
        {
            return null;
        }

        long? length = null;
        bool chunked = false;
        int headBytes = requestLine!.Length;
        while (await input.LineAsync(MaxHead - headBytes, cancel) is string line && line.Length > 0)
        {
            headBytes += line.Length + 2;
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                return null;
            }

            string name = line[..colon].Trim();
            string value = line[(colon + 1)..].Trim();
            if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                length = long.TryParse(value, out long n) && n >= 0 ? n : -1;
            }
            else if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                chunked = value.Equals("chunked", StringComparison.OrdinalIgnoreCase);
            }
        }

        byte[]? body = chunked ? await input.ChunkedAsync(MaxBody, cancel)
            : length is long l && l >= 0 && l <= MaxBody ? await input.ExactlyAsync((int)l, cancel)
            : length == null ? [] : null;
        return body == null ? null : new HttpRequestHead(parts[0], parts[1], body);
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        try
        {
            _accepting.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }
    }
}
