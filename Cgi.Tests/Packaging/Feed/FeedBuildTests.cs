using Dockerman.Tests.Packaging.Apk;
using Dockerman.Tests.Support;
using Xunit;

namespace Dockerman.Tests.Packaging.Feed;

/// <summary>build/mkfeed.sh run here into temporary folders, with and without throwaway keys.</summary>
public sealed class FeedBuildTests : IDisposable
{
    private readonly string _dir = Paths.TempDir("feedb");

    public void Dispose() => Directory.Delete(_dir, true);

    private string Mkfeed(string name, string? apkKey = null, string? opkgKey = null)
    {
        string feed = Path.Combine(_dir, name);
        PackageTools.Run(Paths.RepoRoot, "umask 0022 && exec build/mkfeed.sh x86_64", new()
        {
            ["MKFEED_OUT"] = feed,
            ["APK_SIGN_KEY"] = apkKey,
            ["OPKG_SIGN_KEY"] = opkgKey,
        });
        return feed;
    }

    [Fact]
    public void Mkfeed_WithoutKeys_WritesAnUnsignedFeedTheSameTwice()
    {
        string a = Mkfeed("a");
        string b = Mkfeed("b");

        Assert.Empty(ApkIndex.Read(Path.Combine(a, "apk", "x86_64", "packages.adb")).File.Signatures);
        Assert.False(File.Exists(Path.Combine(a, "ipk", "x86_64", "Packages.sig")));
        Assert.Empty(Directory.GetFiles(Path.Combine(a, "keys")));
        foreach (string file in Directory.GetFiles(a, "*", SearchOption.AllDirectories))
        {
            Assert.Equal(File.ReadAllBytes(file), File.ReadAllBytes(Path.Combine(b, Path.GetRelativePath(a, file))));
        }
    }

    [Fact]
    public void Mkfeed_WithKeys_SignsBothHalvesAndExportsThePublicKeys()
    {
        (string apkKey, string apkPublic) = PackageTools.EcKey(_dir);
        (string opkgKey, string opkgPublic) = PackageTools.SignifyKey(_dir);
        string a = Mkfeed("a", apkKey, opkgKey);
        string b = Mkfeed("b", apkKey, opkgKey);

        Assert.Equal(File.ReadAllText(apkPublic), File.ReadAllText(Path.Combine(a, "keys", "dockerman.pem")));
        string usignName = UsignFile.Read(opkgPublic).KeyFileName;
        Assert.Equal(File.ReadAllText(opkgPublic), File.ReadAllText(Path.Combine(a, "keys", usignName)));
        // Ed25519 signs deterministically: the same key signs the same list the same way.
        Assert.Equal(File.ReadAllBytes(Path.Combine(a, "ipk", "x86_64", "Packages.sig")),
            File.ReadAllBytes(Path.Combine(b, "ipk", "x86_64", "Packages.sig")));
        // ECDSA does not: the signed packages differ in their signatures (and so in their
        // file-size), never in what the index vouches for, the identity of their ADB block.
        ApkIndex first = ApkIndex.Read(Path.Combine(a, "apk", "x86_64", "packages.adb"));
        ApkIndex second = ApkIndex.Read(Path.Combine(b, "apk", "x86_64", "packages.adb"));
        Assert.Equal(first.Packages[0].Hashes, second.Packages[0].Hashes);
        ApkSignature sig = ApkSignature.Parse(Assert.Single(second.File.Signatures).Payload);
        Assert.True(sig.VerifiesWithOpenssl(apkPublic, sig.SignedMessage("indx", second.File.Adb)));
    }

    [Fact]
    public void Mkfeed_OpkgKeyWithoutItsPublicKey_Fails()
    {
        (string opkgKey, string opkgPublic) = PackageTools.SignifyKey(_dir);
        File.Delete(opkgPublic);

        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => Mkfeed("a", opkgKey: opkgKey));
    }
}
