using Dockerman.Tests.Support;

namespace Dockerman.Tests.Tls;

/// <summary>DOCKER_CERT_PATH folders made of the test certificates (build/testcerts.sh), in any mix.</summary>
public static class TlsFolders
{
    /// <summary>A folder with ca.pem from <paramref name="caFrom"/> and, when <paramref name="clientFrom"/>
    /// is given, cert.pem and key.pem from there (paths relative to the daemon's certificate folder).</summary>
    public static string Make(DockerDaemon daemon, string caFrom, string? clientFrom)
    {
        string dir = Paths.TempDir("tlsdir");
        File.Copy(Path.Combine(daemon.CertDir, caFrom), Path.Combine(dir, "ca.pem"));
        if (clientFrom != null)
        {
            File.Copy(Path.Combine(daemon.CertDir, clientFrom, "cert.pem"), Path.Combine(dir, "cert.pem"));
            File.Copy(Path.Combine(daemon.CertDir, clientFrom, "key.pem"), Path.Combine(dir, "key.pem"));
            File.SetUnixFileMode(Path.Combine(dir, "key.pem"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        return dir;
    }

    /// <summary>A runner for the daemon's TLS listener with the client certificate of the trusted CA.</summary>
    public static CgiRunner Runner(DockerDaemon daemon, string? certDir = null, string? host = null)
    {
        var cgi = new CgiRunner(host ?? daemon.TlsHost);
        cgi.BaseEnvironment["DOCKER_TLS_VERIFY"] = "1";
        cgi.BaseEnvironment["DOCKER_CERT_PATH"] = certDir ?? daemon.CertDir;
        return cgi;
    }
}
