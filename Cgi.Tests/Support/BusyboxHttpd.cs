using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Dockerman.Tests.Support;

/// <summary>
/// A real CGI server: busybox httpd on a free 127.0.0.1 port, serving a web root whose
/// <c>cgi-bin/dockerman</c> is a copy of the published binary, as on a router. busybox httpd
/// hands its own environment on to the CGI programs it runs, so the variables given here (and
/// PATH, nothing else) are what the binary sees besides the CGI variables.
/// </summary>
public sealed class BusyboxHttpd : IDisposable
{
    private const int PortAttempts = 5;

    private readonly Process _process;

    private readonly System.Text.StringBuilder _log = new();

    public string Root { get; }

    public int Port { get; }

    /// <summary>What httpd and the CGI programs it ran wrote to stderr, for failure messages.</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>http://127.0.0.1:PORT/cgi-bin/dockerman/admin/docker/ — relative paths name routes.</summary>
    public Uri BaseAddress => new($"http://127.0.0.1:{Port}/cgi-bin/dockerman/admin/docker/");

    public BusyboxHttpd(IReadOnlyDictionary<string, string> environment)
    {
        Root = Paths.TempDir("dmweb");
        string cgiBin = Path.Combine(Root, "www", "cgi-bin");
        Directory.CreateDirectory(cgiBin);
        string program = Path.Combine(cgiBin, "dockerman");
        File.Copy(Paths.Binary, program); // keeps the execute bits

        // The free port is found by binding port 0; another process may take it before httpd
        // binds it, so a start that fails is retried on a fresh port.
        string errors = "";
        for (int attempt = 0; attempt < PortAttempts; attempt++)
        {
            int port = FreePort();
            Process process = Start(port, Path.Combine(Root, "www"), environment, _log);
            if (WaitListening(process, port, out string error))
            {
                _process = process;
                Port = port;
                return;
            }

            errors += $"port {port}: {error} {Log}\n";
            Stop(process);
        }

        throw new InvalidOperationException($"busybox httpd did not start:\n{errors}");
    }

    private static Process Start(int port, string www, IReadOnlyDictionary<string, string> environment,
        System.Text.StringBuilder log)
    {
        var psi = new ProcessStartInfo("busybox", ["httpd", "-f", "-p", $"127.0.0.1:{port}", "-h", www])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        psi.Environment.Clear();
        psi.Environment["PATH"] = "/usr/sbin:/usr/bin:/sbin:/bin";
        foreach ((string key, string value) in environment)
        {
            psi.Environment[key] = value;
        }

        // CGI programs write to httpd's stderr: it is drained all along, so a full pipe never stalls them.
        Process process;
        try
        {
            process = Process.Start(psi)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("busybox not found: apt-get install busybox-static (make test does)", e);
        }

        DataReceivedEventHandler append = (_, e) =>
        {
            if (e.Data != null)
            {
                lock (log)
                {
                    log.AppendLine(e.Data);
                }
            }
        };
        process.ErrorDataReceived += append;
        process.OutputDataReceived += append;
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        return process;
    }

    private static bool WaitListening(Process process, int port, out string error)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            if (process.HasExited)
            {
                process.WaitForExit(); // lets the output readers finish
                error = $"httpd exited with {process.ExitCode}";
                return false;
            }

            try
            {
                using var probe = new TcpClient();
                probe.Connect(IPAddress.Loopback, port);
                // Connected: to our httpd, unless it is still about to find the port taken.
                Thread.Sleep(50);
                if (!process.HasExited)
                {
                    error = "";
                    return true;
                }
            }
            catch (SocketException)
            {
                Thread.Sleep(50);
            }
        }

        error = "httpd did not listen within 10 s";
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

    private static void Stop(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill();
            }

            process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        process.Dispose();
    }

    public void Dispose()
    {
        Stop(_process);
        try
        {
            Directory.Delete(Root, true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
