using Dockerman.Tests.Support;
using Xunit;

namespace Dockerman.Tests.Tls;

/// <summary>
/// The TLS client against openssl s_server, for what dockerd cannot be made to do: a server that
/// prefers RSA-PSS signatures, or PKCS#1 v1.5 ones.
/// </summary>
[Collection(DaemonCollection.Name)]
public sealed class TlsServerTests(DockerDaemon daemon)
{
    [Theory]
    [InlineData("-tls1_2", "rsa_pss_rsae_sha256:rsa_pkcs1_sha256")]
    [InlineData("-tls1_2", "rsa_pkcs1_sha256:rsa_pss_rsae_sha256")]
    public void Version_ServerOfOneProtocolVersion_Answers200(string protocol, string sigalgs)
    {
        string www = Paths.TempDir("sserver");
        File.WriteAllText(Path.Combine(www, "version"), "{\"Version\":\"s_server\"}");
        using var server = SServer.Start(www, "server-cert.pem", "server-key.pem", daemon.CertDir,
            protocol, "-sigalgs", sigalgs, "-WWW");

        CgiReply reply = TlsFolders.Runner(daemon, host: $"tcp://127.0.0.1:{server.Port}").Get("version");

        Assert.True(reply.Status == 200, reply.ToString() + server.Output());
        Assert.Equal("{\"Version\":\"s_server\"}", reply.Text);
    }
}
