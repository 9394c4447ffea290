using System.Buffers.Binary;
using System.Security.Cryptography;
using Dockerman.Tests.Support;
using Xunit;

namespace Dockerman.Tests.Packaging.Apk;

/// <summary>
/// A package small enough to work out by hand from apk-tools' doc/apk-v3.5 and src/adb.h: one
/// file "f" holding "x" (mode 0644) in a root folder of mode 0755, name "p", version "1-r0",
/// mtime 0, uncompressed and unsigned. The writer must give exactly these bytes, and the reader
/// must read them back.
/// </summary>
public sealed class AdbKnownAnswerTests : IDisposable
{
    private readonly string _dir = Paths.TempDir("adbkat");

    public void Dispose() => Directory.Delete(_dir, true);

    private static void U32(List<byte> b, uint v)
    {
        var x = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(x, v);
        b.AddRange(x);
    }

    private static void Blob8(List<byte> b, byte[] v)
    {
        b.Add((byte)v.Length);
        b.AddRange(v);
    }

    /// <summary>The ADB block's payload, offset by offset. Values: type in the high nibble, offset or number below.</summary>
    public static byte[] ExpectedAdb()
    {
        var b = new List<byte>();
        U32(b, 0x00000000);                           // 0: compat version 0, version 0, reserved 0
        U32(b, 0xe00000ec);                           // 4: root = object at 236
        Blob8(b, "f"u8.ToArray());                    // 8: file name (blob8: length 1, then "f")
        Blob8(b, "root"u8.ToArray());                 // 10: acl user
        Blob8(b, "root"u8.ToArray());                 // 15: acl group; ends at 20, a multiple of 4 already
        U32(b, 4);                                    // 20: file acl object: 4 slots (count + 3 fields)
        U32(b, 0x10000000 | 0x1a4);                   //     mode 0644, an immediate int
        U32(b, 0x8000000a);                           //     user: blob8 at 10
        U32(b, 0x8000000f);                           //     group: blob8 at 15
        b.Add(32);                                    // 36: hash: blob8 of 32 bytes
        b.AddRange(SHA256.HashData("x"u8));
        b.AddRange(new byte[3]);                      // 69 → 72
        U32(b, 6);                                    // 72: file object, fields 1-5
        U32(b, 0x80000008);                           //     name
        U32(b, 0xe0000014);                           //     acl: object at 20
        U32(b, 0x10000001);                           //     size 1
        U32(b, 0x10000000);                           //     mtime 0 (an int, not NULL)
        U32(b, 0x80000024);                           //     hash: blob8 at 36
        U32(b, 2);                                    // 96: files array, one item
        U32(b, 0xe0000048);                           //     the file object at 72
        Blob8(b, "root"u8.ToArray());                 // 104: folder acl user
        Blob8(b, "root"u8.ToArray());                 // 109: folder acl group
        b.AddRange(new byte[2]);                      // 114 → 116
        U32(b, 4);                                    // 116: folder acl object
        U32(b, 0x10000000 | 0x1ed);                   //     mode 0755
        U32(b, 0x80000068);
        U32(b, 0x8000006d);
        U32(b, 4);                                    // 132: folder object, fields 1-3
        U32(b, 0x00000000);                           //     name: NULL (the root folder has none)
        U32(b, 0xe0000074);                           //     acl at 116
        U32(b, 0xd0000060);                           //     files: array at 96
        U32(b, 2);                                    // 148: paths array, one folder
        U32(b, 0xe0000084);
        Blob8(b, "p"u8.ToArray());                    // 156: info name
        Blob8(b, "1-r0"u8.ToArray());                 // 158: info version
        Blob8(b, new byte[20]);                       // 163: unique id, zero until hashed
        U32(b, 13);                                   // 184: info object: slots up to field 12 (installed-size)
        U32(b, 0x8000009c);                           //     1 name
        U32(b, 0x8000009e);                           //     2 version
        U32(b, 0x800000a3);                           //     3 hashes (unique id)
        for (int field = 4; field < 12; field++)
        {
            U32(b, 0);                                //     4-11 unset
        }

        U32(b, 0x10000001);                           //     12 installed-size: 1 byte
        U32(b, 3);                                    // 236: package root: 1 info, 2 paths
        U32(b, 0xe00000b8);
        U32(b, 0xd0000094);
        byte[] adb = [.. b];
        Assert.Equal(248, adb.Length);

        // The unique id: SHA-256 of the block as it is with the zeros, first 20 bytes, at 164.
        SHA256.HashData(adb)[..20].CopyTo(adb, 164);
        return adb;
    }

    /// <summary>The whole file: magic, schema, the ADB block (header 0x000000fc: type 0, 252 bytes; 4 zeros to 256), one DATA block.</summary>
    public static byte[] ExpectedFile()
    {
        var b = new List<byte>();
        b.AddRange("ADB.pckg"u8.ToArray());
        U32(b, (0u << 30) | (4 + 248));
        b.AddRange(ExpectedAdb());
        b.AddRange(new byte[4]);
        U32(b, (2u << 30) | (4 + 8 + 1));              // DATA: header, path 1, file 1, "x"
        U32(b, 1);
        U32(b, 1);
        b.Add((byte)'x');
        b.AddRange(new byte[3]);
        return [.. b];
    }

