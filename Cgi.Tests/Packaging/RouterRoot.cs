using System.Diagnostics;
using Dockerman.Tests.Support;

namespace Dockerman.Tests.Packaging;

/// <summary>
/// A folder that looks like a router's root file system: busybox-static and its applet links,
/// nothing else (no libc, no loader), plus whatever a test unpacks into it. Programs run in it
/// with chroot and an empty environment. Dispose stops what was started, undoes the bind
/// mounts and deletes the folder.
/// </summary>
public sealed class RouterRoot : IDisposable
{
    private static readonly string[] Applets = ["sh", "httpd", "ls", "cat", "echo", "mkdir", "rm", "mv", "awk", "test", "["];

    private readonly List<string> _mounts = [];
    private readonly List<Process> _processes = [];

    public string Dir { get; } = Paths.TempDir("rroot");

    public RouterRoot()
    {
        string busybox = new[] { "/bin/busybox", "/usr/bin/busybox" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("busybox not found: apt-get install busybox-static (make deps does)");
        Directory.CreateDirectory(Path.Combine(Dir, "bin"));
        File.Copy(busybox, Path.Combine(Dir, "bin", "busybox"));
        foreach (string applet in Applets)
        {
            File.CreateSymbolicLink(Path.Combine(Dir, "bin", applet), "busybox");
        }

        foreach (string d in new[] { "dev", "tmp", "var/run", "etc/config" })
        {
            Directory.CreateDirectory(Path.Combine(Dir, d));
        }

        // Scripts redirect to /dev/null, as on any router.
        Host("mknod", "-m", "666", Path.Combine(Dir, "dev", "null"), "c", "1", "3");
    }

    /// <summary>The host path of a path inside the root.</summary>
    public string HostPath(string path) => Path.Combine(Dir, path.TrimStart('/'));

    public void WriteFile(string path, string text, UnixFileMode? mode = null)
    {
        string host = HostPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(host)!);
        File.WriteAllText(host, text);
        if (mode != null)
        {
            File.SetUnixFileMode(host, mode.Value);
        }
    }

    /// <summary>
    /// The <c>uci</c> command at /bin/uci: the project's stand-in (StandIns/Uci/uci.sh), a busybox sh
    /// and awk script that runs in this root as it is.
    /// </summary>
    public void InstallUci()
    {
        CopyIn(Path.Combine(Paths.RepoRoot, "StandIns", "Uci", "uci.sh"), "/bin/uci");
        File.SetUnixFileMode(HostPath("/bin/uci"), (UnixFileMode)0b111_101_101);
    }

    private void CopyIn(string hostFile, string path)
    {
        string target = HostPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.Copy(hostFile, target, overwrite: true); // a symlink's target, with its mode
    }

    /// <summary>Makes a host file (a socket) visible at <paramref name="path"/> inside the root.</summary>
    public void BindMount(string hostFile, string path)
    {
        string target = HostPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.WriteAllText(target, "");
        Host("mount", "--bind", hostFile, target);
        _mounts.Add(target);
    }

    /// <summary>Starts a program inside the root with an empty environment plus <paramref name="env"/>.</summary>
    public Process Start(Dictionary<string, string>? env, params string[] command)
    {
        var psi = new ProcessStartInfo("/usr/sbin/chroot")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(Dir);
        foreach (string c in command)
        {
            psi.ArgumentList.Add(c);
        }

        psi.Environment.Clear();
        psi.Environment["PATH"] = "/bin";
        foreach ((string k, string v) in env ?? new Dictionary<string, string>())
        {
            psi.Environment[k] = v;
        }

        Process p = Process.Start(psi)!;
        _processes.Add(p);
        return p;
    }

    /// <summary>Runs a program inside the root to its end; returns exit code, stdout and stderr.</summary>
    public (int ExitCode, string Stdout, string Stderr) Run(Dictionary<string, string>? env, params string[] command)
    {
        using Process p = Start(env, command);
        Task<string> err = p.StandardError.ReadToEndAsync();
        string output = p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(TimeSpan.FromSeconds(30)))
        {
            p.Kill(true);
            throw new TimeoutException($"{string.Join(' ', command)} did not finish inside the root");
        }

        _processes.Remove(p);
        return (p.ExitCode, output, err.Result);
    }

    private static void Host(string program, params string[] args)
    {
        using var p = Process.Start(new ProcessStartInfo(program, args) { RedirectStandardError = true })!;
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', args)} failed: {err}");
        }
    }

    public void Dispose()
    {
        foreach (Process p in _processes)
        {
            try
            {
                if (!p.HasExited)
                {
                    p.Kill(true);
                    p.WaitForExit(5000);
                }
            }
            catch (InvalidOperationException)
            {
            }

            p.Dispose();
        }

        foreach (string m in _mounts)
        {
            Host("umount", m);
        }

        // Never delete through a mount that is still there.
        if (_mounts.Count == 0 || File.ReadAllText("/proc/self/mounts").Contains(Dir, StringComparison.Ordinal) == false)
        {
            Directory.Delete(Dir, true);
        }
    }
}
