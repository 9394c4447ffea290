using Dockerman.Tests.Support;
using Xunit;

namespace Dockerman.Tests.Packaging;

/// <summary>
/// The x86_64 .apk installed, upgraded and removed by apk-tools 3 (<c>apk --root</c>) in a
/// router-like root: busybox-static, /etc/apk/arch, and an rpcd package whose
/// /etc/init.d/rpcd only records how it was called (the dependency apk resolves; rpcd itself
/// does not run here). apk runs the package's scripts chrooted into that root.
/// </summary>
public sealed class ApkInstallTests : IDisposable
{
    private const string Conffile = "/etc/config/dockerman";
    private const string Executable = "0755";

    private readonly RouterRoot _root = new();
    private readonly string _scratch = Paths.TempDir("apki");
    private readonly string _package = ApkPackage.PathFor("x86_64");
    private readonly string _rpcd;

    public ApkInstallTests()
    {
        _root.WriteFile("/etc/apk/arch", "x86_64\n");
        _rpcd = StandInRpcd("x86_64");
    }

    public void Dispose()
    {
        _root.Dispose();
        Directory.Delete(_scratch, true);
    }

    private string RpcdCalls => File.Exists(_root.HostPath("/tmp/rpcd.calls")) ? File.ReadAllText(_root.HostPath("/tmp/rpcd.calls")) : "";

    private (int ExitCode, string Stdout, string Stderr) Apk(params string[] args) =>
        ApkTool.Run(["--root", _root.Dir, "--no-network", .. args]);

    private void Install(string package)
    {
        (int exit, string stdout, string stderr) = Apk("--initdb", "add", "--allow-untrusted", _rpcd, package);
        Assert.True(exit == 0, stderr + stdout);
    }

    /// <summary>The version the root's package database records for dockerman, or null.</summary>
    private string? InstalledVersion()
    {
        string db = _root.HostPath("/lib/apk/db/installed");
        if (!File.Exists(db))
        {
            return null;
        }

        foreach (string block in File.ReadAllText(db).Split("\n\n"))
        {
            string[] lines = block.Split('\n');
            if (lines.Contains("P:dockerman"))
            {
                return lines.Single(l => l.StartsWith("V:", StringComparison.Ordinal))[2..];
            }
        }

        return null;
    }

    private string Mode(string path) => "0" + Convert.ToString((int)File.GetUnixFileMode(_root.HostPath(path)), 8);

    [Fact]
    public void Add_IntoRouterRoot_InstallsThePayloadAndReloadsRpcd()
    {
        Install(_package);

        Assert.Equal(ApkPackage.ExpectedVersion, InstalledVersion());
        Assert.Equal(Executable, Mode("/www/cgi-bin/dockerman"));
        Assert.Equal("0600", Mode(Conffile));
        Assert.True(File.Exists(_root.HostPath("/usr/share/rpcd/acl.d/dockerman.json")));
        foreach (string line in File.ReadAllLines(_root.HostPath("/lib/apk/packages/dockerman.list")))
        {
            Assert.True(Path.Exists(_root.HostPath(line)), line); // every listed path is there
        }

        Assert.Equal("reload\n", RpcdCalls); // post-install ran, chrooted, on a live system
    }

    [Fact]
    public void Add_SecondBuild_UpgradesKeepingAChangedConffileAndItsJobs()
    {
        Install(_package);
        File.AppendAllText(_root.HostPath(Conffile), "\toption auth 'token'\n");
        string changed = File.ReadAllText(_root.HostPath(Conffile));
        _root.WriteFile("/tmp/dockerman/jobs/1.log", "{}\n");
        ApkPackageTests.Mkapk(_scratch, "0022", release: "2");
        string second = Path.Combine(_scratch, "x86_64", $"dockerman-{Paths.Version}-r2.apk");

        (int exit, string stdout, string stderr) = Apk("add", "--allow-untrusted", second);

        Assert.True(exit == 0, stderr + stdout);
        Assert.Equal(Paths.Version + "-r2", InstalledVersion());
        Assert.Equal(changed, File.ReadAllText(_root.HostPath(Conffile)));
        string packaged = File.ReadAllText(Path.Combine(Paths.RepoRoot, "opkg", "files", "etc", "config", "dockerman"));
        Assert.Equal(packaged, File.ReadAllText(_root.HostPath(Conffile + ".apk-new")));
        Assert.Equal("reload\nreload\n", RpcdCalls); // post-install, then post-upgrade
        Assert.True(File.Exists(_root.HostPath("/tmp/dockerman/jobs/1.log"))); // pre-deinstall did not run
    }