    private string Write(params string[] extra)
    {
        string files = Path.Combine(_dir, "files");
        Directory.CreateDirectory(files);
        File.SetUnixFileMode(files, (UnixFileMode)0b111_101_101);
        File.WriteAllText(Path.Combine(files, "f"), "x");
        File.SetUnixFileMode(Path.Combine(files, "f"), (UnixFileMode)0b110_100_100);
        string output = Path.Combine(_dir, "p.apk");
        PackageTools.Mkpkg(["--files", files, "--output", output, "--info", "name:p", "--info", "version:1-r0", "--mtime", "0", .. extra]);
        return output;
    }

    [Fact]
    public void Writer_TinyPackageUncompressed_IsTheHandWorkedBytes()
    {
        byte[] written = File.ReadAllBytes(Write("--no-compress"));

        Assert.Equal(Convert.ToHexString(ExpectedFile()), Convert.ToHexString(written));
    }

    [Fact]
    public void Writer_TinyPackageCompressed_IsADBdThenRawDeflateOfTheSameBytes()
    {
        byte[] written = File.ReadAllBytes(Write());

        Assert.Equal("ADBd"u8.ToArray(), written[..4]);
        var inflated = new MemoryStream();
        using (var d = new System.IO.Compression.DeflateStream(new MemoryStream(written[4..]), System.IO.Compression.CompressionMode.Decompress))
        {
            d.CopyTo(inflated);
        }

        Assert.Equal(Convert.ToHexString(ExpectedFile()), Convert.ToHexString(inflated.ToArray()));
    }

    [Fact]
    public void Writer_TinyPackageSigned_SignsTheSchemaTheHeaderAndTheSha512OfTheHandWorkedBlock()
    {
        (string key, string publicKey) = PackageTools.EcKey(_dir);
        AdbFile file = AdbFile.Parse(File.ReadAllBytes(Write("--no-compress", "--sign-key", key)));

        Assert.Equal([AdbBlock.Adb, AdbBlock.Sig, AdbBlock.Data], file.Blocks.Select(b => b.Type));
        Assert.Equal(ExpectedAdb(), file.Adb); // signing changes nothing in the ADB block
        byte[] sig = file.Blocks[1].Payload;
        byte[] keyId = ApkSignature.KeyIdOf(File.ReadAllText(publicKey));
        Assert.Equal([0x00, 0x04, .. keyId], sig[..18]); // sign_ver 0, hash_alg 4 (SHA-512), key id
        Assert.Equal(0x30, sig[18]); // a DER SEQUENCE (r, s)
        byte[] signedByHand = [.. "pckg"u8, 0x00, 0x04, .. keyId, .. SHA512.HashData(ExpectedAdb())];
        Assert.True(ApkSignature.Parse(sig).VerifiesWithOpenssl(publicKey, signedByHand));
    }

    [Fact]
    public void Reader_HandWorkedBytes_ReadsEveryField()
    {
        ApkPackage apk = ApkPackage.Parse(ExpectedFile());

        Assert.Equal(("p", "1-r0", 1ul), (apk.Info.Name, apk.Info.Version, apk.Info.InstalledSize));
        Assert.Equal(apk.ExpectedUniqueId(), apk.Info.Hashes);
        Assert.Equal(["./", "./f"], apk.Entries.Select(e => e.Name));
        ApkEntry f = apk.Entries[1];
        Assert.Equal((ApkEntry.File, "0644", "root", "root", 1ul, 0ul), (f.Kind, f.OctalMode, f.User, f.Group, f.Size, f.MTime));
        Assert.Equal("x"u8.ToArray(), f.Data);
        Assert.Equal("0755", apk.Entries[0].OctalMode);
        Assert.Empty(apk.Scripts);
    }

    // File offsets: 0 magic and schema, 8 the ADB block's header, 12 its payload (payload offset
    // + 12), 260 padding, 264 the DATA block's header, 268 path number, 272 file number, 276 "x", 277 padding.
    [Theory]
    [InlineData(12 + 80, 0x01)]     // the file's acl slot 0xe0000014 → 0xe0000015: not 4-aligned
    [InlineData(12 + 148, 0x01)]    // the paths array claims 3 slots: its last slot is past the end of what was written
    [InlineData(272, 0x01)]         // the DATA block's file number 1 → 0: data for a file that is not next
    [InlineData(276, 'x' ^ 'y')]    // the contents no longer match the file's SHA-256
    [InlineData(277, 0x01)]         // padding that is not zero
    [InlineData(8, 0x08)]           // the ADB block's size 252 → 244: the blocks no longer line up
    public void Reader_OneByteChanged_Refuses(int offset, int xor)
    {
        byte[] file = ExpectedFile();
        file[offset] ^= (byte)xor;

        Assert.Throws<InvalidDataException>(() => ApkPackage.Parse(file));
    }
}
