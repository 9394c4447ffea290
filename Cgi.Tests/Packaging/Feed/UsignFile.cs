using System.Buffers.Binary;

namespace Dockerman.Tests.Packaging.Feed;

/// <summary>
/// A usign/signify key or signature file, read from openwrt/usign's main.c (struct pubkey,
/// struct sig): an "untrusted comment:" line, then base64 of "Ed", an 8-byte fingerprint and the
/// 32-byte public key or 64-byte signature. usign looks a signature's key up in /etc/opkg/keys
/// by the fingerprint read big-endian and printed as %PRIx64: lower-case hex, no leading zeros.
/// </summary>
public sealed record UsignFile(string Comment, byte[] Fingerprint, byte[] Key)
{
    public static UsignFile Read(string path)
    {
        string[] lines = File.ReadAllText(path).Split('\n');
        if (lines.Length < 2 || !lines[0].StartsWith("untrusted comment: ", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{path}: no untrusted comment line");
        }

        byte[] raw = Convert.FromBase64String(lines[1]);
        if (raw.Length is not (2 + 8 + 32) and not (2 + 8 + 64) || raw[0] != 'E' || raw[1] != 'd')
        {
            throw new InvalidDataException($"{path}: not an Ed25519 key or signature ({raw.Length} bytes)");
        }

        return new UsignFile(lines[0], raw[2..10], raw[10..]);
    }

    /// <summary>The file name usign expects the public key under in /etc/opkg/keys.</summary>
    public string KeyFileName => BinaryPrimitives.ReadUInt64BigEndian(Fingerprint).ToString("x", System.Globalization.CultureInfo.InvariantCulture);
}
