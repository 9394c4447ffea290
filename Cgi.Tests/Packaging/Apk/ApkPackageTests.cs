using System.Formats.Tar;
using System.Security.Cryptography;
using Dockerman.Tests.Support;
using Xunit;

namespace Dockerman.Tests.Packaging.Apk;

/// <summary>
/// The .apk packages (OpenWrt 25.12) that make apk writes to out/apk/, read with the project's
/// own reader and checked against the .ipk of the same architecture: one payload, two formats.
/// </summary>
public sealed class ApkPackageTests
{
    public static TheoryData<string> Architectures => new() { "x86_64", "aarch64_generic", "aarch64_cortex-a53" };

    /// <summary>What OpenWrt's package-pack.mk adds to every apk payload, and the folders that lead there.</summary>
    private static readonly (string Name, string Mode)[] ApkMetadata =
    [
        ("./lib/", "0755"),
        ("./lib/apk/", "0755"),
        ("./lib/apk/packages/", "0755"),
        ("./lib/apk/packages/dockerman.conffiles", "0644"),
        ("./lib/apk/packages/dockerman.conffiles_static", "0644"),
        ("./lib/apk/packages/dockerman.list", "0644"),
    ];

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Apk_Info_NamesThePackageAsOpenWrtDoesForItsArchitecture(string arch)
    {
        string path = ApkPackage.PathFor(arch);
        ApkPackage apk = ApkPackage.Read(path);
        Dictionary<string, string> control = IpkPackage.Read(Paths.Package(arch)).Fields();

        Assert.Equal("dockerman", apk.Info.Name);
        Assert.Matches(@"^\d+\.\d+\.\d+-r\d+$", apk.Info.Version); // apk refuses 0.1.0-1
        Assert.Equal(ApkPackage.ExpectedVersion, apk.Info.Version);
        Assert.Equal(arch, apk.Info.Arch); // must equal the router's /etc/apk/arch
        Assert.Equal(["rpcd"], apk.Info.Depends);
        Assert.Equal(control["License"], apk.Info.License);
        Assert.Equal(control["Source"], apk.Info.Origin);
        Assert.Equal(control["Description"].Replace('\n', ' '), apk.Info.Description);
        Assert.Null(apk.Info.FileSize); // only an index copy has it
        Assert.Equal(apk.ExpectedUniqueId(), apk.Info.Hashes);
        Assert.Equal($"{apk.Info.Name}-{apk.Info.Version}.apk", Path.GetFileName(path));
        Assert.Equal(arch, Path.GetFileName(Path.GetDirectoryName(path)));
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Apk_Container_IsDeflatedWithOneAdbBlockThenData(string arch)
    {
        ApkPackage apk = ApkPackage.Read(ApkPackage.PathFor(arch));

        Assert.True(apk.File.Compressed);
        Assert.Equal("pckg", apk.File.Schema);
        Assert.Equal(AdbBlock.Adb, apk.File.Blocks[0].Type);
        Assert.Equal(apk.Entries.Count(e => e.Kind == ApkEntry.File && e.Size > 0), apk.File.DataBlocks.Count());
        // The ADB block's header: compat version 0, version 0, reserved 0.
        Assert.Equal(new byte[4], apk.File.Adb[..4]);
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Apk_Paths_AreTheIpkPayloadPlusOpenWrtsMetadataOwnedByRoot(string arch)
    {
        ApkPackage apk = ApkPackage.Read(ApkPackage.PathFor(arch));
        IpkPackage ipk = IpkPackage.Read(Paths.Package(arch));

        var expected = ipk.Data.Select(m => (m.Name, m.OctalMode)).Concat(ApkMetadata).Order().ToList();
        Assert.Equal(expected, apk.Entries.Select(e => (e.Name, e.OctalMode)).Order().ToList());
        Assert.All(apk.Entries, e => Assert.Equal(("root", "root"), (e.User, e.Group)));
        ulong epoch = (ulong)ipk.Outer[0].ModificationTime.ToUnixTimeSeconds();
        Assert.All(apk.Entries.Where(e => e.Kind != ApkEntry.Folder), e => Assert.Equal(epoch, e.MTime));
        Assert.Equal(epoch, apk.Info.BuildTime);
        foreach (ApkEntry file in apk.Entries.Where(e => e.Kind == ApkEntry.File && !e.Name.StartsWith("./lib/apk/", StringComparison.Ordinal)))
        {
            TarMember member = ipk.DataFile(file.Name);
            Assert.Equal(TarEntryType.RegularFile, member.Type);
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(member.Data)), file.Sha256);
            Assert.Equal(member.Data, file.Data);
        }

        foreach (ApkEntry link in apk.Entries.Where(e => e.Kind == ApkEntry.Link))
        {
            TarMember member = ipk.DataFile(link.Name);
            Assert.Equal((TarEntryType.SymbolicLink, member.LinkName), (member.Type, link.LinkTarget));
        }

        // installed-size as apk mkpkg counts it: the bytes of the regular files.
        Assert.Equal((ulong)apk.Entries.Where(e => e.Kind == ApkEntry.File).Sum(e => (long)e.Size), apk.Info.InstalledSize);
    }

