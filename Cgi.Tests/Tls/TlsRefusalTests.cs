using System.Text;
using Dockerman.Tests.Support;
using Xunit;

namespace Dockerman.Tests.Tls;

/// <summary>
/// Each server dockerman must not talk to: a 502 whose message names the reason, and nothing of the
/// request on the wire. A tap in front of the server keeps every byte the program sent.
/// </summary>
[Collection(DaemonCollection.Name)]
public sealed class TlsRefusalTests(DockerDaemon daemon)
{
    [Fact]
    public void Request_ServerCertificateForAnotherHost_Answers502NameMismatch()
    {
        // The daemon's certificate names IP:127.0.0.1 only; "localhost" reaches the same listener.
        using var tap = new TlsTap(daemon.TlsPort);

        CgiReply reply = TlsFolders.Runner(daemon, host: $"tcp://localhost:{tap.Port}").Get("version");

        AssertRefused(reply, tap, "the daemon's certificate was refused: issued for another name than localhost");
    }

    [Fact]
    public void Request_IpAddressNotInServerCertificate_Answers502NameMismatch()
    {
        // 127.0.0.2 is loopback too, and the certificate names 127.0.0.1 only.
        using var tap = new TlsTap(daemon.TlsPort, "127.0.0.2");

        CgiReply reply = TlsFolders.Runner(daemon, host: $"tcp://127.0.0.2:{tap.Port}").Get("version");

        AssertRefused(reply, tap, "the daemon's certificate was refused: issued for another name than 127.0.0.2");
    }

    [Fact]
    public void Request_ExpiredServerCertificate_Answers502Expired()
    {
        using var server = SServer.Start(Paths.TempDir("sserver"), "server-expired-cert.pem", "server-expired-key.pem", daemon.CertDir, "-WWW");
        using var tap = new TlsTap(server.Port);

        CgiReply reply = TlsFolders.Runner(daemon, host: $"tcp://127.0.0.1:{tap.Port}").Get("version");

        AssertRefused(reply, tap, "the daemon's certificate was refused: expired");
    }

    [Fact]
    public void Request_ServerCertificateFromAnotherCa_Answers502NamingOurCa()
    {
        string dir = TlsFolders.Make(daemon, "other/ca.pem", null);
        using var tap = new TlsTap(daemon.TlsPort);

        CgiReply reply = TlsFolders.Runner(daemon, dir, $"tcp://127.0.0.1:{tap.Port}").Get("version");

        AssertRefused(reply, tap, $"the daemon's certificate was refused: not signed by the CA in {dir}/ca.pem");
    }

    [Theory]
    [InlineData("-tls1", "TLS: dockerman speaks TLS 1.2: the daemon offers only TLS 1.0")]
    [InlineData("-tls1_1", "TLS: dockerman speaks TLS 1.2: the daemon offers only TLS 1.1")]
    [InlineData("-tls1_3", "TLS: dockerman speaks TLS 1.2: the daemon refused it (it offers only TLS 1.0/1.1, or only TLS 1.3)")]
    public void Request_ServerOfAnotherProtocolVersionOnly_Answers502NamingTheVersion(string protocol, string message)
    {
        // OpenSSL 3 allows TLS 1.0 and 1.1 only at security level 0.
        using var server = SServer.Start(Paths.TempDir("sserver"), "server-cert.pem", "server-key.pem", daemon.CertDir,
            protocol, "-cipher", "ALL:@SECLEVEL=0", "-WWW");
        using var tap = new TlsTap(server.Port);

        CgiReply reply = TlsFolders.Runner(daemon, host: $"tcp://127.0.0.1:{tap.Port}").Get("version");

        AssertRefused(reply, tap, message);
    }

    [Fact]
    public void Request_ClientCertificateTheDaemonRejects_Answers502NamingOurCertificate()
    {
        string dir = TlsFolders.Make(daemon, "ca.pem", "other");
        using var tap = new TlsTap(daemon.TlsPort);

        CgiReply reply = TlsFolders.Runner(daemon, dir, $"tcp://127.0.0.1:{tap.Port}").Get("version");

        // The daemon's alert, or its closing the connection, depending on which the program reads first.
        AssertRefused(reply, tap, $"refused our client certificate {dir}/cert.pem (not from a CA it trusts)",
            $"did not accept our client certificate {dir}/cert.pem (not from a CA it trusts?)");
    }

    /// <summary>A 502 naming the reason (one of <paramref name="reasons"/>); on the wire a TLS handshake and nothing of the request.</summary>
    private static void AssertRefused(CgiReply reply, TlsTap tap, params string[] reasons)
    {
        Assert.True(reply.Status == 502, reply.ToString());
        Assert.True(reasons.Any(r => reply.Text.Contains(r, StringComparison.Ordinal)), reply.Text);
        byte[] sent = tap.Sent;
        Assert.True(sent.Length > 5 && sent[0] == 0x16 && sent[1] == 3, "a TLS handshake record first");
        string wire = Encoding.Latin1.GetString(sent);
        foreach (string clear in new[] { "GET ", "/version", "HTTP/1.1", "User-Agent" })
        {
            Assert.DoesNotContain(clear, wire, StringComparison.Ordinal);
        }
    }
}
