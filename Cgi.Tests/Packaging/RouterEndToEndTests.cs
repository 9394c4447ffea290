using System.Formats.Tar;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Dockerman.Tests.Support;
using Xunit;

namespace Dockerman.Tests.Packaging;

/// <summary>
/// The x86_64 package unpacked into a root that holds nothing but busybox-static, served by
/// busybox httpd inside a chroot, with the test daemon's socket where OpenWrt's dockerd puts
/// its own: what a musl-based router without any .NET would do with the package. This class
/// unpacks the .ipk; <see cref="RouterEndToEndFromApkTests"/> runs the same from the .apk.
/// </summary>
[Collection(DaemonCollection.Name)]
public class RouterEndToEndTests : IDisposable
{
    private const string Token = "router-test-token-0123456789abcdef";

    private readonly DockerDaemon _daemon;
    private readonly RouterRoot _root = new();
    private readonly HttpClient _http;
    private readonly string _name = "rr" + Guid.NewGuid().ToString("N")[..10];

    public RouterEndToEndTests(DockerDaemon daemon)
        : this(daemon, root => IpkPackage.Read(Paths.Package("x86_64")).ExtractData(root))
    {
    }

    /// <summary>Sets up the root with <paramref name="unpack"/> putting a package's payload into it.</summary>
    protected RouterEndToEndTests(DockerDaemon daemon, Action<string> unpack)
    {
        ArgumentNullException.ThrowIfNull(unpack);
        _daemon = daemon;
        unpack(_root.Dir);
        // A second daemon over TLS: the test daemon's TLS listener, with the certificates in the root.
        _root.WriteFile("/etc/config/dockerman", "config dockerman 'main'\n\toption auth 'token'\n\n" +
            $"config endpoint 'remote'\n\toption host 'tcp://127.0.0.1:{daemon.TlsPort}'\n\toption tls '1'\n");
        foreach (string pem in new[] { "ca.pem", "cert.pem", "key.pem" })
        {
            _root.WriteFile("/etc/dockerman/certs/remote/" + pem, File.ReadAllText(Path.Combine(daemon.CertDir, pem)),
                UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        _root.WriteFile("/etc/dockerman/token", Token + "\n", UnixFileMode.UserRead | UnixFileMode.UserWrite);
        _root.BindMount(daemon.Socket, "/var/run/docker.sock");

        int port = FreePort();
        _root.Start(null, "/bin/busybox", "httpd", "-f", "-p", $"127.0.0.1:{port}", "-h", "/www");
        WaitForListener(port);
        _http = new HttpClient
        {
            BaseAddress = new Uri($"http://127.0.0.1:{port}/cgi-bin/dockerman/admin/docker/"),
            Timeout = TimeSpan.FromSeconds(60),
        };
    }

    public void Dispose()
    {
        _http.Dispose();
        _daemon.RemoveContainer(_name);
        _root.Dispose();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public void RouterRoot_WithoutToken_IsRefused()
    {
        using HttpResponseMessage none = _http.Send(new HttpRequestMessage(HttpMethod.Get, "version"));
        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);

        using var wrong = new HttpRequestMessage(HttpMethod.Get, "version");
        wrong.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token + "x");
        using HttpResponseMessage refused = _http.Send(wrong);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public void RouterRoot_TlsEndpoint_ReachesTheDaemonWithClientCertificate()
    {
        JsonElement version = Json(Send(HttpMethod.Get, "version?endpoint=remote"));
        Assert.Equal(_daemon.GetJson("/version").GetProperty("ApiVersion").GetString(), version.GetProperty("ApiVersion").GetString());

        JsonElement list = Json(Send(HttpMethod.Get, "endpoint/list"));
        Assert.Equal("tcp://127.0.0.1:" + _daemon.TlsPort, list[1].GetProperty("host").GetString());
        Assert.True(list[1].GetProperty("client_certificate").GetBoolean());
    }

    [Fact]
    public void RouterRoot_ContainerLifecycle_WorksThroughBusyboxHttpd()
    {
        // version
        JsonElement version = Json(Send(HttpMethod.Get, "version"));
        Assert.Equal(_daemon.GetJson("/version").GetProperty("ApiVersion").GetString(), version.GetProperty("ApiVersion").GetString());

        // create, start
        string create = $$"""{"Image":"{{DockerDaemon.Image}}","Cmd":["sh","-c","echo hello from the router; sleep 600"]}""";
        (HttpStatusCode created, byte[] body) = Send(HttpMethod.Post, $"container/create?name={_name}",
            new StringContent(create, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, created);
        string id = Json((created, body)).GetProperty("Id").GetString()!;
        Assert.Equal(HttpStatusCode.NoContent, Send(HttpMethod.Post, $"container/start/{id}").Status);

        // list
        JsonElement list = Json(Send(HttpMethod.Get, "container/list?all=1"));
        Assert.Contains(list.EnumerateArray(), c => c.GetProperty("Id").GetString() == id);

        // logs, as text
        string logs = "";
        for (int i = 0; i < 50 && !logs.Contains("hello from the router", StringComparison.Ordinal); i++)
        {
            Thread.Sleep(100);
            (HttpStatusCode status, byte[] text) = Send(HttpMethod.Get, $"container/logs/{id}?stdout=1&format=text");
            Assert.Equal(HttpStatusCode.OK, status);
            logs = Encoding.UTF8.GetString(text);
        }

        Assert.Equal("hello from the router\n", logs);

        // put an archive, then get it back
        byte[] upload = Tar(("greeting.txt", "hi from busybox httpd\n"));
        (HttpStatusCode put, byte[] putBody) = Send(HttpMethod.Put, $"container/put_archive/{id}?path=/tmp",
            new ByteArrayContent(upload) { Headers = { ContentType = new MediaTypeHeaderValue("application/x-tar") } });
        Assert.True(put == HttpStatusCode.OK, Encoding.UTF8.GetString(putBody));

        using (HttpResponseMessage get = _http.Send(Authorized(HttpMethod.Get, $"container/get_archive/{id}?path=/tmp/greeting.txt")))
        {
            Assert.Equal(HttpStatusCode.OK, get.StatusCode);
            Assert.True(get.Headers.Contains("X-Docker-Container-Path-Stat"));
            IReadOnlyList<TarMember> got = ReadTar(Bytes(get));
            TarMember greeting = Assert.Single(got);
            Assert.Equal("greeting.txt", greeting.Name);
            Assert.Equal("hi from busybox httpd\n", Encoding.UTF8.GetString(greeting.Data));
        }

        // export: the whole file system, with the uploaded file in it
        (HttpStatusCode exported, byte[] tar) = Send(HttpMethod.Get, $"container/export/{id}");
        Assert.Equal(HttpStatusCode.OK, exported);
        IReadOnlyList<TarMember> fs = ReadTar(tar);
        Assert.Contains(fs, m => m.Name.TrimStart('.', '/') == "bin/busybox" && m.Data.Length > 100_000);
        Assert.Contains(fs, m => m.Name.TrimStart('.', '/') == "tmp/greeting.txt");

        // remove
        Assert.Equal(HttpStatusCode.NoContent, Send(HttpMethod.Delete, $"container/remove/{id}?force=1").Status);
        Assert.Equal(404, _daemon.Status("GET", $"/containers/{id}/json"));
    }

    private HttpRequestMessage Authorized(HttpMethod method, string path, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        return request;
    }

    private (HttpStatusCode Status, byte[] Body) Send(HttpMethod method, string path, HttpContent? content = null)
    {
        using HttpRequestMessage request = Authorized(method, path, content);
        using HttpResponseMessage response = _http.Send(request);
        return (response.StatusCode, Bytes(response));
    }

    private static byte[] Bytes(HttpResponseMessage response)
    {
        var ms = new MemoryStream();
        response.Content.ReadAsStream().CopyTo(ms);
        return ms.ToArray();
    }

    private static JsonElement Json((HttpStatusCode Status, byte[] Body) reply)
    {
        Assert.True((int)reply.Status is >= 200 and < 300, $"{reply.Status}: {Encoding.UTF8.GetString(reply.Body)}");
        return JsonDocument.Parse(reply.Body).RootElement.Clone();
    }

    private static byte[] Tar(params (string Name, string Text)[] files)
    {
        var ms = new MemoryStream();
        using (var writer = new TarWriter(ms, TarEntryFormat.Ustar, leaveOpen: true))
        {
            foreach ((string name, string text) in files)
            {
                writer.WriteEntry(new UstarTarEntry(TarEntryType.RegularFile, name)
                {
                    DataStream = new MemoryStream(Encoding.UTF8.GetBytes(text)),
                    Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
                });
            }
        }

        return ms.ToArray();
    }

    private static IReadOnlyList<TarMember> ReadTar(byte[] tar)
    {
        var members = new List<TarMember>();
        using var reader = new TarReader(new MemoryStream(tar));
        while (reader.GetNextEntry(copyData: true) is { } e)
        {
            var data = new MemoryStream();
            e.DataStream?.CopyTo(data);
            members.Add(new TarMember(e.Name, e.EntryType, e.Mode, e.Uid, e.Gid, data.ToArray()));
        }

        return members;
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    private static void WaitForListener(int port)
    {
        for (int i = 0; i < 100; i++)
        {
            try
            {
                using var c = new TcpClient();
                c.Connect(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException)
            {
                Thread.Sleep(50);
            }
        }

        throw new InvalidOperationException($"busybox httpd did not listen on port {port}");
    }
}
