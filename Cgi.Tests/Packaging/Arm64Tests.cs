using Dockerman.Tests.Support;
using Xunit;

namespace Dockerman.Tests.Packaging;

/// <summary>The linux-arm64 binary, run under qemu-aarch64-static against the test daemon.</summary>
[Collection(DaemonCollection.Name)]
public sealed class Arm64Tests(DockerDaemon daemon)
{
    private const string Qemu = "/usr/bin/qemu-aarch64-static";

    [Fact]
    public void Arm64Binary_VersionByHand_ReturnsDaemonVersion()
    {
        Assert.True(File.Exists(Qemu), $"{Qemu} is missing: apt-get install qemu-user-static (make deps does)");
        var vars = new Dictionary<string, string>
        {
            ["REQUEST_METHOD"] = "GET",
            ["PATH_INFO"] = "/admin/docker/version",
            ["QUERY_STRING"] = "",
            ["DOCKER_HOST"] = daemon.Host,
            ["DOCKERMAN_CONFIG_DIR"] = "/nonexistent",
        };

        CgiReply reply = CgiRunner.Exec(Qemu, vars, null, TimeSpan.FromSeconds(60), Paths.Arm64Binary);

        Assert.True(reply.Status == 200, reply.ToString());
        Assert.Equal(0, reply.ExitCode);
        Assert.Equal(daemon.GetJson("/version").GetProperty("ApiVersion").GetString(),
            System.Text.Json.JsonDocument.Parse(reply.Body).RootElement.GetProperty("ApiVersion").GetString());
    }

    [Fact]
    public void Arm64Binary_TlsWithClientCertificate_ReturnsDaemonVersion()
    {
        var vars = new Dictionary<string, string>
        {
            ["REQUEST_METHOD"] = "GET",
            ["PATH_INFO"] = "/admin/docker/version",
            ["QUERY_STRING"] = "",
            ["DOCKER_HOST"] = daemon.TlsHost,
            ["DOCKER_TLS_VERIFY"] = "1",
            ["DOCKER_CERT_PATH"] = daemon.CertDir,
            ["DOCKERMAN_CONFIG_DIR"] = "/nonexistent",
        };

        CgiReply reply = CgiRunner.Exec(Qemu, vars, null, TimeSpan.FromSeconds(60), Paths.Arm64Binary);

        Assert.True(reply.Status == 200, reply.ToString());
        Assert.Equal(daemon.GetJson("/version").GetProperty("ApiVersion").GetString(),
            System.Text.Json.JsonDocument.Parse(reply.Body).RootElement.GetProperty("ApiVersion").GetString());
    }

    [Fact]
    public void Arm64Binary_DaemonCertificateFromAnotherCa_Answers502()
    {
        string dir = Tls.TlsFolders.Make(daemon, "other/ca.pem", ".");
        var vars = new Dictionary<string, string>
        {
            ["REQUEST_METHOD"] = "GET",
            ["PATH_INFO"] = "/admin/docker/version",
            ["QUERY_STRING"] = "",
            ["DOCKER_HOST"] = daemon.TlsHost,
            ["DOCKER_TLS_VERIFY"] = "1",
            ["DOCKER_CERT_PATH"] = dir,
            ["DOCKERMAN_CONFIG_DIR"] = "/nonexistent",
        };

        CgiReply reply = CgiRunner.Exec(Qemu, vars, null, TimeSpan.FromSeconds(60), Paths.Arm64Binary);

        Assert.Equal(502, reply.Status);
        Assert.Contains("not signed by the CA in", reply.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Arm64Binary_Version_PrintsTheVersionFromTheProps()
    {
        CgiReply reply = CgiRunner.Exec(Qemu, new Dictionary<string, string>(), null, TimeSpan.FromSeconds(60), Paths.Arm64Binary, "--version");

        Assert.Equal(0, reply.ExitCode);
        Assert.Equal($"dockerman {Paths.Version}\n", System.Text.Encoding.UTF8.GetString(reply.Body));
    }
}
