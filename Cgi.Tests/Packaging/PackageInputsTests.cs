using Dockerman.Tests.Packaging.Apk;
using Dockerman.Tests.Support;
using Xunit;

namespace Dockerman.Tests.Packaging;

/// <summary>
/// The one staging step both package builders share (build/package-inputs.sh): whatever
/// opkg/files holds reaches the .ipk and the .apk alike, with no change to the scripts. Run on
/// a copy of the inputs, with a link and an executable added as a new payload would add them.
/// </summary>
public sealed class PackageInputsTests : IDisposable
{
    private const string Link = "./usr/libexec/rpcd/dockerman-link";
    private const string Script = "./etc/uci-defaults/90-dockerman-test";

    private readonly string _copy = Paths.TempDir("pkgin");

    public PackageInputsTests()
    {
        CopyTree(Path.Combine(Paths.RepoRoot, "build"), Path.Combine(_copy, "build"));
        CopyTree(Path.Combine(Paths.RepoRoot, "opkg"), Path.Combine(_copy, "opkg"));
        CopyTree(Path.Combine(Paths.RepoRoot, "console"), Path.Combine(_copy, "console"));
        File.Copy(Path.Combine(Paths.RepoRoot, "Directory.Build.props"), Path.Combine(_copy, "Directory.Build.props"));
        Directory.CreateDirectory(Path.Combine(_copy, "out", "linux-x64"));
        File.Copy(Paths.Binary, Path.Combine(_copy, "out", "linux-x64", "dockerman"));

        string files = Path.Combine(_copy, "opkg", "files");
        Directory.CreateDirectory(Path.Combine(files, "usr", "libexec", "rpcd"));
        File.CreateSymbolicLink(Path.Combine(files, Link), "/www/cgi-bin/dockerman");
        Directory.CreateDirectory(Path.Combine(files, "etc", "uci-defaults"));
        File.WriteAllText(Path.Combine(files, Script), "#!/bin/sh\nexit 0\n");
        File.SetUnixFileMode(Path.Combine(files, Script), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public void Dispose() => Directory.Delete(_copy, true);

    [Fact]
    public void Staging_LinkAndExecutableAddedUnderOpkgFiles_ReachBothFormats()
    {
        Run("build/mkipk.sh x86_64");
        Run("build/mkapk.sh x86_64");
        IpkPackage ipk = IpkPackage.Read(Path.Combine(_copy, "out", $"dockerman_{Paths.Version}_x86_64.ipk"));
        ApkPackage apk = ApkPackage.Read(Path.Combine(_copy, "out", "apk", "x86_64", $"dockerman-{ApkPackage.ExpectedVersion}.apk"));

        TarMember link = ipk.DataFile(Link);
        Assert.Equal(System.Formats.Tar.TarEntryType.SymbolicLink, link.Type);
        Assert.Equal("/www/cgi-bin/dockerman", link.LinkName);
        Assert.Equal("0755", ipk.DataFile(Script).OctalMode);
        ApkEntry apkLink = Assert.Single(apk.Entries, e => e.Name == Link);
        Assert.Equal((ApkEntry.Link, "/www/cgi-bin/dockerman"), (apkLink.Kind, apkLink.LinkTarget));
        ApkEntry script = Assert.Single(apk.Entries, e => e.Name == Script);
        Assert.Equal((ApkEntry.File, "0755"), (script.Kind, script.OctalMode));

        string dir = Directory.CreateDirectory(Path.Combine(_copy, "x")).FullName;
        apk.Extract(dir);
        Assert.Equal("/www/cgi-bin/dockerman", new FileInfo(Path.Combine(dir, Link)).LinkTarget);
        Assert.Equal("#!/bin/sh\nexit 0\n", File.ReadAllText(Path.Combine(dir, Script)));
        string[] list = File.ReadAllLines(Path.Combine(dir, "lib/apk/packages/dockerman.list"));
        Assert.Contains(Link[1..], list);
        Assert.Contains(Script[1..], list);
    }

    [Fact]
    public void Staging_NoGitHistoryNoSourceDateEpoch_StampsTheDateFixedByTheVersion()
    {
        Run("build/mkipk.sh x86_64", sourceDateEpoch: null);
        Run("build/mkapk.sh x86_64", sourceDateEpoch: null);
        IpkPackage ipk = IpkPackage.Read(Path.Combine(_copy, "out", $"dockerman_{Paths.Version}_x86_64.ipk"));
        ApkPackage apk = ApkPackage.Read(Path.Combine(_copy, "out", "apk", "x86_64", $"dockerman-{ApkPackage.ExpectedVersion}.apk"));

        // build/package-inputs.sh: 2000-01-01 UTC plus a day per patch, 100 per minor, 10000 per major.
        int[] v = [.. Paths.Version.Split('-')[0].Split('.').Select(p => int.Parse(p, System.Globalization.CultureInfo.InvariantCulture))];
        DateTimeOffset expected = new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero).AddDays((v[0] * 10000) + (v[1] * 100) + v[2]);
        Assert.All(ipk.Outer.Concat(ipk.Data).Concat(ipk.Control), m => Assert.Equal(expected, m.ModificationTime));
        Assert.All(apk.Entries.Where(e => e.Kind != ApkEntry.Folder), e => Assert.Equal((ulong)expected.ToUnixTimeSeconds(), e.MTime));
        Assert.Equal((ulong)expected.ToUnixTimeSeconds(), apk.Info.BuildTime);
    }

    private void Run(string command, string? sourceDateEpoch = "1700000000")
    {
        var psi = new System.Diagnostics.ProcessStartInfo("/bin/sh", ["-c", "umask 0022 && exec " + command])
        {
            WorkingDirectory = _copy,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        psi.Environment.Remove("SOURCE_DATE_EPOCH");
        if (sourceDateEpoch != null)
        {
            psi.Environment["SOURCE_DATE_EPOCH"] = sourceDateEpoch; // the copy has no git history
        }
        using var p = System.Diagnostics.Process.Start(psi)!;
        Task<string> err = p.StandardError.ReadToEndAsync();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, command + ": " + err.Result);
    }

    private static void CopyTree(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string entry in Directory.EnumerateFileSystemEntries(from))
        {
            string target = Path.Combine(to, Path.GetFileName(entry));
            var info = new FileInfo(entry);
            if (info.LinkTarget != null)
            {
                File.CreateSymbolicLink(target, info.LinkTarget);
            }
            else if (Directory.Exists(entry))
            {
                CopyTree(entry, target);
            }
            else
            {
                File.Copy(entry, target);
                File.SetUnixFileMode(target, File.GetUnixFileMode(entry));
            }
        }
    }
}
