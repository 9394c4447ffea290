namespace Dockerman.Docker.Tls;

/// <summary>
/// The TLS options of a UCI section (<c>config dockerman 'main'</c> for the default daemon, or a
/// <c>config endpoint</c>): <c>tlsverify</c>, <c>cert_path</c>, <c>tlscacert</c>, <c>tlscert</c>, <c>tlskey</c>.
/// </summary>
internal sealed class TlsOptions(string certPath)
{
    public static readonly string[] Keys = ["tlsverify", "cert_path", "tlscacert", "tlscert", "tlskey"];

    /// <summary>Check the daemon's certificate (off only by <c>tlsverify '0'</c>).</summary>
    public bool Verify { get; private set; } = true;

    /// <summary>A folder with ca.pem, cert.pem and key.pem, as DOCKER_CERT_PATH.</summary>
    public string CertPath { get; private set; } = certPath;

    public string? CaCert { get; private set; }

    public string? Cert { get; private set; }

    public string? Key { get; private set; }

    /// <summary>Takes one option; false when <paramref name="key"/> is not a TLS option.</summary>
    public bool Apply(string key, string value, string where, TextWriter stderr)
    {
        if (Array.IndexOf(Keys, key) < 0)
        {
            return false;
        }

        if (key == "tlsverify")
        {
            if (value is "0" or "1")
            {
                Verify = value == "1";
            }
            else
            {
                stderr.WriteLine($"dockerman: option tlsverify '{value}' in {where} is not 0 or 1; using 1");
            }

            return true;
        }

        if (!value.StartsWith('/'))
        {
            stderr.WriteLine($"dockerman: option {key} '{value}' in {where} is not an absolute path; ignored");
            return true;
        }

        switch (key)
        {
            case "cert_path": CertPath = value; break;
            case "tlscacert": CaCert = value; break;
            case "tlscert": Cert = value; break;
            default: Key = value; break;
        }

        return true;
    }

    /// <summary>The PEM files: each named option, else its file in <see cref="CertPath"/>.</summary>
    public TlsFiles Files()
    {
        TlsFiles folder = TlsFiles.FromFolder(CertPath, Verify);
        bool own = Cert != null || Key != null;
        return new TlsFiles(CaCert ?? folder.Ca,
            own ? Cert ?? Path.Combine(CertPath, "cert.pem") : folder.Cert,
            own ? Key ?? Path.Combine(CertPath, "key.pem") : folder.Key, Verify);
    }
}
