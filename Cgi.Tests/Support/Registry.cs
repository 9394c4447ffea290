using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Dockerman.Tests.Support;

/// <summary>A real registry (Debian's docker-registry, the distribution registry) on loopback. The
/// daemon treats 127.0.0.1 registries as insecure by default, so pushes and pulls work over HTTP.</summary>
public sealed class Registry : IDisposable
{
    private readonly Process _process;

    public Registry()
        : this(null)
    {
    }

    /// <summary>With <paramref name="login"/>, the registry asks for that user and password (htpasswd,
    /// bcrypt as the registry requires): pulls and pushes then need real credentials.</summary>
    public Registry((string User, string Password)? login)
    {
        Dir = Paths.TempDir("reg");
        Port = FreePort();
        string config = Path.Combine(Dir, "config.yml");
        string auth = "";
        if (login is (string user, string password))
        {
            File.WriteAllText(Path.Combine(Dir, "htpasswd"), $"{user}:{Bcrypt.Hash(password)}\n");
            auth = $"""

                auth:
                  htpasswd:
                    realm: test
                    path: {Dir}/htpasswd
                """;
        }

        File.WriteAllText(config, $"""
            version: 0.1
            log:
              level: warn
            storage:
              filesystem:
                rootdirectory: {Dir}/data
            http:
              addr: 127.0.0.1:{Port}
            """ + auth);
        var psi = new ProcessStartInfo("docker-registry", ["serve", config])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        _process = Process.Start(psi) ?? throw new InvalidOperationException("docker-registry did not start");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        for (int i = 0; i < 100; i++)
        {
            try
            {
                using HttpResponseMessage r = http.GetAsync($"http://127.0.0.1:{Port}/v2/").Result;
                if (r.IsSuccessStatusCode || (login != null && r.StatusCode == HttpStatusCode.Unauthorized))
                {
                    return;
                }
            }
            catch (AggregateException)
            {
            }

            Thread.Sleep(100);
        }

        throw new InvalidOperationException("docker-registry did not answer on /v2/");
    }

    public string Dir { get; }

    public int Port { get; }

    public string Host => $"127.0.0.1:{Port}";

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        try
        {
            _process.Kill();
            _process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
        try
        {
            Directory.Delete(Dir, true);
        }
        catch (IOException)
        {
        }
    }
}
