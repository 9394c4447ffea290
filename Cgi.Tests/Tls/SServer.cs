using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Dockerman.Tests.Tls;

/// <summary>openssl s_server on a free loopback port; its output collected.</summary>
public sealed class SServer : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    public int Port { get; }

    private SServer(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public static SServer Start(string dir, string cert, string key, string certDir, params string[] extra)
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var psi = new ProcessStartInfo("openssl")
        {
            WorkingDirectory = dir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string a in new[] { "s_server", "-accept", $"127.0.0.1:{port}", "-naccept", "1",
                     "-cert", Path.Combine(certDir, cert), "-key", Path.Combine(certDir, key) })
        {
            psi.ArgumentList.Add(a);
        }

        foreach (string a in extra)
        {
            psi.ArgumentList.Add(a);
        }

        var server = new SServer(Process.Start(psi)!, port);
        server._process.OutputDataReceived += (_, e) => { lock (server._output) { server._output.AppendLine(e.Data); } };
        server._process.ErrorDataReceived += (_, e) => { lock (server._output) { server._output.AppendLine(e.Data); } };
        server._process.BeginOutputReadLine();
        server._process.BeginErrorReadLine();
        // s_server prints ACCEPT when it listens (a probe connection would use up -naccept).
        for (int i = 0; i < 100; i++)
        {
            lock (server._output)
            {
                if (server._output.ToString().Contains("ACCEPT", StringComparison.Ordinal))
                {
                    return server;
                }
            }

            Thread.Sleep(50);
        }

        throw new InvalidOperationException("openssl s_server did not start: " + server.Output());
    }

    public string Output()
    {
        _process.WaitForExit(2000);
        lock (_output)
        {
            return _output.ToString();
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        _process.WaitForExit();
        _process.Dispose();
    }
}
