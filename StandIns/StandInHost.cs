using System.Net;
using Dockerman.StandIns.Rpcd;
using Dockerman.StandIns.Ubus;
using Dockerman.StandIns.Uhttpd;

namespace Dockerman.StandIns;

/// <summary>
/// The stand-ins together, as on a router: ubusd on its socket, rpcd's objects on it, and
/// uhttpd's /ubus on an HTTP listener, itself a client of the bus. Dispose stops them and
/// removes the socket.
/// </summary>
internal sealed class StandInHost : IDisposable
{
    private readonly Ubusd _bus;
    private readonly HttpFront? _http;

    private StandInHost(Ubusd bus, Rpcd.Rpcd rpcd, HttpFront? http, StandInLog log)
    {
        _bus = bus;
        Rpcd = rpcd;
        _http = http;
        Log = log;
    }

    public Rpcd.Rpcd Rpcd { get; }

    public StandInLog Log { get; }

    public string UbusSocket => _bus.SocketPath;

    /// <summary>Where /ubus listens, or null without the HTTP front.</summary>
    public IPEndPoint? Http => _http?.LocalEndPoint;

    public static async Task<StandInHost> StartAsync(StandInOptions options, CancellationToken cancel)
    {
        var log = new StandInLog(options.EchoLog);
        var bus = new Ubusd(options.UbusSocket, log);
        HttpFront? http = null;
        try
        {
            var rpcd = new Rpcd.Rpcd(bus, options.Folders, new RpcdExecSettings(options.ExecTimeout, options.PluginEnvironment), log);
            await rpcd.StartAsync(cancel);
            bus.Start();
            if (options.Http != null)
            {
                var jsonRpc = new UbusJsonRpc(options.UbusSocket, options.CallTimeout);
                http = new HttpFront(options.Http, jsonRpc.HandleAsync, log);
                http.Start();
            }

            return new StandInHost(bus, rpcd, http, log);
        }
        catch
        {
            http?.Dispose();
            bus.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        _http?.Dispose();
        _bus.Dispose();
    }
}
