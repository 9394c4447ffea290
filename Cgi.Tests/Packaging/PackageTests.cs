using System.Diagnostics;
using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Dockerman.Tests.Support;
using Xunit;

namespace Dockerman.Tests.Packaging;

/// <summary>The .ipk packages that make ipk writes to out/, checked member by member.</summary>
public sealed partial class PackageTests
{
    public static TheoryData<string, string> Architectures => new()
    {
        { "x86_64", "linux-x64" },
        { "aarch64_generic", "linux-arm64" },
        { "aarch64_cortex-a53", "linux-arm64" },
    };

    private const string Binary = "./www/cgi-bin/dockerman";
    private const string UciFile = "./etc/config/dockerman";
    private const string AclFile = "./usr/share/rpcd/acl.d/dockerman.json";
    private const string PluginDir = "./usr/libexec/rpcd/";
    private const string MenuFile = "./usr/share/luci/menu.d/dockerman-console.json";
    private const string MenuView = "./www/luci-static/resources/view/dockerman-console/open.js";

    /// <summary>The console page's files (console/), in the order of an ordinal sort, as the package installs them.</summary>
    private static string[] ConsoleFiles =>
        [.. Directory.GetFiles(Path.Combine(Paths.RepoRoot, "console")).Select(Path.GetFileName).Order(StringComparer.Ordinal)!];

