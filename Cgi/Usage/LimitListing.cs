using System.Globalization;
using System.Text;

namespace Dockerman.Usage;

/// <summary><c>dockerman --limits</c> and <c>dockerman --exit-codes</c>: <see cref="Limits"/> and
/// <see cref="ExitCodes"/> as Markdown tables, for the documentation that embeds them.</summary>
internal static class LimitListing
{
    public static string Limits()
    {
        var sb = new StringBuilder("| limit | value | what it bounds |\n|---|---|---|\n");
        foreach ((string name, long value, string unit, string bounds) in Http.Limits.Documented)
        {
            sb.Append("| ").Append(name).Append(" | ").Append(Amount(value, unit)).Append(" | ").Append(bounds).Append(" |\n");
        }

        return sb.ToString();
    }

    public static string ExitCodes()
    {
        var sb = new StringBuilder("| exit status | meaning |\n|---|---|\n");
        foreach ((int code, string meaning) in Relay.ExitCodes.Described)
        {
            sb.Append("| ").Append(code.ToString(CultureInfo.InvariantCulture)).Append(" | ").Append(meaning).Append(" |\n");
        }

        return sb.ToString();
    }

    /// <summary>Bytes in KiB or MiB when they divide evenly; other units as they are.</summary>
    private static string Amount(long value, string unit) => unit switch
    {
        "bytes" when value >= 1024 * 1024 && value % (1024 * 1024) == 0 => (value / (1024 * 1024)).ToString(CultureInfo.InvariantCulture) + " MiB",
        "bytes" when value >= 1024 && value % 1024 == 0 => (value / 1024).ToString(CultureInfo.InvariantCulture) + " KiB",
        _ => value.ToString(CultureInfo.InvariantCulture) + " " + unit,
    };
}
