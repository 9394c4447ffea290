using Xunit;

namespace Dockerman.Tests.Packaging;

/// <summary>
/// postinst, prerm and postrm run by busybox sh in a router-like root with the uci command (the stand-in)
/// and the package's program, whose /etc/init.d/rpcd and /etc/init.d/uhttpd only record how they
/// were called (the daemons themselves do not run here).
/// </summary>
public sealed class MaintainerScriptTests : IDisposable
{
    private readonly RouterRoot _root = new();
    private const string Prefix = "/cgi-bin/luci/admin/services/dockerman/";

    /// <summary>A router's uhttpd settings with an alias of its own that must survive.</summary>
    private const string UhttpdConfig = """
        config uhttpd 'main'
        	list listen_http '0.0.0.0:80'
        	option home '/www'
        	option cgi_prefix '/cgi-bin'
        	list alias '/cgi-bin/other=/cgi-bin/luci'

        config uhttpd 'second'
        	option home '/srv'

        """;

    private readonly IpkPackage _ipk = IpkPackage.Read(Support.Paths.Package("x86_64"));
    private readonly string _ipkProgram = ExtractProgram();

    private static string ExtractProgram()
    {
        IpkPackage ipk = IpkPackage.Read(Support.Paths.Package("x86_64"));
        string path = Path.Combine(Support.Paths.TempDir("ipkbin"), "dockerman");
        File.WriteAllBytes(path, ipk.DataFile("./www/cgi-bin/dockerman").Data);
        File.SetUnixFileMode(path, (UnixFileMode)0b111_101_101);
        return path;
    }