    [Fact]
    public void Del_AfterAChange_RemovesThePackageButKeepsTheConffile()
    {
        Install(_package);
        File.AppendAllText(_root.HostPath(Conffile), "\toption auth 'token'\n");
        string changed = File.ReadAllText(_root.HostPath(Conffile));
        _root.WriteFile("/tmp/dockerman/jobs/1.log", "{}\n");

        (int exit, string stdout, string stderr) = Apk("del", "dockerman");

        Assert.True(exit == 0, stderr + stdout);
        Assert.Null(InstalledVersion());
        Assert.False(File.Exists(_root.HostPath("/www/cgi-bin/dockerman")));
        Assert.False(File.Exists(_root.HostPath("/usr/share/rpcd/acl.d/dockerman.json")));
        Assert.False(File.Exists(_root.HostPath("/lib/apk/packages/dockerman.list")));
        Assert.Equal(changed, File.ReadAllText(_root.HostPath(Conffile)));
        Assert.False(Directory.Exists(_root.HostPath("/tmp/dockerman/jobs"))); // pre-deinstall dropped them
        Assert.Equal("reload\nreload\n", RpcdCalls); // post-install, then post-deinstall
    }

    [Fact]
    public void Del_Unchanged_RemovesTheConffileToo()
    {
        Install(_package);

        (int exit, string stdout, string stderr) = Apk("del", "dockerman");

        Assert.True(exit == 0, stderr + stdout);
        Assert.False(File.Exists(_root.HostPath(Conffile)));
    }

    [Fact]
    public void Add_WithoutAllowUntrusted_IsRefused()
    {
        (int exit, string stdout, string stderr) = Apk("--initdb", "add", _rpcd, _package);

        Assert.NotEqual(0, exit);
        Assert.Contains("UNTRUSTED", stderr + stdout, StringComparison.Ordinal);
        Assert.Null(InstalledVersion());
        Assert.False(File.Exists(_root.HostPath("/www/cgi-bin/dockerman")));
    }

    [Theory]
    [InlineData("x86_64", "aarch64_generic")]
    [InlineData("aarch64_cortex-a53", "aarch64_generic")]
    [InlineData("aarch64_generic", "aarch64_cortex-a53")]
    public void Add_ForAnotherArchitecture_IsRefused(string routerArch, string packageArch)
    {
        _root.WriteFile("/etc/apk/arch", routerArch + "\n");

        (int exit, string stdout, string stderr) = Apk("--initdb", "add", "--allow-untrusted", StandInRpcd(routerArch),
            ApkPackage.PathFor(packageArch));

        Assert.NotEqual(0, exit);
        Assert.Contains("dockerman", stderr + stdout, StringComparison.Ordinal);
        Assert.Null(InstalledVersion());
        Assert.False(File.Exists(_root.HostPath("/www/cgi-bin/dockerman")));
    }

    /// <summary>An "rpcd" package for <paramref name="arch"/> holding only an /etc/init.d/rpcd that records its arguments.</summary>
    private string StandInRpcd(string arch)
    {
        string files = Path.Combine(_scratch, "rpcd-" + arch);
        Directory.CreateDirectory(Path.Combine(files, "etc", "init.d"));
        string init = Path.Combine(files, "etc", "init.d", "rpcd");
        File.WriteAllText(init, "#!/bin/sh\necho \"$@\" >> /tmp/rpcd.calls\n");
        File.SetUnixFileMode(init, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        string output = Path.Combine(_scratch, $"rpcd-{arch}.apk");
        ApkTool.Ok("mkpkg", "--info", "name:rpcd", "--info", "version:1-r1", "--info", "arch:" + arch,
            "--files", files, "--output", output);
        return output;
    }
}