    /// <summary>The three files the package installs, the rpcd plugin links and the folders that lead to them.</summary>
    private static readonly (string Name, string Mode)[] DataLayout =
    [
        ("./", "0755"),
        ("./etc/", "0755"),
        ("./etc/config/", "0755"),
        (UciFile, "0600"),
        ("./usr/", "0755"),
        ("./usr/libexec/", "0755"),
        ("./usr/libexec/rpcd/", "0755"),
        (PluginDir + "docker", "0777"),
        (PluginDir + "docker.config", "0777"),
        (PluginDir + "docker.container", "0777"),
        (PluginDir + "docker.exec", "0777"),
        (PluginDir + "docker.image", "0777"),
        (PluginDir + "docker.network", "0777"),
        (PluginDir + "docker.node", "0777"),
        (PluginDir + "docker.secret", "0777"),
        (PluginDir + "docker.service", "0777"),
        (PluginDir + "docker.swarm", "0777"),
        (PluginDir + "docker.task", "0777"),
        (PluginDir + "docker.volume", "0777"),
        ("./usr/share/", "0755"),
        ("./usr/share/luci/", "0755"),
        ("./usr/share/luci/menu.d/", "0755"),
        (MenuFile, "0644"),
        ("./usr/share/rpcd/", "0755"),
        ("./usr/share/rpcd/acl.d/", "0755"),
        (AclFile, "0644"),
        ("./www/", "0755"),
        ("./www/cgi-bin/", "0755"),
        (Binary, "0755"),
        ("./www/dockerman/", "0755"),
        .. ConsoleFiles.Select(f => ("./www/dockerman/" + f, "0644")),
        ("./www/luci-static/", "0755"),
        ("./www/luci-static/resources/", "0755"),
        ("./www/luci-static/resources/view/", "0755"),
        ("./www/luci-static/resources/view/dockerman-console/", "0755"),
        (MenuView, "0644"),
    ];

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Ipk_Outer_IsGzippedTarOfThreeMembersInOpkgOrder(string arch, string rid)
    {
        _ = rid;
        string path = Paths.Package(arch);
        byte[] head = File.ReadAllBytes(path)[..2];
        Assert.Equal(new byte[] { 0x1f, 0x8b }, head); // gzip, not "!<arch>" (ar)

        IpkPackage ipk = IpkPackage.Read(path);
        Assert.Equal(["./debian-binary", "./data.tar.gz", "./control.tar.gz"], ipk.Outer.Select(m => m.Name));
        Assert.All(ipk.Outer, m => Assert.Equal(TarEntryType.RegularFile, m.Type));
        Assert.Equal("2.0\n"u8.ToArray(), ipk.Outer[0].Data);
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Ipk_Control_HasOpkgFieldsForItsArchitecture(string arch, string rid)
    {
        _ = rid;
        IpkPackage ipk = IpkPackage.Read(Paths.Package(arch));
        Dictionary<string, string> f = ipk.Fields();

        Assert.Equal("dockerman", f["Package"]);
        Assert.Equal(Paths.Version, f["Version"]);
        Assert.Equal(arch, f["Architecture"]);
        // The binary is static: no libc. rpcd serves the LuCI sessions of the default auth.
        Assert.Equal("rpcd", f["Depends"]);
        Assert.Equal(ipk.DataTarLength.ToString(System.Globalization.CultureInfo.InvariantCulture), f["Installed-Size"]);
        foreach (string field in new[] { "Source", "License", "Section", "Description" })
        {
            Assert.False(string.IsNullOrWhiteSpace(f[field]), field);
        }

        Assert.DoesNotContain("@", ipk.ControlText("./control"), StringComparison.Ordinal); // every placeholder filled
        Assert.Equal(Path.GetFileName(Paths.Package(arch)), $"{f["Package"]}_{f["Version"]}_{f["Architecture"]}.ipk");
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Ipk_Data_InstallsExactlyTheFilesWithModesOwnedByRoot(string arch, string rid)
    {
        _ = rid;
        IpkPackage ipk = IpkPackage.Read(Paths.Package(arch));

        Assert.Equal(DataLayout.Select(d => d.Name), ipk.Data.Select(m => m.Name));
        Assert.Equal(DataLayout.Select(d => d.Mode), ipk.Data.Select(m => m.OctalMode));
        Assert.All(ipk.Data, m => Assert.True(m.Name.StartsWith(PluginDir, StringComparison.Ordinal) && m.Name != PluginDir
            ? m.Type == TarEntryType.SymbolicLink
            : m.Type is TarEntryType.Directory or TarEntryType.RegularFile, m.Name));
        Assert.All(ipk.Data, m => Assert.Equal((0, 0), (m.Uid, m.Gid)));
        Assert.All(ipk.Control, m => Assert.Equal((0, 0), (m.Uid, m.Gid)));
        Assert.All(ipk.Outer, m => Assert.Equal((0, 0), (m.Uid, m.Gid)));
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Ipk_Binary_IsThePublishedStaticBinaryForItsMachine(string arch, string rid)
    {
        byte[] packed = IpkPackage.Read(Paths.Package(arch)).DataFile(Binary).Data;
        string published = rid == "linux-x64" ? Paths.Binary : Paths.Arm64Binary;

        Assert.Equal(SHA256.HashData(File.ReadAllBytes(published)), SHA256.HashData(packed));
        Assert.Equal(rid == "linux-x64" ? ElfMachineX64 : ElfMachineAarch64, BitConverter.ToUInt16(packed, 18));
        Assert.False(HasInterpreter(packed), "a program interpreter (dynamic loader) is requested: the binary is not static");
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Ipk_Conffiles_ListsTheUciFileAndNothingElse(string arch, string rid)
    {
        _ = rid;
        IpkPackage ipk = IpkPackage.Read(Paths.Package(arch));

        Assert.Equal("/etc/config/dockerman\n", ipk.ControlText("./conffiles"));
        Assert.Contains(ipk.Data, m => "." + "/etc/config/dockerman" == m.Name);
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Ipk_Scripts_AreExecutableShellScripts(string arch, string rid)
    {
        _ = rid;
        IpkPackage ipk = IpkPackage.Read(Paths.Package(arch));

        Assert.Equal(["./", "./conffiles", "./control", "./postinst", "./postrm", "./prerm"], ipk.Control.Select(m => m.Name));
        foreach (string script in new[] { "./postinst", "./prerm", "./postrm" })
        {
            Assert.Equal("0755", ipk.ControlFile(script).OctalMode);
            Assert.StartsWith("#!/bin/sh\n", ipk.ControlText(script), StringComparison.Ordinal);
        }

        Assert.Equal("0644", ipk.ControlFile("./control").OctalMode);
        Assert.Equal("0644", ipk.ControlFile("./conffiles").OctalMode);
    }

    [Fact]
    public void Ipk_AclFile_GrantsTheAccessGroupReadAndWrite()
    {
        IpkPackage ipk = IpkPackage.Read(Paths.Package("x86_64"));
        using JsonDocument acl = JsonDocument.Parse(ipk.DataFile(AclFile).Data);

        JsonElement group = acl.RootElement.GetProperty("luci-app-dockerman");
        foreach (string perm in new[] { "read", "write" })
        {
            // rpcd (session.c, rpc_login_setup_acl_file) grants "access-group" <group> <perm>
            // only while walking the scopes inside the permission: an empty object grants nothing.
            JsonElement scopes = group.GetProperty(perm);
            Assert.Equal(JsonValueKind.Object, scopes.ValueKind);
            Assert.NotEmpty(scopes.EnumerateObject());
        }
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Ipk_PluginLinks_OnePerUbusObjectToTheBinary(string arch, string rid)
    {
        _ = rid;
        IpkPackage ipk = IpkPackage.Read(Paths.Package(arch));

        var links = ipk.Data.Where(m => m.Name.StartsWith(PluginDir, StringComparison.Ordinal) && m.Name != PluginDir).ToList();
        Assert.Equal(Dockerman.Rpc.RpcMethods.Objects.Order(StringComparer.Ordinal), links.Select(m => m.Name[PluginDir.Length..]));
        // From /usr/libexec/rpcd/ up to the root and down to the program: relative, so that it holds in an image's root too.
        Assert.All(links, m => Assert.Equal("../../../www/cgi-bin/dockerman", m.LinkName));
    }

    [Fact]
    public void Ipk_AclFile_GrantsEveryRpcMethodReadsUnderReadTheRestUnderWrite()
    {
        IpkPackage ipk = IpkPackage.Read(Paths.Package("x86_64"));
        using JsonDocument acl = JsonDocument.Parse(ipk.DataFile(AclFile).Data);
        JsonElement group = acl.RootElement.GetProperty("luci-app-dockerman");

        foreach ((string perm, bool write) in new[] { ("read", false), ("write", true) })
        {
            var granted = group.GetProperty(perm).GetProperty("ubus").EnumerateObject()
                .SelectMany(o => o.Value.EnumerateArray().Select(m => $"{o.Name}.{m.GetString()}"))
                .Order(StringComparer.Ordinal);
            var expected = Dockerman.Rpc.RpcMethods.All.Where(m => m.Route.IsWrite == write)
                .Select(m => $"{m.Object}.{m.Name}").Order(StringComparer.Ordinal);
            Assert.Equal(expected, granted);
        }
    }

    [Fact]
    public void Ipk_ConsolePage_IsConsoleFolderAndItsMenuEntryNamesTheViewInstalled()
    {
        IpkPackage ipk = IpkPackage.Read(Paths.Package("x86_64"));

        foreach (string file in Directory.GetFiles(Path.Combine(Paths.RepoRoot, "console")))
        {
            Assert.Equal(File.ReadAllBytes(file), ipk.DataFile("./www/dockerman/" + Path.GetFileName(file)).Data);
        }

        using JsonDocument menu = JsonDocument.Parse(ipk.DataFile(MenuFile).Data);
        JsonProperty entry = Assert.Single(menu.RootElement.EnumerateObject());
        // Its own node: luci-app-dockerman's pages are admin/services/dockerman and below.
        Assert.Equal("admin/services/dockerman-console", entry.Name);
        JsonElement action = entry.Value.GetProperty("action");
        Assert.Equal("view", action.GetProperty("type").GetString());
        Assert.Equal(MenuView, $"./www/luci-static/resources/view/{action.GetProperty("path").GetString()}.js");
        Assert.Equal(["luci-app-dockerman"], entry.Value.GetProperty("depends").GetProperty("acl").EnumerateArray().Select(g => g.GetString()));
        Assert.Contains("'/dockerman/'", System.Text.Encoding.UTF8.GetString(ipk.DataFile(MenuView).Data), StringComparison.Ordinal);
    }

    [Fact]
    public void Ipk_AclFile_DoesNotUseTheFileNameOfLuciAppDockerman()
    {
        IpkPackage ipk = IpkPackage.Read(Paths.Package("x86_64"));

        // luci-app-dockerman installs /usr/share/rpcd/acl.d/luci-app-dockerman.json: opkg refuses clashing files.
        Assert.DoesNotContain(ipk.Data, m => m.Name.EndsWith("/luci-app-dockerman.json", StringComparison.Ordinal));
    }

    [Fact]
    public void Conffile_OptionsShown_AreExactlyTheOptionsTheProgramReads()
    {
        string conffile = File.ReadAllText(Path.Combine(Paths.RepoRoot, "opkg", "files", "etc", "config", "dockerman"));
        string settings = File.ReadAllText(Path.Combine(Paths.RepoRoot, "Cgi", "Config", "Settings.cs"));

        var shown = CommentedOption().Matches(conffile).Select(m => m.Groups[3].Value).Order(StringComparer.Ordinal).ToList();
        var read = SettingsCase().Matches(settings).Select(m => m.Groups[1].Value).Order(StringComparer.Ordinal).ToList();

        Assert.NotEmpty(read);
        Assert.Equal(read, shown);
    }

    [Fact]
    public void Conffile_EveryOptionUncommented_IsAcceptedWithoutComplaint()
    {
        string conffile = File.ReadAllText(Path.Combine(Paths.RepoRoot, "opkg", "files", "etc", "config", "dockerman"));
        string dir = Paths.TempDir("dmconf");
        try
        {
            File.WriteAllText(Path.Combine(dir, "dockerman"), CommentedOption().Replace(conffile, "$1$2"));
            var runner = new CgiRunner("unix:///nonexistent/docker.sock", dir);

            CgiReply reply = runner.Get("version");

            Assert.Equal(502, reply.Status); // it got as far as the daemon
            Assert.DoesNotContain("option", reply.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("line ", reply.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void Mkipk_TwoBuildsFromTheSameInputs_AreByteForByteEqual()
    {
        string a = Paths.TempDir("ipka");
        string b = Paths.TempDir("ipkb");
        try
        {
            Mkipk(a, "0022");
            Thread.Sleep(1100); // a clock leaking into the archive would show
            Mkipk(b, "0077"); // and so would the umask

            string name = $"dockerman_{Paths.Version}_x86_64.ipk";
            byte[] first = File.ReadAllBytes(Path.Combine(a, name));
            byte[] second = File.ReadAllBytes(Path.Combine(b, name));
            Assert.Equal(Convert.ToHexString(SHA256.HashData(first)), Convert.ToHexString(SHA256.HashData(second)));
        }
        finally
        {
            Directory.Delete(a, true);
            Directory.Delete(b, true);
        }
    }

    [Theory]
    [InlineData("linux-x64")]
    [InlineData("linux-arm64")]
    public void Binary_Published_FitsTheSizeBudget(string rid)
    {
        long size = new FileInfo(rid == "linux-x64" ? Paths.Binary : Paths.Arm64Binary).Length;

        // 3.5 MiB with TLS (mbedTLS) built in.
        Assert.True(size <= 3584 * 1024, $"{rid} binary is {size} bytes; see make size for what grew");
    }

    private const ushort ElfMachineX64 = 62;
    private const ushort ElfMachineAarch64 = 183;

    /// <summary>True if a 64-bit little-endian ELF has a PT_INTERP program header (it is dynamically linked).</summary>
    private static bool HasInterpreter(byte[] elf)
    {
        Assert.Equal("\u007fELF"u8.ToArray(), elf[..4]);
        long phoff = BitConverter.ToInt64(elf, 32);
        int phentsize = BitConverter.ToUInt16(elf, 54);
        int phnum = BitConverter.ToUInt16(elf, 56);
        for (int i = 0; i < phnum; i++)
        {
            const uint PtInterp = 3;
            if (BitConverter.ToUInt32(elf, (int)phoff + i * phentsize) == PtInterp)
            {
                return true;
            }
        }

        return false;
    }

    private static void Mkipk(string outDir, string umask)
    {
        var psi = new ProcessStartInfo("/bin/sh", ["-c", $"umask {umask} && exec build/mkipk.sh x86_64"])
        {
            WorkingDirectory = Paths.RepoRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        psi.Environment["MKIPK_OUT"] = outDir;
        using var p = Process.Start(psi)!;
        Task<string> err = p.StandardError.ReadToEndAsync();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, err.Result);
    }

    [GeneratedRegex(@"^([ \t]*)#(option (\w+) '[^']*')", RegexOptions.Multiline)]
    private static partial Regex CommentedOption();

    [GeneratedRegex(@"case ""(\w+)"":")]
    private static partial Regex SettingsCase();
}
