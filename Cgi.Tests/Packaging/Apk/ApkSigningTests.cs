using Dockerman.Tests.Support;
using Xunit;

namespace Dockerman.Tests.Packaging.Apk;

/// <summary>
/// build/mkapk.sh with APK_SIGN_KEY: a throwaway ECDSA P-256 key made with the openssl command
/// line, the SIG block read by the project's reader and its signature checked by openssl over
/// the bytes apk-tools verifies (schema, sign_ver, hash_alg, key id, SHA-512 of the ADB block).
/// </summary>
public sealed class ApkSigningTests : IDisposable
{
    private readonly string _dir = Paths.TempDir("apksign");
    private readonly (string Private, string Public) _key;

    public ApkSigningTests()
    {
        _key = PackageTools.EcKey(_dir);
    }

    public void Dispose() => Directory.Delete(_dir, true);

    private ApkPackage Build(string name, string? key)
    {
        string outDir = Path.Combine(_dir, name);
        PackageTools.Mkapk(outDir, signKey: key);
        return ApkPackage.Read(Path.Combine(outDir, "x86_64", $"dockerman-{ApkPackage.ExpectedVersion}.apk"));
    }

    [Fact]
    public void Mkapk_WithKey_OneSignatureThatOpensslVerifiesOverTheSignedBytes()
    {
        ApkPackage apk = Build("signed", _key.Private);

        AdbBlock block = Assert.Single(apk.File.Signatures);
        Assert.Equal(AdbBlock.Sig, apk.File.Blocks[1].Type); // right after the ADB block, before the data
        ApkSignature sig = ApkSignature.Parse(block.Payload);
        Assert.Equal((0, ApkSignature.HashSha512), (sig.SignVersion, sig.HashAlg));
        Assert.Equal(ApkSignature.KeyIdOf(File.ReadAllText(_key.Public)), sig.KeyId);
        byte[] message = sig.SignedMessage("pckg", apk.File.Adb);
        Assert.Equal(4 + 18 + 64, message.Length);
        Assert.True(sig.VerifiesWithOpenssl(_key.Public, message));
    }

    [Fact]
    public void Mkapk_WithoutKey_WritesNoSignatureBlock()
    {
        ApkPackage apk = Build("unsigned", null);

        Assert.Empty(apk.File.Signatures);
        Assert.Equal(AdbBlock.Data, apk.File.Blocks[1].Type);
    }

    [Fact]
    public void Signature_OneByteOfTheAdbBlockChanged_NoLongerVerifies()
    {
        ApkPackage apk = Build("signed", _key.Private);
        ApkSignature sig = ApkSignature.Parse(apk.File.Signatures.Single().Payload);
        byte[] adb = (byte[])apk.File.Adb.Clone();
        adb[^1] ^= 0x01;

        Assert.True(sig.VerifiesWithOpenssl(_key.Public, sig.SignedMessage("pckg", apk.File.Adb)));
        Assert.False(sig.VerifiesWithOpenssl(_key.Public, sig.SignedMessage("pckg", adb)));
        Assert.False(sig.VerifiesWithOpenssl(_key.Public, sig.SignedMessage("indx", apk.File.Adb)));
    }

    [Fact]
    public void Signature_AnotherKey_HasAnotherIdAndDoesNotVerify()
    {
        ApkPackage apk = Build("signed", _key.Private);
        ApkSignature sig = ApkSignature.Parse(apk.File.Signatures.Single().Payload);
        string other = Directory.CreateDirectory(Path.Combine(_dir, "other")).FullName;
        (_, string otherPublic) = PackageTools.EcKey(other);

        Assert.NotEqual(ApkSignature.KeyIdOf(File.ReadAllText(otherPublic)), sig.KeyId);
        Assert.False(sig.VerifiesWithOpenssl(otherPublic, sig.SignedMessage("pckg", apk.File.Adb)));
    }

    [Fact]
    public void Mkapk_SignedTwice_DiffersOnlyInTheSignatureBlock()
    {
        ApkPackage first = Build("one", _key.Private);
        ApkPackage second = Build("two", _key.Private);

        // ECDSA draws a new nonce per signature (openssl 3.0 has no RFC 6979 option): the
        // signatures differ, everything else is the same bytes.
        static IEnumerable<string> Unsigned(ApkPackage p) =>
            p.File.Blocks.Where(b => b.Type != AdbBlock.Sig).Select(b => Convert.ToHexString(b.Payload));
        Assert.Equal(Unsigned(first), Unsigned(second));
        Assert.True(ApkSignature.Parse(second.File.Signatures.Single().Payload)
            .VerifiesWithOpenssl(_key.Public, ApkSignature.Parse(second.File.Signatures.Single().Payload).SignedMessage("pckg", second.File.Adb)));
    }
}
