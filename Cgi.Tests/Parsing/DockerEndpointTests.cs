using Dockerman.Docker;
using Dockerman.Docker.Tls;
using Dockerman.Tests.Support;
using Xunit;

namespace Dockerman.Tests.Parsing;

public sealed class DockerEndpointTests
{
    [Theory]
    [InlineData("unix:///var/run/docker.sock", false, "Unix", "/var/run/docker.sock", 0, false, "docker")]
    [InlineData("unix:///tmp/x y.sock", false, "Unix", "/tmp/x y.sock", 0, false, "docker")]
    [InlineData("tcp://10.0.0.1", false, "Tcp", "10.0.0.1", 2375, false, "10.0.0.1:2375")]
    [InlineData("tcp://10.0.0.1:2375", false, "Tcp", "10.0.0.1", 2375, false, "10.0.0.1:2375")]
    [InlineData("tcp://10.0.0.1:2375/", false, "Tcp", "10.0.0.1", 2375, false, "10.0.0.1:2375")]
    [InlineData("tcp://docker.lan:12345", false, "Tcp", "docker.lan", 12345, false, "docker.lan:12345")]
    [InlineData("tcp://10.0.0.1", true, "Tcp", "10.0.0.1", 2376, true, "10.0.0.1:2376")]
    [InlineData("tcp://10.0.0.1:2376", false, "Tcp", "10.0.0.1", 2376, true, "10.0.0.1:2376")]
    [InlineData("http://host:80", false, "Tcp", "host", 80, false, "host:80")]
    [InlineData("https://host", false, "Tcp", "host", 2376, true, "host:2376")]
    [InlineData("tcp://[::1]:2375", false, "Tcp", "::1", 2375, false, "[::1]:2375")]
    [InlineData("tcp://[fd00::1]", false, "Tcp", "fd00::1", 2375, false, "[fd00::1]:2375")]
    [InlineData("tcp://h:65535", false, "Tcp", "h", 65535, false, "h:65535")]
    [InlineData("tcp://h:1", false, "Tcp", "h", 1, false, "h:1")]
    public void Parse_DockerHostForms_Endpoint(string host, bool tls, string kind, string address, int port,
        bool expectTls, string hostHeader)
    {
        DockerEndpoint e = DockerEndpoint.Parse(host, tls, "/v1.41");

        Assert.Equal(new DockerEndpoint(Enum.Parse<EndpointKind>(kind), address, port, expectTls, "/v1.41"), e);
        Assert.Equal(hostHeader, e.HostHeader);
    }

    [Theory]
    [InlineData("unix://relative.sock")]
    [InlineData("unix://")]
    [InlineData("ssh://user@host")]
    [InlineData("npipe:////./pipe/docker_engine")]
    [InlineData("/var/run/docker.sock")]
    [InlineData("10.0.0.1:2375")]
    [InlineData("tcp://")]
    [InlineData("tcp://:2375")]
    [InlineData("tcp://h:0")]
    [InlineData("tcp://h:65536")]
    [InlineData("tcp://h:-1")]
    [InlineData("tcp://h:+80")]
    [InlineData("tcp://h:80x")]
    [InlineData("tcp://h:99999999999")]
    [InlineData("tcp://h:2375/path")]
    [InlineData("tcp://[::1")]
    [InlineData("tcp://[::1]:x")]
    public void Parse_BadHost_EndpointException(string host)
    {
        Assert.Throws<EndpointException>(() => DockerEndpoint.Parse(host, false, ""));
    }

