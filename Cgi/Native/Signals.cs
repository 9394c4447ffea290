using System.Globalization;
using System.Runtime.InteropServices;

namespace Dockerman.Native;

/// <summary>kill(2), for stopping a process dockerman itself started, and the way to know it is still that process.</summary>
internal static partial class Signals
{
    public const int SigTerm = 15;

    public static bool Kill(int pid, int signal) => kill(pid, signal) == 0;

    /// <summary>The pid written in <paramref name="pidFile"/>, while that process's command line
    /// (/proc/&lt;pid&gt;/cmdline, arguments NUL-separated) still contains every one of
    /// <paramref name="marks"/>: a pid the kernel reused names something else. Null when either file
    /// is missing or unreadable, or the pid is not a plausible one.</summary>
    public static int? OwnedPid(string pidFile, params string[] marks)
    {
        try
        {
            if (!int.TryParse(File.ReadAllText(pidFile).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int pid) || pid <= 1)
            {
                return null;
            }

            string cmdline = File.ReadAllText($"/proc/{pid}/cmdline");
            foreach (string mark in marks)
            {
                if (!cmdline.Contains(mark, StringComparison.Ordinal))
                {
                    return null;
                }
            }

            return pid;
        }
        catch (IOException)
        {
            return null; // FileNotFoundException and DirectoryNotFoundException among them
        }
    }

    [LibraryImport("libc")]
    private static partial int kill(int pid, int signal);
}