    public MaintainerScriptTests()
    {
        _root.WriteFile("/etc/init.d/rpcd", "#!/bin/sh\necho \"$@\" >> /tmp/rpcd.calls\n",
            UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        _root.WriteFile("/etc/init.d/uhttpd", "#!/bin/sh\necho \"$@\" >> /tmp/uhttpd.calls\n",
            UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        _root.InstallUci();
        _root.WriteFile("/www/cgi-bin/dockerman", "");
        File.Copy(_ipkProgram, _root.HostPath("/www/cgi-bin/dockerman"), overwrite: true);
        _root.WriteFile("/etc/config/uhttpd", UhttpdConfig);
        foreach (string script in new[] { "postinst", "prerm", "postrm" })
        {
            _root.WriteFile("/usr/lib/opkg/info/dockerman." + script, _ipk.ControlText("./" + script),
                UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    public void Dispose()
    {
        _root.Dispose();
        Directory.Delete(Path.GetDirectoryName(_ipkProgram)!, true);
    }

    private string UhttpdCalls => File.Exists(_root.HostPath("/tmp/uhttpd.calls")) ? File.ReadAllText(_root.HostPath("/tmp/uhttpd.calls")) : "";

    private (int Exit, string Err) Script(string name, Dictionary<string, string>? env = null)
    {
        var (exit, _, err) = _root.Run(env, "/bin/sh", "/usr/lib/opkg/info/dockerman." + name);
        return (exit, err);
    }

    /// <summary>The aliases of config uhttpd 'main' as uci reads them.</summary>
    private List<string> Aliases()
    {
        var (exit, output, err) = _root.Run(null, "/bin/uci", "-q", "get", "uhttpd.main.alias");
        Assert.True(exit is 0 or 1, err);
        return [.. output.Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries)];
    }

    private static List<string> PageAliases() =>
        [.. Dockerman.Routing.RouteTable.Pages.Select(p => $"{Prefix}{p.Path}=/cgi-bin/dockerman")];

    [Fact]
    public void Postinst_LiveSystem_AddsOneAliasPerPageEndpointAndRestartsUhttpd()
    {
        var (exit, err) = Script("postinst");

        Assert.True(exit == 0, err);
        Assert.Equal(["/cgi-bin/other=/cgi-bin/luci", .. PageAliases()], Aliases());
        Assert.Equal("restart\n", UhttpdCalls);
        string file = File.ReadAllText(_root.HostPath("/etc/config/uhttpd"));
        Assert.Contains("config uhttpd 'second'", file, StringComparison.Ordinal);
        Assert.Contains($"\tlist alias '{Prefix}docker/events=/cgi-bin/dockerman'", file, StringComparison.Ordinal);
    }

    [Fact]
    public void Postinst_AgainOnUpgrade_NoDuplicatesNoRestart()
    {
        Assert.Equal(0, Script("postinst").Exit);
        File.Delete(_root.HostPath("/tmp/uhttpd.calls"));

        var (exit, err) = Script("postinst", new() { ["PKG_UPGRADE"] = "1" });

        Assert.True(exit == 0, err);
        Assert.Equal(["/cgi-bin/other=/cgi-bin/luci", .. PageAliases()], Aliases());
        Assert.Equal("", UhttpdCalls);
    }

    [Fact]
    public void Postinst_StaleAliasOfOurs_Replaced()
    {
        _root.WriteFile("/etc/config/uhttpd", UhttpdConfig.Replace("\tlist alias '/cgi-bin/other=/cgi-bin/luci'",
            $"\tlist alias '/cgi-bin/other=/cgi-bin/luci'\n\tlist alias '{Prefix}old/endpoint=/cgi-bin/dockerman'", StringComparison.Ordinal));

        Assert.Equal(0, Script("postinst").Exit);

        Assert.Equal(["/cgi-bin/other=/cgi-bin/luci", .. PageAliases()], Aliases());
    }

    [Fact]
    public void Postinst_OptionLuciAliasesOff_AddsNoneAndRemovesOurs()
    {
        Assert.Equal(0, Script("postinst").Exit);
        File.Delete(_root.HostPath("/tmp/uhttpd.calls"));
        _root.WriteFile("/etc/config/dockerman", "config dockerman 'main'\n\toption luci_aliases '0'\n");

        var (exit, err) = Script("postinst", new() { ["PKG_UPGRADE"] = "1" });

        Assert.True(exit == 0, err);
        Assert.Equal(["/cgi-bin/other=/cgi-bin/luci"], Aliases());
        Assert.Equal("restart\n", UhttpdCalls);
    }

    [Fact]
    public void Postinst_NoUhttpdMainSection_TouchesNoFile()
    {
        _root.WriteFile("/etc/config/uhttpd", "config uhttpd 'second'\n\toption home '/srv'\n");

        var (exit, err) = Script("postinst");

        Assert.True(exit == 0, err);
        Assert.Equal("config uhttpd 'second'\n\toption home '/srv'\n", File.ReadAllText(_root.HostPath("/etc/config/uhttpd")));
        Assert.Equal("", UhttpdCalls);
    }

    [Fact]
    public void Prerm_OnRemoval_RemovesOnlyOurAliasesAndRestarts_OnUpgradeKeepsThem()
    {
        Assert.Equal(0, Script("postinst").Exit);
        File.Delete(_root.HostPath("/tmp/uhttpd.calls"));

        Assert.Equal(0, Script("prerm", new() { ["PKG_UPGRADE"] = "1" }).Exit);
        Assert.Equal(["/cgi-bin/other=/cgi-bin/luci", .. PageAliases()], Aliases());
        Assert.Equal("", UhttpdCalls);

        var (exit, err) = Script("prerm");
        Assert.True(exit == 0, err);
        Assert.Equal(["/cgi-bin/other=/cgi-bin/luci"], Aliases());
        Assert.Equal("restart\n", UhttpdCalls);
    }

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
    [InlineData("postrm")]
    public void Script_OnLiveSystem_DropsLuciMenuCache(string script)
    {
        _root.WriteFile("/tmp/luci-indexcache.0123abcd.json", "{}");
        _root.WriteFile("/tmp/luci-indexcache", "{}");
        _root.WriteFile("/tmp/luci-other", "{}");

        var (exit, _, err) = _root.Run(new() { ["IPKG_INSTROOT"] = "" }, "/bin/sh", "/usr/lib/opkg/info/dockerman." + script);

        Assert.True(exit == 0, err);
        Assert.False(File.Exists(_root.HostPath("/tmp/luci-indexcache.0123abcd.json")));
        Assert.False(File.Exists(_root.HostPath("/tmp/luci-indexcache")));
        Assert.True(File.Exists(_root.HostPath("/tmp/luci-other")));
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
        Assert.Equal("", UhttpdCalls);
        Assert.Equal(UhttpdConfig, File.ReadAllText(_root.HostPath("/etc/config/uhttpd")));
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
