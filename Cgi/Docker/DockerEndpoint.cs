using System.Globalization;
using Dockerman.Config;
using Dockerman.Docker.Tls;

namespace Dockerman.Docker;

internal enum EndpointKind { Unix, Tcp }

/// <summary>Where the daemon listens, and the API version prefix for every path.</summary>
internal sealed record DockerEndpoint(EndpointKind Kind, string Address, int Port, bool Tls, string ApiPrefix)
{
    public const string DefaultSocket = "/var/run/docker.sock";

    /// <summary>Where the PEM files are when nothing else names them (DOCKER_CERT_PATH, cert_path).</summary>
    public const string DefaultCertPath = "/etc/dockerman/certs";

    /// <summary>The endpoint's name: <c>default</c>, or its <c>config endpoint</c> section.</summary>
    public string Name { get; init; } = "default";

    /// <summary>For a TLS endpoint: the CA, the client certificate and key, verification on or off.</summary>
    public TlsFiles? TlsFiles { get; init; }

    /// <summary>The Host header: the daemon ignores it on a Unix socket, but HTTP/1.1 requires one.</summary>
    public string HostHeader => Kind == EndpointKind.Unix ? "docker" :
        Address.Contains(':', StringComparison.Ordinal) ? $"[{Address}]:{Port}" : $"{Address}:{Port}";

    public override string ToString() => Kind == EndpointKind.Unix ? $"unix://{Address}" : $"tcp://{HostHeader}";

    /// <summary>The docker CLI's flags for the same TLS set-up: <c>--tlsverify --tlscacert … --tlscert … --tlskey …</c>,
    /// or <c>--tls</c> without verification; none without TLS.</summary>
    public List<string> CliTlsFlags()
    {
        var flags = new List<string>(7);
        if (!Tls)
        {
            return flags;
        }

        TlsFiles files = TlsFiles ?? TlsFiles.FromFolder(DefaultCertPath, true);
        flags.Add(files.Verify ? "--tlsverify" : "--tls");
        if (files.Verify && files.Ca != null)
        {
            flags.Add("--tlscacert");
            flags.Add(files.Ca);
        }

        if (files.Cert != null && files.Key != null)
        {
            flags.Add("--tlscert");
            flags.Add(files.Cert);
            flags.Add("--tlskey");
            flags.Add(files.Key);
        }

        return flags;
    }

    /// <summary>
    /// DOCKER_HOST if set; else the first <c>hosts</c> entry of section <c>globals</c> in the UCI
    /// file <c>dockerd</c>; else the default socket. <c>api_version</c> there prefixes every path.
    /// </summary>
    public static DockerEndpoint Resolve(Func<string, string?> getVariable, string configDir, TextWriter stderr) =>
        Resolve(getVariable, configDir, stderr, null);

    /// <summary>As above; a TLS endpoint gets its files from DOCKER_CERT_PATH, else the TLS options of
    /// <paramref name="settings"/> (<c>tlscacert</c>, <c>tlscert</c>, <c>tlskey</c>, <c>cert_path</c>, <c>tlsverify</c>).</summary>
    public static DockerEndpoint Resolve(Func<string, string?> getVariable, string configDir, TextWriter stderr, Settings? settings)
    {
        UciSection? globals = Uci.Find(Uci.Load(configDir, "dockerd", stderr), "globals", "globals");
        string prefix = "";
        string? version = getVariable("DOCKER_API_VERSION") is { Length: > 0 } v ? v
            : globals?.Options.GetValueOrDefault("api_version");
        if (!string.IsNullOrEmpty(version))
        {
            prefix = PrefixFor(version);
        }

        string? host = getVariable("DOCKER_HOST");
        if (string.IsNullOrEmpty(host))
        {
            host = globals?.Values("hosts") is { Count: > 0 } hosts ? hosts[0] : null;
        }

        bool tlsOption = globals?.Options.GetValueOrDefault("tls") == "1" ||
                         getVariable("DOCKER_TLS_VERIFY") is { Length: > 0 } and not "0";
        DockerEndpoint endpoint = string.IsNullOrEmpty(host)
            ? new DockerEndpoint(EndpointKind.Unix, DefaultSocket, 0, false, prefix)
            : Parse(host, tlsOption, prefix);
        if (!endpoint.Tls)
        {
            return endpoint;
        }

        TlsFiles files = getVariable("DOCKER_CERT_PATH") is { Length: > 0 } certPath
            ? TlsFiles.FromFolder(certPath, settings?.Tls.Verify ?? true)
            : settings?.Tls.Files() ?? TlsFiles.FromFolder(DefaultCertPath, true);
        files.Warn(endpoint.ToString(), stderr);
        return endpoint with { TlsFiles = files };
    }

    public static DockerEndpoint Parse(string host, bool tls, string prefix)
    {
        if (host.StartsWith("unix://", StringComparison.Ordinal))
        {
            string path = host["unix://".Length..];
            if (!path.StartsWith('/'))
            {
                throw new EndpointException($"'{host}': the socket path must be absolute");
            }

            return new DockerEndpoint(EndpointKind.Unix, path, 0, false, prefix);
        }

        string rest;
        if (host.StartsWith("tcp://", StringComparison.Ordinal))
        {
            rest = host["tcp://".Length..];
        }
        else if (host.StartsWith("http://", StringComparison.Ordinal))
        {
            rest = host["http://".Length..];
        }
        else if (host.StartsWith("https://", StringComparison.Ordinal))
        {
            rest = host["https://".Length..];
            tls = true;
        }
        else
        {
            throw new EndpointException($"'{host}': expected unix:// or tcp://");
        }

        rest = rest.TrimEnd('/');
        string address;
        string portText;
        if (rest.StartsWith('['))
        {
            int close = rest.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                throw new EndpointException($"'{host}': unterminated [IPv6] address");
            }

            address = rest[1..close];
            portText = rest[(close + 1)..].TrimStart(':');
        }
        else
        {
            int colon = rest.LastIndexOf(':');
            address = colon < 0 ? rest : rest[..colon];
            portText = colon < 0 ? "" : rest[(colon + 1)..];
        }

        int port = tls ? 2376 : 2375;
        if (portText.Length > 0 &&
            (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535))
        {
            throw new EndpointException($"'{host}': bad port");
        }

        if (address.Length == 0)
        {
            throw new EndpointException($"'{host}': no host");
        }

        // 2376 is Docker's TLS port by convention.
        return new DockerEndpoint(EndpointKind.Tcp, address, port, tls || port == 2376, prefix);
    }

    /// <summary>"/v1.41" for <c>v1.41</c> or <c>1.41</c>.</summary>
    public static string PrefixFor(string version)
    {
        string bare = version.TrimStart('v');
        return IsApiVersion(bare) ? "/v" + bare : throw new EndpointException($"api_version '{version}' is not like v1.47");
    }

    private static bool IsApiVersion(string v)
    {
        int dot = v.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 && dot < v.Length - 1 && v.Length <= 8 &&
               v.AsSpan(0, dot).ContainsOnlyDigits() && v.AsSpan(dot + 1).ContainsOnlyDigits();
    }
}

internal sealed class EndpointException(string message) : Exception(message);
