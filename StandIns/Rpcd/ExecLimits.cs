namespace Dockerman.StandIns.Rpcd;

/// <summary>What rpcd allows an exec plugin.</summary>
internal static class ExecLimits
{
    /// <summary>RPC_EXEC_MAX_SIZE (4096 × 64): the most a plugin may write to stdout, and to stderr.
    /// One byte more and rpcd ends the call with NOT_SUPPORTED.</summary>
    public const int MaxOutput = 4096 * 64;

    /// <summary>rpcd's default exec timeout (its <c>-t</c>): then the plugin is SIGKILLed and the call
    /// answers TIMEOUT. (OpenWrt's init script passes <c>option timeout</c> of /etc/config/rpcd, 30 s
    /// in the default file.)</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(120);
}
