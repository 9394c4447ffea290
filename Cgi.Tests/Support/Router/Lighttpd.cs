using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Dockerman.Tests.Support.Router;

/// <summary>What a <see cref="Lighttpd"/> serves and how, in uhttpd's terms.</summary>
public sealed record LighttpdSite(string Www, string Spool, string ConfigDir, IReadOnlyList<string> Aliases, IPEndPoint Ubus,
    int MaxRequests, int NetworkTimeout);

/// <summary>
/// Debian's lighttpd in the place of a router's uhttpd, on a free 127.0.0.1 port: <c>/cgi-bin/*</c>
/// run as CGI programs (mod_cgi, output streamed), uhttpd's aliases as mod_rewrite rules that give
/// the program the whole browser path as PATH_INFO (what uhttpd's <c>-y PREFIX=PATH</c> does),
/// <c>/ubus</c> handed to the stand-in's JSON-RPC listener (mod_proxy), and every CGI given
/// DOCKERMAN_CONFIG_DIR (mod_setenv), so dockerman reads the stack's files as a router's
/// /etc/config. uhttpd runs at most <c>-n</c> scripts at once and queues the rest; lighttpd has no
/// such count, so it takes at most that many connections at once (<c>server.max-connections</c>;
/// the rest wait in the listen queue) and closes each after one request
/// (<c>server.max-keep-alive-requests = 0</c>), which bounds the CGIs the same way.
/// </summary>
public sealed class Lighttpd : IDisposable
{
    private const int PortAttempts = 5;

    private readonly LoggedProcess _process;

    public Lighttpd(LighttpdSite site, string dir)
    {
        string config = Path.Combine(dir, "lighttpd.conf");
        string errors = "";
        for (int attempt = 0; attempt < PortAttempts; attempt++)
        {
            int port = FreePort();
            File.WriteAllText(config, Config(site, port));
            LoggedProcess process;
            try
            {
                process = new LoggedProcess("lighttpd", ["-D", "-f", config]);
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                throw new InvalidOperationException("lighttpd not found: apt-get install lighttpd (make test does)", e);
            }

            if (Listening(process, port))
            {
                _process = process;
                Port = port;
                return;
            }

            errors += $"port {port}: {process.Log}\n";
            process.Dispose();
        }

        throw new InvalidOperationException($"lighttpd did not start:\n{errors}");
    }

    public int Port { get; }

    public int Pid => _process.Pid;

    public string Log => _process.Log;

    /// <summary>The configuration for <paramref name="site"/> on <paramref name="port"/>.</summary>
    public static string Config(LighttpdSite site, int port)
    {
        var c = new StringBuilder();
        c.Append(CultureInfo.InvariantCulture, $$"""
            server.document-root = "{{site.Www}}"
            server.bind = "127.0.0.1"
            server.port = {{port}}
            server.modules = ("mod_rewrite", "mod_setenv", "mod_cgi", "mod_proxy")
            server.max-connections = {{site.MaxRequests}}
            server.max-keep-alive-requests = 0
            server.stream-request-body = 2
            server.stream-response-body = 2
            server.max-read-idle = {{site.NetworkTimeout}}
            server.max-write-idle = {{site.NetworkTimeout}}
            server.upload-dirs = ("{{site.Spool}}")
            setenv.add-environment = ("DOCKERMAN_CONFIG_DIR" => "{{site.ConfigDir}}", "PATH" => "/sbin:/usr/sbin:/bin:/usr/bin")
            $HTTP["url"] =~ "^/cgi-bin/" { cgi.assign = ("" => "") }
            $HTTP["url"] =~ "^/ubus($|[/?])" { proxy.server = ("" => (("host" => "{{site.Ubus.Address}}", "port" => {{site.Ubus.Port}}))) }

            """);
        if (site.Aliases.Count > 0)
        {
            c.Append("url.rewrite-once = (\n");
            foreach (string alias in site.Aliases)
            {
                int eq = alias.IndexOf('=', StringComparison.Ordinal);
                c.Append(CultureInfo.InvariantCulture, $"    \"^({Literal(alias[..eq])}(?:[/?].*)?)$\" => \"{alias[(eq + 1)..]}$1\",\n");
            }

            c.Append(")\n");
        }

        return c.ToString();
    }

    /// <summary>A path as a regular expression that matches only itself (no backslashes: lighttpd's strings keep them).</summary>
    private static string Literal(string path)
    {
        var pattern = new StringBuilder();
        foreach (char ch in path)
        {
            pattern.Append(char.IsAsciiLetterOrDigit(ch) || ch is '/' or '-' or '_' ? ch.ToString() : $"[{ch}]");
        }

        return pattern.ToString();
    }

    private static bool Listening(LoggedProcess process, int port)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(10) && !process.HasExited)
        {
            try
            {
                using var probe = new TcpClient();
                probe.Connect(IPAddress.Loopback, port);
                Thread.Sleep(50); // connected: to our lighttpd, unless it is about to find the port taken
                return !process.HasExited;
            }
            catch (SocketException)
            {
                Thread.Sleep(50);
            }
        }

        return false;
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public void Dispose() => _process.Dispose();
}
