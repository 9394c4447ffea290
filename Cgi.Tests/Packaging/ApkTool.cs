using System.Diagnostics;
using Dockerman.Tests.Support;

namespace Dockerman.Tests.Packaging;

/// <summary>
/// apk-tools 3, the package manager of OpenWrt 25.12, as built by build/apk-tools.sh (make apk
/// does): the tool that reads, extracts and installs the .apk files under test.
/// </summary>
public static class ApkTool
{
    public static string Binary
    {
        get
        {
            string path = Path.Combine(Paths.RepoRoot, "out", "apk-tools", "apk");
            if (!File.Exists(path))
            {
                throw new InvalidOperationException($"apk-tools is missing at {path}: run 'make apk' (make test does)");
            }

            return path;
        }
    }

    /// <summary>Runs apk with <paramref name="args"/>, without the host's /etc/apk/config; returns exit code, stdout and stderr.</summary>
    public static (int ExitCode, string Stdout, string Stderr) Run(params string[] args)
    {
        var psi = new ProcessStartInfo(Binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["APK_CONFIG"] = "/dev/null";
        using Process p = Process.Start(psi)!;
        Task<string> err = p.StandardError.ReadToEndAsync();
        string output = p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            p.Kill(true);
            throw new TimeoutException($"apk {string.Join(' ', args)} did not finish");
        }

        return (p.ExitCode, output, err.Result);
    }

    /// <summary>Runs apk and asserts that it succeeded; returns its stdout.</summary>
    public static string Ok(params string[] args)
    {
        (int exit, string stdout, string stderr) = Run(args);
        if (exit != 0)
        {
            throw new InvalidOperationException($"apk {string.Join(' ', args)} failed ({exit}): {stderr}{stdout}");
        }

        return stdout;
    }
}
