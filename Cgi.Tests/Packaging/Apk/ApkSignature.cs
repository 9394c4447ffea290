using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Dockerman.Tests.Support;

namespace Dockerman.Tests.Packaging.Apk;

/// <summary>
/// The payload of an ADB SIG block, read from apk-tools' src/adb.h (struct adb_sign_v0) and
/// src/adb.c (adb_trust_verify_signature, adb_digest_v0_signature): u8 sign_ver 0, u8 hash_alg
/// (apk's numbering: 3 SHA-256, 4 SHA-512), a 16-byte key id, then the signature. The signature
/// covers, hashed with SHA-512: the schema's 4 bytes, these first 18 bytes, and the hash_alg
/// digest of the ADB block's payload. The key id is the first 16 bytes of the SHA-512 of the
/// public key as i2d_PublicKey writes it (crypto_openssl.c): for EC, the point 0x04 || X || Y.
/// </summary>
public sealed record ApkSignature(byte SignVersion, byte HashAlg, byte[] KeyId, byte[] Signature)
{
    public const byte HashSha256 = 3;
    public const byte HashSha512 = 4;
    public const int HeaderLength = 18;

    public static ApkSignature Parse(byte[] payload)
    {
        if (payload.Length <= HeaderLength)
        {
            throw new InvalidDataException($"a SIG block of {payload.Length} bytes holds no signature");
        }

        return new ApkSignature(payload[0], payload[1], payload[2..HeaderLength], payload[HeaderLength..]);
    }

    /// <summary>The bytes the signer signed: schema, sign_ver, hash_alg, key id, then the digest of the ADB block.</summary>
    public byte[] SignedMessage(string schema, byte[] adbPayload)
    {
        byte[] digest = HashAlg switch
        {
            HashSha512 => SHA512.HashData(adbPayload),
            HashSha256 => SHA256.HashData(adbPayload),
            _ => throw new InvalidDataException($"hash_alg {HashAlg} is none apk verifies"),
        };
        return [.. Encoding.ASCII.GetBytes(schema), SignVersion, HashAlg, .. KeyId, .. digest];
    }

    /// <summary>The key id of an EC public key (PEM): SHA-512 of the uncompressed point, first 16 bytes.</summary>
    public static byte[] KeyIdOf(string publicKeyPem)
    {
        using var ec = ECDsa.Create();
        ec.ImportFromPem(publicKeyPem);
        ECParameters p = ec.ExportParameters(false);
        return SHA512.HashData([0x04, .. p.Q.X!, .. p.Q.Y!])[..16];
    }

    /// <summary>True when `openssl dgst -sha512 -verify` accepts the signature over <paramref name="message"/>.</summary>
    public bool VerifiesWithOpenssl(string publicKeyPath, byte[] message)
    {
        string dir = Paths.TempDir("apksig");
        try
        {
            File.WriteAllBytes(Path.Combine(dir, "message"), message);
            File.WriteAllBytes(Path.Combine(dir, "signature"), Signature);
            var psi = new ProcessStartInfo("openssl", ["dgst", "-sha512", "-verify", publicKeyPath, "-signature",
                Path.Combine(dir, "signature"), Path.Combine(dir, "message")])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using Process p = Process.Start(psi)!;
            Task<string> err = p.StandardError.ReadToEndAsync();
            string output = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            _ = err.Result;
            return p.ExitCode == 0 && output.Contains("Verified OK", StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
