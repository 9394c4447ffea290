namespace Dockerman.Docker.Tls;

/// <summary>
/// Where a TLS endpoint's PEM files are, and whether the daemon's certificate is checked. The
/// files are read for every connection and never printed: only their paths appear in messages.
/// <paramref name="Cert"/> and <paramref name="Key"/> are both set or both null (no client certificate).
/// </summary>
internal sealed record TlsFiles(string? Ca, string? Cert, string? Key, bool Verify)
{
    /// <summary>The docker CLI's layout: ca.pem, cert.pem and key.pem in one folder. Client files
    /// that are not there are left out (a daemon that wants them will say so).</summary>
    public static TlsFiles FromFolder(string folder, bool verify)
    {
        string cert = Path.Combine(folder, "cert.pem");
        string key = Path.Combine(folder, "key.pem");
        bool own = File.Exists(cert) || File.Exists(key);
        return new TlsFiles(Path.Combine(folder, "ca.pem"), own ? cert : null, own ? key : null, verify);
    }

    /// <summary>One line for a job's request file: verify, then the three paths, tab-separated (paths only, never contents).</summary>
    public string ToLine() => $"{(Verify ? "1" : "0")}\t{Ca}\t{Cert}\t{Key}";

    /// <summary>The line of <see cref="ToLine"/> back; null for an empty line (no TLS).</summary>
    public static TlsFiles? FromLine(string line)
    {
        string[] parts = line.Split('\t');
        if (parts.Length != 4)
        {
            return null;
        }

        static string? Path(string p) => p.Length == 0 ? null : p;
        return new TlsFiles(Path(parts[1]), Path(parts[2]), Path(parts[3]), parts[0] != "0");
    }

    /// <summary>Warnings for stderr: verification off, a key file others can read.</summary>
    public void Warn(string endpoint, TextWriter stderr)
    {
        if (!Verify)
        {
            stderr.WriteLine($"dockerman: warning: {endpoint}: TLS without verifying the daemon's certificate");
        }

        if (Key != null && OthersCanRead(Key))
        {
            stderr.WriteLine($"dockerman: warning: the key file {Key} is readable by others than its owner (chmod 600 it)");
        }
    }

    private static bool OthersCanRead(string path)
    {
        try
        {
            UnixFileMode mode = File.GetUnixFileMode(path);
            return (mode & (UnixFileMode.GroupRead | UnixFileMode.OtherRead)) != 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false; // reading it will say what is wrong
        }
    }
}
