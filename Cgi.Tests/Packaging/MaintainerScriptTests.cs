using Xunit;

namespace Dockerman.Tests.Packaging;

/// <summary>
/// postinst, prerm and postrm run by busybox sh in a router-like root whose
/// /etc/init.d/rpcd only records how it was called (rpcd itself does not run here).
/// </summary>
public sealed class MaintainerScriptTests : IDisposable
{
    private readonly RouterRoot _root = new();
    private readonly IpkPackage _ipk = IpkPackage.Read(Support.Paths.Package("x86_64"));

    public MaintainerScriptTests()
    {
        _root.WriteFile("/etc/init.d/rpcd", "#!/bin/sh\necho \"$@\" >> /tmp/rpcd.calls\n",
            UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        foreach (string script in new[] { "postinst", "prerm", "postrm" })
        {
            _root.WriteFile("/usr/lib/opkg/info/dockerman." + script, _ipk.ControlText("./" + script),
                UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    public void Dispose() => _root.Dispose();

    private string RpcdCalls => File.Exists(_root.HostPath("/tmp/rpcd.calls")) ? File.ReadAllText(_root.HostPath("/tmp/rpcd.calls")) : "";

    [Theory]
    [InlineData("postinst")]
    [InlineData("postrm")]
    public void Script_OnLiveSystem_ReloadsRpcd(string script)
    {
        var (exit, _, err) = _root.Run(new() { ["IPKG_INSTROOT"] = "" }, "/bin/sh", "/usr/lib/opkg/info/dockerman." + script);

        Assert.True(exit == 0, err);
        Assert.Equal("reload\n", RpcdCalls);
    }

    [Theory]
    [InlineData("postinst")]
    [InlineData("prerm")]
    [InlineData("postrm")]
    public void Script_InImageBuild_TouchesNothing(string script)
    {
        Directory.CreateDirectory(_root.HostPath("/tmp/dockerman/jobs"));

        var (exit, _, err) = _root.Run(new() { ["IPKG_INSTROOT"] = "/build/root" }, "/bin/sh", "/usr/lib/opkg/info/dockerman." + script);

        Assert.True(exit == 0, err);
        Assert.Equal("", RpcdCalls);
        Assert.True(Directory.Exists(_root.HostPath("/tmp/dockerman/jobs")));
    }

    [Fact]
    public void Prerm_OnRemoval_DropsJobFilesButKeepsThemOnUpgrade()
    {
        _root.WriteFile("/tmp/dockerman/jobs/1.log", "{}\n");

        var (exitUpgrade, _, errUpgrade) = _root.Run(new() { ["PKG_UPGRADE"] = "1" }, "/bin/sh", "/usr/lib/opkg/info/dockerman.prerm");
        Assert.True(exitUpgrade == 0, errUpgrade);
        Assert.True(File.Exists(_root.HostPath("/tmp/dockerman/jobs/1.log")));

        var (exit, _, err) = _root.Run(null, "/bin/sh", "/usr/lib/opkg/info/dockerman.prerm");
        Assert.True(exit == 0, err);
        Assert.False(Directory.Exists(_root.HostPath("/tmp/dockerman/jobs")));
    }
}