    private static DockerEndpoint Resolve(string? dockerd, Dictionary<string, string>? vars = null)
    {
        string dir = Paths.TempDir("dmep");
        try
        {
            if (dockerd != null)
            {
                File.WriteAllText(Path.Combine(dir, "dockerd"), dockerd);
            }

            return DockerEndpoint.Resolve(n => vars != null && vars.TryGetValue(n, out string? v) ? v : null, dir, TextWriter.Null);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    private const string Dockerd = """
        config globals 'globals'
        	option data_root '/opt/docker/'
        	list hosts 'unix:///opt/run/docker.sock'
        	list hosts 'tcp://0.0.0.0:2375'
        	option api_version 'v1.41'
        """;

    [Fact]
    public void Resolve_NothingConfigured_DefaultSocketUnversioned()
    {
        Assert.Equal(new DockerEndpoint(EndpointKind.Unix, "/var/run/docker.sock", 0, false, ""), Resolve(null));
    }

    [Fact]
    public void Resolve_UciDockerd_FirstHostAndApiVersion()
    {
        Assert.Equal(new DockerEndpoint(EndpointKind.Unix, "/opt/run/docker.sock", 0, false, "/v1.41"), Resolve(Dockerd));
    }

    [Fact]
    public void Resolve_UciHostsAsOption_Used()
    {
        DockerEndpoint e = Resolve("config globals 'globals'\n\toption hosts 'tcp://192.168.1.2'\n");

        Assert.Equal(new DockerEndpoint(EndpointKind.Tcp, "192.168.1.2", 2375, false, ""), e);
    }

    [Fact]
    public void Resolve_UciTlsOption_TlsPort()
    {
        DockerEndpoint e = Resolve("config globals 'globals'\n\tlist hosts 'tcp://192.168.1.2'\n\toption tls '1'\n");

        Assert.Equal(new DockerEndpoint(EndpointKind.Tcp, "192.168.1.2", 2376, true, ""), e with { TlsFiles = null });
        Assert.Equal(new TlsFiles("/etc/dockerman/certs/ca.pem", null, null, true), e.TlsFiles);
    }

    [Fact]
    public void Resolve_DockerCertPath_TheDockerCliLayout()
    {
        string certs = Dockerman.Tests.Support.Paths.TempDir("certs");
        File.WriteAllText(Path.Combine(certs, "cert.pem"), "");
        File.WriteAllText(Path.Combine(certs, "key.pem"), "");

        DockerEndpoint e = Resolve(null, new() { ["DOCKER_HOST"] = "tcp://10.0.0.2:2376", ["DOCKER_CERT_PATH"] = certs });

        Assert.Equal(new TlsFiles($"{certs}/ca.pem", $"{certs}/cert.pem", $"{certs}/key.pem", true), e.TlsFiles);
    }

    [Fact]
    public void Resolve_DockerHostAndApiVersionVariables_WinOverUci()
    {
        DockerEndpoint e = Resolve(Dockerd, new() { ["DOCKER_HOST"] = "unix:///x.sock", ["DOCKER_API_VERSION"] = "1.40" });

        Assert.Equal(new DockerEndpoint(EndpointKind.Unix, "/x.sock", 0, false, "/v1.40"), e);
    }

    [Fact]
    public void Resolve_DockerTlsVerify_Tls()
    {
        DockerEndpoint e = Resolve(null, new() { ["DOCKER_HOST"] = "tcp://h", ["DOCKER_TLS_VERIFY"] = "1" });

        Assert.True(e.Tls);
        Assert.Equal(2376, e.Port);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("v1")]
    [InlineData("v1.")]
    [InlineData("v.41")]
    [InlineData("v1.x")]
    [InlineData("latest")]
    [InlineData("v1.41/../..")]
    [InlineData("v1.41?x")]
    [InlineData("v12345.678")]
    public void Resolve_BadApiVersion_EndpointException(string version)
    {
        Assert.Throws<EndpointException>(() => Resolve($"config globals 'globals'\n\toption api_version '{version}'\n"));
        Assert.Throws<EndpointException>(() => Resolve(null, new() { ["DOCKER_API_VERSION"] = version }));
    }

    [Fact]
    public void Resolve_UnnamedGlobalsSection_Used()
    {
        DockerEndpoint e = Resolve("config globals\n\tlist hosts 'unix:///anon.sock'\n");

        Assert.Equal("/anon.sock", e.Address);
    }
}
