using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using Dockerman.Tests.Packaging.Apk;
using Dockerman.Tests.Support;
using Xunit;

namespace Dockerman.Tests.Packaging.Feed;

/// <summary>
/// The feed in out/feed that make test builds with the throwaway keys of out/test-keys: each
/// index read back with the project's readers, each signature checked with openssl (apk) or
/// signify (opkg) against the public keys the feed exports in out/feed/keys.
/// </summary>
public sealed class FeedTests
{
    public static TheoryData<string> Architectures => new() { "x86_64", "aarch64_generic", "aarch64_cortex-a53" };

    private static string Feed(params string[] parts) =>
        ApkPackage.Existing(Path.Combine([Paths.RepoRoot, "out", "feed", .. parts]), "make test (make feed with the keys)");

    private static string ApkKey => Feed("keys", "dockerman.pem");

    private static string FeedApk(string arch) => Feed("apk", arch, $"dockerman-{ApkPackage.ExpectedVersion}.apk");

    private static string FeedIpk(string arch) => Feed("ipk", arch, $"dockerman_{Paths.Version}_{arch}.ipk");

    private static ApkSignature OnlySignature(AdbFile file)
    {
        var signatures = file.Signatures.ToList();
        Assert.True(signatures.Count == 1, $"{signatures.Count} SIG blocks: make test signs the feed with out/test-keys");
        return ApkSignature.Parse(signatures[0].Payload);
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void ApkIndex_ListsThePackageWithItsIdentityAndFileSize(string arch)
    {
        ApkIndex index = ApkIndex.Read(ApkIndex.PathFor(arch));
        ApkPackage apk = ApkPackage.Read(FeedApk(arch));

        Assert.True(index.File.Compressed);
        Assert.Equal($"dockerman {Paths.Version} {arch}", index.Description);
        ApkInfo listed = Assert.Single(index.Packages);
        // What apk checks a fetched package against: the SHA-256 of its ADB block.
        Assert.Equal(SHA256.HashData(apk.File.Adb), listed.Hashes);
        Assert.Equal((ulong)new FileInfo(FeedApk(arch)).Length, listed.FileSize);
        // Everything else is the package's own info, copied.
        Assert.Equal(apk.Info with { Hashes = listed.Hashes, FileSize = listed.FileSize, Depends = listed.Depends }, listed);
        Assert.Equal(apk.Info.Depends, listed.Depends);
        // apk fetches <name>-<version>.apk from the index's folder.
        Assert.True(File.Exists(Path.Combine(Path.GetDirectoryName(ApkIndex.PathFor(arch))!, $"{listed.Name}-{listed.Version}.apk")));
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void ApkIndex_SignatureVerifiesWithTheExportedKey(string arch)
    {
        ApkIndex index = ApkIndex.Read(ApkIndex.PathFor(arch));
        ApkSignature sig = OnlySignature(index.File);

        Assert.Equal((0, ApkSignature.HashSha512), (sig.SignVersion, sig.HashAlg));
        Assert.Equal(ApkSignature.KeyIdOf(File.ReadAllText(ApkKey)), sig.KeyId);
        Assert.True(sig.VerifiesWithOpenssl(ApkKey, sig.SignedMessage("indx", index.File.Adb)));
        // The packages carry a signature by the same key, so `apk add ./file.apk` trusts them too.
        ApkSignature own = OnlySignature(ApkPackage.Read(FeedApk(arch)).File);
        Assert.True(own.VerifiesWithOpenssl(ApkKey, own.SignedMessage("pckg", ApkPackage.Read(FeedApk(arch)).File.Adb)));
    }

    [Fact]
    public void ApkIndex_OneByteChanged_NoLongerVerifiesOrListsThePackage()
    {
        ApkIndex index = ApkIndex.Read(ApkIndex.PathFor("x86_64"));
        ApkSignature sig = OnlySignature(index.File);
        byte[] adb = (byte[])index.File.Adb.Clone();
        adb[^1] ^= 0x01;
        Assert.False(sig.VerifiesWithOpenssl(ApkKey, sig.SignedMessage("indx", adb)));

        // A changed package no longer has the identity the signed index lists.
        ApkPackage apk = ApkPackage.Read(FeedApk("x86_64"));
        byte[] changed = (byte[])apk.File.Adb.Clone();
        changed[^1] ^= 0x01;
        Assert.NotEqual(index.Packages[0].Hashes, SHA256.HashData(changed));
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void OpkgIndex_ListsTheIpkWithFilenameSizeAndSha256BeforeItsDescription(string arch)
    {
        string packages = File.ReadAllText(Feed("ipk", arch, "Packages"));
        var stanza = Assert.Single(OpkgIndex.Parse(packages));
        byte[] ipk = File.ReadAllBytes(FeedIpk(arch));
        Dictionary<string, string> control = IpkPackage.Read(FeedIpk(arch)).Fields();

        var names = stanza.Select(f => f.Name).ToList();
        int description = names.IndexOf("Description");
        Assert.Equal(["Filename", "Size", "SHA256sum"], names[(description - 3)..description]);
        Assert.Equal(Path.GetFileName(FeedIpk(arch)), stanza.Single(f => f.Name == "Filename").Value);
        Assert.Equal(ipk.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), stanza.Single(f => f.Name == "Size").Value);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(ipk)), stanza.Single(f => f.Name == "SHA256sum").Value);
        Assert.Equal(control, stanza.Where(f => f.Name is not ("Filename" or "Size" or "SHA256sum")).ToDictionary(f => f.Name, f => f.Value));

        using var gz = new GZipStream(File.OpenRead(Feed("ipk", arch, "Packages.gz")), CompressionMode.Decompress);
        using var reader = new StreamReader(gz, Encoding.UTF8);
        Assert.Equal(packages, reader.ReadToEnd());
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void OpkgIndex_SignatureVerifiesWithTheKeyNamedAsUsignLooksItUp(string arch)
    {
        string sigPath = Feed("ipk", arch, "Packages.sig");
        UsignFile sig = UsignFile.Read(sigPath);
        string keyPath = Feed("keys", sig.KeyFileName);
        UsignFile key = UsignFile.Read(keyPath);

        Assert.Equal(64, sig.Key.Length);
        Assert.Equal(32, key.Key.Length);
        Assert.Equal(sig.Fingerprint, key.Fingerprint);
        Assert.True(PackageTools.SignifyVerifies(keyPath, sigPath, Feed("ipk", arch, "Packages")));
    }

    [Fact]
    public void OpkgIndex_OneByteChanged_NoLongerVerifies()
    {
        string dir = Paths.TempDir("opkgsig");
        try
        {
            byte[] packages = File.ReadAllBytes(Feed("ipk", "x86_64", "Packages"));
            packages[10] ^= 0x20;
            string changed = Path.Combine(dir, "Packages");
            File.WriteAllBytes(changed, packages);
            string sigPath = Feed("ipk", "x86_64", "Packages.sig");

            Assert.False(PackageTools.SignifyVerifies(Feed("keys", UsignFile.Read(sigPath).KeyFileName), sigPath, changed));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Theory]
    [InlineData("000a1b2c3d4e5f60", "a1b2c3d4e5f60")]
    [InlineData("0000000000000000", "0")]
    [InlineData("f00000000000000f", "f00000000000000f")]
    public void UsignFingerprint_LeadingZeros_AreDroppedAsUsignPrintsThem(string fingerprint, string fileName)
    {
        string dir = Paths.TempDir("usignfp");
        try
        {
            byte[] raw = [(byte)'E', (byte)'d', .. Convert.FromHexString(fingerprint), .. new byte[32]];
            string path = Path.Combine(dir, "key.pub");
            File.WriteAllText(path, "untrusted comment: test\n" + Convert.ToBase64String(raw) + "\n");

            Assert.Equal(fileName, UsignFile.Read(path).KeyFileName);
            Assert.Equal(fileName + "\n", PackageTools.Run(Paths.RepoRoot, "build/usign-fingerprint.sh " + PackageTools.Quote(path)));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
