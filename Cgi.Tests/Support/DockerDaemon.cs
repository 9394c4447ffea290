using System.Diagnostics;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Xunit;

namespace Dockerman.Tests.Support;

/// <summary>
/// A private dockerd for the whole test run, started by build/testdaemon.sh with its own data
/// root and socket, and the local image testbox:1 (busybox-static). A daemon that cannot be
/// started fails the tests: it is never a reason to skip them.
/// </summary>
public sealed class DockerDaemon : IDisposable
{
    public const string Image = "testbox:1";

    public string Dir { get; }

    public string Socket => Path.Combine(Dir, "docker.sock");

    public string Host => "unix://" + Socket;

    /// <summary>The certificates of build/testcerts.sh; the daemon trusts <c>ca.pem</c> and shows <c>server-cert.pem</c>.</summary>
    public string CertDir => Path.Combine(Dir, "certs");

    /// <summary>The daemon's TLS listener (--tlsverify) on 127.0.0.1.</summary>
    public int TlsPort { get; }

    public string TlsHost => $"tcp://127.0.0.1:{TlsPort}";

    /// <summary>A client straight to the daemon's socket, to check what dockerman did.</summary>
    public HttpClient Client { get; }

    public DockerDaemon()
        : this("dmd", null)
    {
    }

    private readonly string? _mode;

    private DockerDaemon(string prefix, string? mode)
    {
        _mode = mode;
        Dir = Paths.TempDir(prefix);
        Script("start", mode);
        TlsPort = int.Parse(File.ReadAllText(Path.Combine(Dir, "tls-port")).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Client = new HttpClient(new SocketsHttpHandler
        {
            ConnectCallback = async (_, ct) =>
            {
                var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                await s.ConnectAsync(new UnixDomainSocketEndPoint(Socket), ct);
                return new NetworkStream(s, ownsSocket: true);
            },
        })
        {
            BaseAddress = new Uri("http://docker"),
            Timeout = TimeSpan.FromSeconds(120),
        };
    }

    /// <summary>A daemon of its own for a test swarm (build/testdaemon.sh start DIR swarm): swarm addresses on
    /// 127.0.0.1, local images for tasks, and a second tag of the test image, <see cref="SecondImage"/>.</summary>
    public static DockerDaemon SwarmNode() => new("dms", "swarm");

    public const string SecondImage = "testbox:2";

    /// <summary>Stops the daemon by its pid and starts it again on the same data root: for a daemon of a
    /// test's own, never the shared one (a swarm manager with auto-lock comes back locked). SIGTERM as a
    /// service manager sends it (a daemon busy with a request may take the 10 s grace before SIGKILL), or
    /// with <paramref name="kill"/> SIGKILL at once, as a crash or the OOM killer ends it.</summary>
    public void Restart(bool kill = false)
    {
        Script(kill ? "kill" : "stop");
        Script("start", _mode);
    }

    private void Script(string verb, string? mode = null)
    {
        var psi = new ProcessStartInfo(Path.Combine(Paths.RepoRoot, "build", "testdaemon.sh"),
            mode == null ? [verb, Dir] : [verb, Dir, mode])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        using var p = Process.Start(psi)!;
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"build/testdaemon.sh {verb} failed: {err}");
        }
    }

    public JsonElement GetJson(string path)
    {
        using HttpResponseMessage r = Client.GetAsync(path).Result;
        return JsonDocument.Parse(r.Content.ReadAsStringAsync().Result).RootElement.Clone();
    }

    public int Status(string method, string path)
    {
        using HttpResponseMessage r = Client.Send(new HttpRequestMessage(new HttpMethod(method), path));
        return (int)r.StatusCode;
    }

    /// <summary>Creates (and optionally starts) a container straight through the socket; returns its id.</summary>
    public string CreateContainer(string name, string[] cmd, bool start = false, bool tty = false)
    {
        using HttpResponseMessage r = Client.PostAsJsonAsync($"/containers/create?name={name}",
            new Dictionary<string, object> { ["Image"] = Image, ["Cmd"] = cmd, ["Tty"] = tty }).Result;
        string text = r.Content.ReadAsStringAsync().Result;
        Assert.True(r.IsSuccessStatusCode, text);
        string id = JsonDocument.Parse(text).RootElement.GetProperty("Id").GetString()!;
        if (start)
        {
            using HttpResponseMessage s = Client.PostAsync($"/containers/{id}/start", null).Result;
            Assert.True(s.IsSuccessStatusCode, s.Content.ReadAsStringAsync().Result);
        }

        return id;
    }

    public void RemoveContainer(string idOrName)
    {
        Client.DeleteAsync($"/containers/{idOrName}?force=1&v=1").Result.Dispose();
    }

    public void Dispose()
    {
        Client.Dispose();
        Script("stop");
        try
        {
            // vfs layers and exec state may stay busy a moment after the daemon stops.
            Directory.Delete(Dir, true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

/// <summary>All tests that use the real daemon share one, and run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class DaemonCollection : ICollectionFixture<DockerDaemon>
{
    public const string Name = "real dockerd";
}
