using System.Net;
using System.Net.Sockets;
using Dockerman.Tests.Support;
using Xunit;

namespace Dockerman.Tests.Tls;

/// <summary>
/// The real daemon's TLS listener (dockerd --tlsverify): mutual TLS with RSA and EC client keys,
/// and each way it can fail, told apart in the 502 message.
/// </summary>
[Collection(DaemonCollection.Name)]
public sealed class TlsDaemonTests(DockerDaemon daemon)
{
    [Fact]
    public void Version_TrustedCaAndClientCertificate_Answers200()
    {
        CgiReply reply = TlsFolders.Runner(daemon).Get("version");

        Assert.True(reply.Status == 200, reply.ToString());
        Assert.Contains("\"ApiVersion\"", reply.Text, StringComparison.Ordinal);
        Assert.Equal("", reply.Stderr);
    }

    [Fact]
    public void ContainerList_EcClientKey_Answers200()
    {
        CgiReply reply = TlsFolders.Runner(daemon, TlsFolders.Make(daemon, "ca.pem", "ec")).Get("container/list", "all=1");

        Assert.True(reply.Status == 200, reply.ToString());
        Assert.StartsWith("[", reply.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Request_HttpsUrlWithCertificateOptions_Answers200()
    {
        string config = Paths.TempDir("tlscfg");
        File.WriteAllText(Path.Combine(config, "dockerman"), $"""
            config dockerman 'main'
            	option tlscacert '{daemon.CertDir}/ca.pem'
            	option tlscert '{daemon.CertDir}/ec/cert.pem'
            	option tlskey '{daemon.CertDir}/ec/key.pem'
            """);
        var cgi = new CgiRunner($"https://127.0.0.1:{daemon.TlsPort}", config);

        CgiReply reply = cgi.Get("ping");

        Assert.True(reply.Status == 200, reply.ToString());
        Assert.Equal("OK", reply.Text);
    }

    [Fact]
    public void Request_ExpiredClientCertificate_Answers502Expired()
    {
        string dir = TlsFolders.Make(daemon, "ca.pem", "expired");

        CgiReply reply = TlsFolders.Runner(daemon, dir).Get("version");

        Assert.Equal(502, reply.Status);
        Assert.Contains($"the daemon refused our client certificate {dir}/cert.pem: it has expired", reply.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Request_NoClientCertificate_Answers502CertificateRequired()
    {
        CgiReply reply = TlsFolders.Runner(daemon, TlsFolders.Make(daemon, "ca.pem", null)).Get("version");

        Assert.Equal(502, reply.Status);
        Assert.True(reply.Text.Contains("TLS: the daemon requires a client certificate and none is configured", StringComparison.Ordinal), reply.Text);
    }

    [Fact]
    public void Request_MissingCaFile_Answers502NamingTheFile()
    {
        string dir = Paths.TempDir("tlsnone");

        CgiReply reply = TlsFolders.Runner(daemon, dir).Get("version");

        Assert.Equal(502, reply.Status);
        Assert.Contains($"CA certificate {dir}/ca.pem does not exist", reply.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Request_KeyNotMatchingCertificate_Answers502()
    {
        string dir = TlsFolders.Make(daemon, "ca.pem", null);
        File.Copy(Path.Combine(daemon.CertDir, "cert.pem"), Path.Combine(dir, "cert.pem"));
        File.Copy(Path.Combine(daemon.CertDir, "ec", "key.pem"), Path.Combine(dir, "key.pem"));

        CgiReply reply = TlsFolders.Runner(daemon, dir).Get("version");

        Assert.Equal(502, reply.Status);
        Assert.Contains($"client key {dir}/key.pem", reply.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Request_KeyReadableByOthers_WarnsOnStderrAndConnects()
    {
        string dir = TlsFolders.Make(daemon, "ca.pem", ".");
        File.SetUnixFileMode(Path.Combine(dir, "key.pem"), (UnixFileMode)0x1a4); // 0644

        CgiReply reply = TlsFolders.Runner(daemon, dir).Get("ping");

        Assert.True(reply.Status == 200, reply.ToString());
        Assert.Contains($"the key file {dir}/key.pem is readable by others", reply.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Request_VerifyOff_WarnsAndConnectsDespiteAnUnknownCa()
    {
        string dir = TlsFolders.Make(daemon, "other/ca.pem", ".");
        string config = Paths.TempDir("tlscfg");
        File.WriteAllText(Path.Combine(config, "dockerman"), $"""
            config dockerman 'main'
            	option cert_path '{dir}'
            	option tlsverify '0'
            """);
        var cgi = new CgiRunner($"tcp://127.0.0.1:{daemon.TlsPort}", config);
        cgi.BaseEnvironment["DOCKER_TLS_VERIFY"] = "1";

        CgiReply reply = cgi.Get("ping");

        Assert.True(reply.Status == 200, reply.ToString());
        Assert.Contains("without verifying the daemon's certificate", reply.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Request_PlainEndpointOnTheTlsPort_Answers502SaysItSpeaksTls()
    {
        var cgi = new CgiRunner($"http://127.0.0.1:{daemon.TlsPort}");

        CgiReply reply = cgi.Get("version");

        Assert.Equal(502, reply.Status);
        Assert.Contains("the Docker daemon speaks TLS there", reply.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Request_TlsEndpointOnAPlainHttpServer_Answers502PlainHttp()
    {
        using var httpd = new BusyboxHttpd(new Dictionary<string, string>());

        CgiReply reply = TlsFolders.Runner(daemon, host: $"https://127.0.0.1:{httpd.Port}").Get("version");

        Assert.Equal(502, reply.Status);
        Assert.Contains("the daemon answered in plain HTTP", reply.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Request_ServerSilentDuringHandshake_Answers502WithinTheTimeout()
    {
        // A listener that accepts and never answers the ClientHello (what no real daemon does on demand).
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var started = System.Diagnostics.Stopwatch.StartNew();

        CgiReply reply = TlsFolders.Runner(daemon, host: $"tcp://127.0.0.1:{port}").Get("version");

        Assert.Equal(502, reply.Status);
        Assert.Contains("no handshake from the daemon within 5 s", reply.Text, StringComparison.Ordinal);
        Assert.InRange(started.Elapsed.TotalSeconds, 4, 30);
    }

    [Fact]
    public void Reply_KeyAndCertificate_NeverAppearInOutput()
    {
        string key = File.ReadAllText(Path.Combine(daemon.CertDir, "key.pem"));
        string keyLine = key.Split('\n')[1];
        string certLine = File.ReadAllText(Path.Combine(daemon.CertDir, "cert.pem")).Split('\n')[1];
        CgiReply ok = TlsFolders.Runner(daemon).Get("version");
        CgiReply failed = TlsFolders.Runner(daemon, TlsFolders.Make(daemon, "other/ca.pem", ".")).Get("version");

        foreach (CgiReply reply in new[] { ok, failed })
        {
            Assert.DoesNotContain(keyLine, reply.Text + reply.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain(certLine, reply.Text + reply.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("PRIVATE KEY", reply.Text + reply.Stderr, StringComparison.Ordinal);
        }

        Assert.Equal(502, failed.Status);
    }
}
