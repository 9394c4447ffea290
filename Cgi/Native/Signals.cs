using System.Runtime.InteropServices;

namespace Dockerman.Native;

/// <summary>kill(2), for stopping a process dockerman itself started.</summary>
internal static partial class Signals
{
    public const int SigTerm = 15;
    public const int SigKill = 9;

    public static bool Kill(int pid, int signal) => kill(pid, signal) == 0;

    [LibraryImport("libc")]
    private static partial int kill(int pid, int signal);
}
