using System.Net;
using System.Net.Sockets;

namespace Dockerman.Tests.Support;

/// <summary>A file served over HTTP on loopback (a build context tarball, an image to import), for
/// the daemon to fetch itself; counts the requests it answered.</summary>
public sealed class ContextServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly byte[] _content;
    private int _served;

    public ContextServer(byte[] content)
    {
        _content = content;
        Port = FreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _ = Task.Run(Serve);
    }

    public int Port { get; }

    public string Url(string name) => $"http://127.0.0.1:{Port}/{name}";

    public int Served => Volatile.Read(ref _served);

    private async Task Serve()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            context.Response.ContentType = "application/x-tar";
            context.Response.ContentLength64 = _content.Length;
            await context.Response.OutputStream.WriteAsync(_content);
            context.Response.Close();
            Interlocked.Increment(ref _served);
        }
    }

    private static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    public void Dispose() => _listener.Close();
}
