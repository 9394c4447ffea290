using System.Text.Json;
using Dockerman.CgiIo;
using Dockerman.Config;
using Dockerman.Docker.Tls;
using Dockerman.Hosting;

namespace Dockerman.Docker;

/// <summary>
/// The daemons one router manages: the default one (DOCKER_HOST, the <c>dockerd</c> file, the
/// local socket) and each <c>config endpoint 'name'</c> section of the <c>dockerman</c> file. A
/// request picks one with <c>endpoint=&lt;name&gt;</c> (query or form value).
/// </summary>
internal static class Endpoints
{
    public const string DefaultName = "default";

    private const string SectionType = "endpoint";

    /// <summary>The endpoint a request asked for; the default one when it named none.</summary>
    public static DockerEndpoint Choose(string? name, ProcessEnv env, Settings settings)
    {
        if (string.IsNullOrEmpty(name) || name == DefaultName)
        {
            return DockerEndpoint.Resolve(env.GetVariable, env.ConfigDir, env.Stderr, settings);
        }

        if (!IsName(name))
        {
            throw ApiException.BadRequest("endpoint: expected a name of letters, digits, '_', '-' or '.'");
        }

        foreach (UciSection section in Uci.Load(env.ConfigDir, "dockerman", env.Stderr) ?? [])
        {
            if (section.Type == SectionType && section.Name == name)
            {
                return FromSection(section, env.Stderr, warn: true);
            }
        }

        throw ApiException.BadRequest($"endpoint '{name}' is not configured");
    }

    /// <summary>endpoint/list: names, hosts and whether TLS is used and verified; never the files.</summary>
    public static byte[] ListJson(ProcessEnv env, Settings settings) => Json.Document(w =>
    {
        w.WriteStartArray();
        try
        {
            Write(w, DefaultName, DockerEndpoint.Resolve(env.GetVariable, env.ConfigDir, TextWriter.Null, settings), null);
        }
        catch (EndpointException e)
        {
            Write(w, DefaultName, null, e.Message);
        }

        foreach (UciSection section in Uci.Load(env.ConfigDir, "dockerman", TextWriter.Null) ?? [])
        {
            if (section.Type != SectionType || section.Name == null || section.Name == DefaultName || !IsName(section.Name))
            {
                continue;
            }

            try
            {
                Write(w, section.Name, FromSection(section, TextWriter.Null, warn: false), null);
            }
            catch (EndpointException e)
            {
                Write(w, section.Name, null, e.Message);
            }
        }

        w.WriteEndArray();
    });

    private static void Write(Utf8JsonWriter w, string name, DockerEndpoint? endpoint, string? error)
    {
        w.WriteStartObject();
        w.WriteString("name", name);
        w.WriteBoolean("default", name == DefaultName);
        if (endpoint != null)
        {
            w.WriteString("host", endpoint.ToString());
            w.WriteBoolean("tls", endpoint.Tls);
            w.WriteBoolean("verify", endpoint.Tls && endpoint.TlsFiles?.Verify != false);
            w.WriteBoolean("client_certificate", endpoint.Tls && endpoint.TlsFiles?.Cert != null);
        }
        else
        {
            w.WriteString("error", error);
        }

        w.WriteEndObject();
    }

    /// <summary>Letters, digits, '_', '-' and '.', at most 64.</summary>
    public static bool IsName(string name)
    {
        if (name.Length is 0 or > 64)
        {
            return false;
        }

        foreach (char c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('_' or '-' or '.'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// <c>option host</c> (required: unix://, tcp://, http://, https://), <c>option tls '1'</c>,
    /// <c>option api_version</c> and the TLS options (any of them but <c>tlsverify '0'</c> means TLS); the PEM files default to
    /// <c>/etc/dockerman/certs/&lt;name&gt;/</c>.
    /// </summary>
    private static DockerEndpoint FromSection(UciSection section, TextWriter stderr, bool warn)
    {
        string where = $"config endpoint '{section.Name}'";
        var tls = new TlsOptions(Path.Combine(DockerEndpoint.DefaultCertPath, section.Name!));
        string? host = null;
        bool tlsOption = false; // tls '1', or any TLS option
        bool tlsNamed = false;
        string prefix = "";
        foreach ((string key, string value) in section.Options)
        {
            switch (key)
            {
                case "host":
                    host = value;
                    break;
                case "tls":
                    tlsOption = value == "1";
                    break;
                case "api_version":
                    prefix = DockerEndpoint.PrefixFor(value);
                    break;
                default:
                    if (!tls.Apply(key, value, where, stderr))
                    {
                        stderr.WriteLine($"dockerman: unknown option '{key}' in {where}, ignored");
                    }
                    else
                    {
                        tlsNamed |= key != "tlsverify" || value == "1";
                    }

                    break;
            }
        }

        if (string.IsNullOrEmpty(host))
        {
            throw new EndpointException($"{where} has no option host");
        }

        DockerEndpoint endpoint = DockerEndpoint.Parse(host, tlsOption || tlsNamed, prefix) with { Name = section.Name! };
        if (!endpoint.Tls)
        {
            return endpoint;
        }

        TlsFiles files = tls.Files();
        if (warn)
        {
            files.Warn(endpoint.ToString(), stderr);
        }

        return endpoint with { TlsFiles = files };
    }
}
