using System.Globalization;

namespace Dockerman.Config;

internal enum AuthMode { Luci, Token }

/// <summary>
/// The options of <c>config dockerman 'main'</c>. Unknown options and bad values are reported
/// on stderr (uhttpd sends it to the system log) and replaced by their defaults.
/// </summary>
internal sealed class Settings
{
    public AuthMode Auth { get; private set; } = AuthMode.Luci;

    public string AclGroup { get; private set; } = "luci-app-dockerman";

    public string TokenFile { get; private set; } = "/etc/dockerman/token";

    public string? UbusSocket { get; private set; }

    /// <summary>Seconds from start after which long streams end cleanly.</summary>
    public int StreamDeadline { get; private set; } = 55;

    public int Heartbeat { get; private set; } = 20;

    /// <summary>Seconds the daemon may stay silent inside a reply's unit (a chunk, a log frame, a JSON
    /// document, a download) or stop reading an upload. Well under uhttpd's 30 s network_timeout,
    /// which would otherwise end the client's connection with a reply that may look complete.</summary>
    public int IdleTimeout { get; private set; } = 15;

    public int MaxJsonBody { get; private set; } = Http.Limits.DefaultMaxJsonBody;

    public string JobsDir { get; private set; } = "/tmp/dockerman/jobs";

    public string LogLevel { get; private set; } = "warn";

    /// <summary>The ttyd program container/ttyd_start runs.</summary>
    public string Ttyd { get; private set; } = "/usr/bin/ttyd";

    /// <summary>The docker CLI that ttyd runs for the console.</summary>
    public string DockerCli { get; private set; } = "/usr/bin/docker";

    /// <summary>TLS to the default daemon: the certificate files and verification.</summary>
    public Docker.Tls.TlsOptions Tls { get; } = new(Docker.DockerEndpoint.DefaultCertPath);

    private static readonly string[] LogLevels = ["error", "warn", "info", "debug"];

    /// <summary>A front door whose caller gives up sooner (rpcd) ends streams by then at the latest.</summary>
    public void LimitStreamDeadline(int seconds) => StreamDeadline = Math.Min(StreamDeadline, seconds);

    public static Settings Load(string configDir, TextWriter stderr)
    {
        var settings = new Settings();
        UciSection? uhttpd = Uci.Find(Uci.Load(configDir, "uhttpd", stderr), "uhttpd", "main");
        if (uhttpd?.Options.TryGetValue("script_timeout", out string? scriptTimeout) == true &&
            int.TryParse(scriptTimeout, NumberStyles.None, CultureInfo.InvariantCulture, out int timeout) && timeout > 0)
        {
            // End our streams 5 s before uhttpd's SIGKILL, so they end cleanly.
            settings.StreamDeadline = Math.Max(1, timeout - 5);
        }

        UciSection? section = Uci.Find(Uci.Load(configDir, "dockerman", stderr), "dockerman", "main");
        if (section != null)
        {
            settings.Apply(section, stderr);
        }

        return settings;
    }

    private void Apply(UciSection section, TextWriter stderr)
    {
        foreach ((string key, string value) in section.Options)
        {
            switch (key)
            {
                case "auth":
                    if (value == "luci") { Auth = AuthMode.Luci; }
                    else if (value == "token") { Auth = AuthMode.Token; }
                    else { Bad(stderr, key, value, "luci or token", "luci"); }
                    break;
                case "acl_group":
                    if (IsPlainName(value)) { AclGroup = value; }
                    else { Bad(stderr, key, value, "a group name", AclGroup); }
                    break;
                case "token_file":
                    TokenFile = AbsolutePath(stderr, key, value, TokenFile);
                    break;
                case "ubus_socket":
                    // A bad value leaves the default: the usual socket, or the older one when that is missing.
                    if (value.StartsWith('/')) { UbusSocket = value; }
                    else { Bad(stderr, key, value, "an absolute path", Dockerman.Auth.Ubus.UbusConstants.DefaultSocket); }
                    break;
                case "stream_deadline":
                    StreamDeadline = Number(stderr, key, value, 1, 86400, StreamDeadline);
                    break;
                case "heartbeat":
                    Heartbeat = Number(stderr, key, value, 1, 3600, Heartbeat);
                    break;
                case "idle_timeout":
                    IdleTimeout = Number(stderr, key, value, 1, 3600, IdleTimeout);
                    break;
                case "max_json_body":
                    MaxJsonBody = Number(stderr, key, value, 1024, 64 * 1024 * 1024, MaxJsonBody);
                    break;
                case "jobs_dir":
                    JobsDir = AbsolutePath(stderr, key, value, JobsDir);
                    break;
                case "ttyd":
                    Ttyd = AbsolutePath(stderr, key, value, Ttyd);
                    break;
                case "docker_cli":
                    DockerCli = AbsolutePath(stderr, key, value, DockerCli);
                    break;
                case "log_level":
                    if (Array.IndexOf(LogLevels, value) >= 0) { LogLevel = value; }
                    else { Bad(stderr, key, value, string.Join(", ", LogLevels), LogLevel); }
                    break;
                case "luci_aliases":
                    // Read by the package's install script (uhttpd aliases for the LuCI pages), not here.
                    if (value is not ("0" or "1")) { Bad(stderr, key, value, "0 or 1", "1"); }
                    break;
                default:
                    if (!Tls.Apply(key, value, "config dockerman", stderr))
                    {
                        stderr.WriteLine($"dockerman: unknown option '{key}' in config dockerman, ignored");
                    }


                    break;
            }
        }

        foreach (string key in section.Lists.Keys)
        {
            stderr.WriteLine($"dockerman: unknown list '{key}' in config dockerman, ignored");
        }
    }

    private static string AbsolutePath(TextWriter stderr, string key, string value, string fallback)
    {
        if (value.StartsWith('/'))
        {
            return value;
        }

        Bad(stderr, key, value, "an absolute path", fallback);
        return fallback;
    }

    private static int Number(TextWriter stderr, string key, string value, int min, int max, int fallback)
    {
        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n >= min && n <= max)
        {
            return n;
        }

        Bad(stderr, key, value, $"a whole number from {min} to {max}", fallback.ToString(CultureInfo.InvariantCulture));
        return fallback;
    }

    private static void Bad(TextWriter stderr, string key, string value, string expected, string fallback) =>
        stderr.WriteLine($"dockerman: option {key} '{value}' is not {expected}; using {fallback}");

    private static bool IsPlainName(string value) =>
        value.Length is > 0 and <= 64 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
}
