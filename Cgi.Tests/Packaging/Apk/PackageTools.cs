using System.Diagnostics;
using Dockerman.Tests.Support;
using Xunit;

namespace Dockerman.Tests.Packaging.Apk;

/// <summary>The package builders and the key tools as the tests run them: scripts of build/, openssl, signify-openbsd.</summary>
public static class PackageTools
{
    /// <summary>Runs <paramref name="command"/> with /bin/sh in <paramref name="dir"/>; a null value in <paramref name="env"/> removes that variable.</summary>
    public static string Run(string dir, string command, Dictionary<string, string?>? env = null)
    {
        var psi = new ProcessStartInfo("/bin/sh", ["-c", command])
        {
            WorkingDirectory = dir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        psi.Environment.Remove("APK_SIGN_KEY");
        psi.Environment.Remove("OPKG_SIGN_KEY");
        foreach ((string k, string? v) in env ?? [])
        {
            if (v == null)
            {
                psi.Environment.Remove(k);
            }
            else
            {
                psi.Environment[k] = v;
            }
        }

        using Process p = Process.Start(psi)!;
        Task<string> err = p.StandardError.ReadToEndAsync();
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"{command}: {err.Result}");
        return output;
    }

    /// <summary>A throwaway ECDSA P-256 key as OpenWrt makes its own: (private key PEM path, public key PEM path).</summary>
    public static (string Private, string Public) EcKey(string dir)
    {
        Run(dir, "openssl ecparam -name prime256v1 -genkey -noout -out apk.pem && openssl ec -in apk.pem -pubout -out apk.pub.pem 2>/dev/null");
        return (Path.Combine(dir, "apk.pem"), Path.Combine(dir, "apk.pub.pem"));
    }

    /// <summary>A throwaway signify (Ed25519) key pair without a passphrase: (secret key path, public key path).</summary>
    public static (string Secret, string Public) SignifyKey(string dir)
    {
        Run(dir, "signify-openbsd -G -n -c 'dockerman test feed' -p opkg.pub -s opkg.sec");
        return (Path.Combine(dir, "opkg.sec"), Path.Combine(dir, "opkg.pub"));
    }

    /// <summary>True when signify-openbsd accepts <paramref name="signature"/> of <paramref name="message"/> with the public key.</summary>
    public static bool SignifyVerifies(string publicKey, string signature, string message)
    {
        var psi = new ProcessStartInfo("signify-openbsd", ["-V", "-q", "-p", publicKey, "-x", signature, "-m", message])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using Process p = Process.Start(psi)!;
        p.StandardOutput.ReadToEnd();
        p.StandardError.ReadToEnd();
        p.WaitForExit();
        return p.ExitCode == 0;
    }

    /// <summary>Runs build/mkapk.sh for x86_64 from the repository into <paramref name="outDir"/>.</summary>
    public static void Mkapk(string outDir, string umask = "0022", string? signKey = null, string? release = null) =>
        Run(Paths.RepoRoot, $"umask {umask} && exec build/mkapk.sh x86_64", new()
        {
            ["MKAPK_OUT"] = outDir,
            ["APK_SIGN_KEY"] = signKey,
            ["MKAPK_RELEASE"] = release,
        });

    /// <summary>The project's ADB writer, build/apk/mkpkg.py, with these arguments.</summary>
    public static void Mkpkg(params string[] args) =>
        Run(Paths.RepoRoot, "exec /usr/bin/python3 -B build/apk/mkpkg.py " + string.Join(' ', args.Select(Quote)));

    public static string Quote(string s) => "'" + s.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
