using System.Runtime.InteropServices;

namespace Dockerman.Native;

/// <summary>
/// Starts a program detached from this process with posix_spawn: a new session (so the web
/// server's SIGKILL of the CGI does not reach it), stdin/stdout/stderr on /dev/null (so the server
/// does not wait for it to close the CGI's pipe), argv passed as it is — no shell. Linked directly
/// against libc (DirectPInvoke), so the static binary needs nothing at run time.
/// </summary>
internal static unsafe partial class Spawn
{
    /// <summary>The PATH a started program gets: OpenWrt's, whatever the web server passed.</summary>
    public const string SafePath = "PATH=/usr/sbin:/usr/bin:/sbin:/bin";

    // glibc and musl agree on this value.
    private const short PosixSpawnSetSid = 0x80;
    private const int ORdWr = 2;

    // Opaque libc structures: generous sizes cover glibc (80 and 336 bytes) and musl.
    private const int FileActionsSize = 256;
    private const int AttrSize = 1024;

    /// <summary>Returns the child's pid, or throws <see cref="IOException"/> with the errno.
    /// <paramref name="environment"/> is the child's whole environment, as NAME=value.</summary>
    public static int Detached(string path, IReadOnlyList<string> args, IReadOnlyList<string> environment)
    {
        var allocations = new List<IntPtr>(args.Count + environment.Count + 3);
        byte* actions = stackalloc byte[FileActionsSize];
        byte* attr = stackalloc byte[AttrSize];
        try
        {
            IntPtr* argv = stackalloc IntPtr[args.Count + 2];
            argv[0] = Utf8(path, allocations);
            for (int i = 0; i < args.Count; i++)
            {
                argv[i + 1] = Utf8(args[i], allocations);
            }

            argv[args.Count + 1] = IntPtr.Zero;
            IntPtr* envp = stackalloc IntPtr[environment.Count + 1];
            for (int i = 0; i < environment.Count; i++)
            {
                envp[i] = Utf8(environment[i], allocations);
            }

            envp[environment.Count] = IntPtr.Zero;
            IntPtr devNull = Utf8("/dev/null", allocations);
            Check(posix_spawn_file_actions_init(actions));
            Check(posix_spawnattr_init(attr));
            try
            {
                for (int fd = 0; fd <= 2; fd++)
                {
                    Check(posix_spawn_file_actions_addopen(actions, fd, devNull, ORdWr, 0));
                }

                Check(posix_spawnattr_setflags(attr, PosixSpawnSetSid));
                int pid;
                Check(posix_spawn(&pid, argv[0], actions, attr, argv, envp));
                return pid;
            }
            finally
            {
                posix_spawn_file_actions_destroy(actions);
                posix_spawnattr_destroy(attr);
            }
        }
        finally
        {
            foreach (IntPtr p in allocations)
            {
                Marshal.FreeCoTaskMem(p);
            }
        }
    }

    private static IntPtr Utf8(string s, List<IntPtr> allocations)
    {
        IntPtr p = Marshal.StringToCoTaskMemUTF8(s);
        allocations.Add(p);
        return p;
    }

    private static void Check(int error)
    {
        if (error != 0)
        {
            throw new IOException($"posix_spawn: error {error}");
        }
    }

    [LibraryImport("libc", EntryPoint = "posix_spawn")]
    private static partial int posix_spawn(int* pid, IntPtr path, byte* actions, byte* attr, IntPtr* argv, IntPtr* envp);

    [LibraryImport("libc")]
    private static partial int posix_spawn_file_actions_init(byte* actions);

    [LibraryImport("libc")]
    private static partial int posix_spawn_file_actions_destroy(byte* actions);

    [LibraryImport("libc")]
    private static partial int posix_spawn_file_actions_addopen(byte* actions, int fd, IntPtr path, int flags, uint mode);

    [LibraryImport("libc")]
    private static partial int posix_spawnattr_init(byte* attr);

    [LibraryImport("libc")]
    private static partial int posix_spawnattr_destroy(byte* attr);

    [LibraryImport("libc")]
    private static partial int posix_spawnattr_setflags(byte* attr, short flags);
}
