using System.Globalization;
using System.Net;
using Dockerman.StandIns.Rpcd;

namespace Dockerman.StandIns;

/// <summary>
/// The program's arguments:
/// <c>--ubus-socket PATH --config DIR --acl DIR --plugins DIR [--http ADDRESS:PORT] [--exec-timeout SECONDS] [--call-timeout SECONDS]</c>.
/// Exec plugins get this program's environment.
/// </summary>
internal static class CommandLine
{
    public const string Usage =
        "usage: dockerman-standins --ubus-socket PATH --config DIR --acl DIR --plugins DIR [--http ADDRESS:PORT]\n" +
        "                          [--exec-timeout SECONDS] [--call-timeout SECONDS]\n" +
        "  ubusd on PATH; rpcd with DIR/rpcd (config login), the ACL files of --acl and the exec plugins of\n" +
        "  --plugins; uhttpd's /ubus JSON-RPC on ADDRESS:PORT (port 0: a free one). Prints one line\n" +
        "  'ready ubus=PATH http=ADDRESS:PORT' when all listen; SIGTERM or SIGINT stops it.";

    /// <summary>The options, or null (with why on <paramref name="error"/>) when the arguments are wrong.</summary>
    public static StandInOptions? Parse(string[] args, out string error)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                error = $"'{args[i]}' is not an option with a value";
                return null;
            }

            values[args[i][2..]] = args[++i];
        }

        foreach (string required in (string[])["ubus-socket", "config", "acl", "plugins"])
        {
            if (!values.ContainsKey(required))
            {
                error = $"--{required} is missing";
                return null;
            }
        }

        IPEndPoint? http = null;
        if (values.TryGetValue("http", out string? address) && !IPEndPoint.TryParse(address, out http))
        {
            error = $"--http '{address}' is not ADDRESS:PORT";
            return null;
        }

        if (!Seconds(values, "exec-timeout", ExecLimits.DefaultTimeout, out TimeSpan exec) ||
            !Seconds(values, "call-timeout", TimeSpan.FromSeconds(60), out TimeSpan call))
        {
            error = "a timeout is a whole number of seconds above 0";
            return null;
        }

        foreach (string unknown in values.Keys.Except(["ubus-socket", "config", "acl", "plugins", "http", "exec-timeout", "call-timeout"]))
        {
            error = $"unknown option --{unknown}";
            return null;
        }

        error = "";
        return new StandInOptions(values["ubus-socket"], new RpcdFolders(values["config"], values["acl"], values["plugins"]))
        {
            Http = http,
            ExecTimeout = exec,
            CallTimeout = call,
            EchoLog = true,
        };
    }

    private static bool Seconds(Dictionary<string, string> values, string name, TimeSpan fallback, out TimeSpan value)
    {
        value = fallback;
        if (!values.TryGetValue(name, out string? text))
        {
            return true;
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int seconds) || seconds <= 0)
        {
            return false;
        }

        value = TimeSpan.FromSeconds(seconds);
        return true;
    }
}
