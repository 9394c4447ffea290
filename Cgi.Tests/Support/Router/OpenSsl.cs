using System.Diagnostics;

namespace Dockerman.Tests.Support.Router;

/// <summary>The openssl CLI, for what a router's admin makes with it.</summary>
public static class OpenSsl
{
    /// <summary>A password as a router stores it for rpcd: <c>openssl passwd -1</c> ($1$, MD5-crypt).</summary>
    public static string PasswdMd5(string password, string? salt = null)
    {
        string[] args = salt == null ? ["passwd", "-1", password] : ["passwd", "-1", "-salt", salt, password];
        string hash = Run(args).Trim();
        if (!hash.StartsWith("$1$", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"openssl passwd -1 gave '{hash}'");
        }

        return hash;
    }

    private static string Run(string[] args)
    {
        var psi = new ProcessStartInfo("openssl")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        Process p;
        try
        {
            p = Process.Start(psi)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("openssl not found: apt-get install openssl (make test does)", e);
        }

        using (p)
        {
            Task<string> err = p.StandardError.ReadToEndAsync();
            string output = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            if (p.ExitCode != 0)
            {
                throw new InvalidOperationException($"openssl failed: {err.Result}");
            }

            return output;
        }
    }
}