    [Theory]
    [InlineData("x86_64", "linux-x64")]
    [InlineData("aarch64_generic", "linux-arm64")]
    [InlineData("aarch64_cortex-a53", "linux-arm64")]
    public void Apk_Binary_IsThePublishedBinaryForItsMachine(string arch, string rid)
    {
        ApkPackage apk = ApkPackage.Read(ApkPackage.PathFor(arch));
        string published = rid == "linux-x64" ? Paths.Binary : Paths.Arm64Binary;

        ApkEntry binary = Assert.Single(apk.Entries, e => e.Name == "./www/cgi-bin/dockerman");
        Assert.Equal((ApkEntry.File, "0755"), (binary.Kind, binary.OctalMode));
        Assert.Equal(File.ReadAllBytes(published), binary.Data);
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Apk_Scripts_AreTheIpkScriptsUnderApksNames(string arch)
    {
        ApkPackage apk = ApkPackage.Read(ApkPackage.PathFor(arch));
        IpkPackage ipk = IpkPackage.Read(Paths.Package(arch));

        Assert.Equal(["post-deinstall", "post-install", "post-upgrade", "pre-deinstall"], apk.Scripts.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(ipk.ControlText("./postinst"), apk.Scripts["post-install"]);
        // An upgrade runs the new package's postinst with PKG_UPGRADE=1, as opkg sets it.
        string body = ipk.ControlText("./postinst")["#!/bin/sh\n".Length..];
        Assert.Equal("#!/bin/sh\nexport PKG_UPGRADE=1\n" + body, apk.Scripts["post-upgrade"]);
        // apk runs pre-deinstall only on removal, never on an upgrade.
        Assert.Equal(ipk.ControlText("./prerm"), apk.Scripts["pre-deinstall"]);
        Assert.Equal(ipk.ControlText("./postrm"), apk.Scripts["post-deinstall"]);
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Apk_Metadata_ListsFilesAndConffilesWithChecksums(string arch)
    {
        ApkPackage apk = ApkPackage.Read(ApkPackage.PathFor(arch));
        IpkPackage ipk = IpkPackage.Read(Paths.Package(arch));
        string Meta(string ext) => System.Text.Encoding.UTF8.GetString(
            apk.Entries.Single(e => e.Name == "./lib/apk/packages/dockerman" + ext).Data);

        // Every file and link of the payload, as /path, sorted; not the metadata itself.
        var payload = ipk.Data.Where(m => !m.IsDirectory).Select(m => m.Name[1..]).Order(StringComparer.Ordinal);
        Assert.Equal(string.Concat(payload.Select(p => p + "\n")), Meta(".list"));
        Assert.Equal(ipk.ControlText("./conffiles"), Meta(".conffiles"));
        // What sysupgrade reads: each conffile with the sha256 of the packaged copy.
        var conffiles = ipk.ControlText("./conffiles").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string expected = string.Concat(conffiles.Select(c =>
            $"{c} {Convert.ToHexStringLower(SHA256.HashData(ipk.DataFile("." + c).Data))}\n"));
        Assert.Equal(expected, Meta(".conffiles_static"));
    }

    [Fact]
    public void Mkapk_TwoBuildsFromTheSameInputs_AreByteForByteEqual()
    {
        string a = Paths.TempDir("apka");
        string b = Paths.TempDir("apkb");
        try
        {
            PackageTools.Mkapk(a, "0022");
            Thread.Sleep(1100); // a clock leaking into the package would show
            PackageTools.Mkapk(b, "0077"); // and so would the umask (folder modes of the staging)

            string name = Path.Combine("x86_64", $"dockerman-{ApkPackage.ExpectedVersion}.apk");
            byte[] first = File.ReadAllBytes(Path.Combine(a, name));
            byte[] second = File.ReadAllBytes(Path.Combine(b, name));
            Assert.Equal(Convert.ToHexString(SHA256.HashData(first)), Convert.ToHexString(SHA256.HashData(second)));
            Assert.Empty(ApkPackage.Parse(first).File.Signatures); // no APK_SIGN_KEY: unsigned
        }
        finally
        {
            Directory.Delete(a, true);
            Directory.Delete(b, true);
        }
    }
}
