using System.Security.Cryptography;
using System.Text;

namespace Dockerman.StandIns.Rpcd;

/// <summary>
/// MD5-crypt (<c>$1$salt$hash</c>, Poul-Henning Kamp's scheme, as glibc's crypt(3) and
/// <c>openssl passwd -1</c> make it): the form of the passwords in rpcd's <c>config login</c>.
/// </summary>
internal static class Md5Crypt
{
    private const string Magic = "$1$";
    private const string Alphabet = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private const int MaxSalt = 8;
    private const int Rounds = 1000;

    /// <summary>Whether <paramref name="password"/> hashes to <paramref name="stored"/> (a <c>$1$</c> hash; anything else never matches).</summary>
    public static bool Verify(string password, string stored)
    {
        if (!stored.StartsWith(Magic, StringComparison.Ordinal))
        {
            return false;
        }

        int end = stored.IndexOf('$', Magic.Length);
        string salt = end < 0 ? stored[Magic.Length..] : stored[Magic.Length..end];
        byte[] expected = Encoding.ASCII.GetBytes(stored);
        byte[] actual = Encoding.ASCII.GetBytes(Hash(password, salt));
        return CryptographicOperations.FixedTimeEquals(expected, actual);
    }

    public static string Hash(string password, string salt)
    {
        byte[] pw = Encoding.UTF8.GetBytes(password);
        byte[] s = Encoding.ASCII.GetBytes(salt.Length > MaxSalt ? salt[..MaxSalt] : salt);
        byte[] magic = Encoding.ASCII.GetBytes(Magic);

        byte[] alternate = MD5.HashData([.. pw, .. s, .. pw]);
        using var first = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        first.AppendData(pw);
        first.AppendData(magic);
        first.AppendData(s);
        for (int left = pw.Length; left > 0; left -= 16)
        {
            first.AppendData(alternate, 0, Math.Min(16, left));
        }

        for (int i = pw.Length; i != 0; i >>= 1)
        {
            first.AppendData((i & 1) != 0 ? [0] : pw.AsSpan(0, 1));
        }

        byte[] digest = first.GetHashAndReset();
        for (int round = 0; round < Rounds; round++)
        {
            using var h = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
            h.AppendData((round & 1) != 0 ? pw : digest);
            if (round % 3 != 0)
            {
                h.AppendData(s);
            }

            if (round % 7 != 0)
            {
                h.AppendData(pw);
            }

            h.AppendData((round & 1) != 0 ? digest : pw);
            digest = h.GetHashAndReset();
        }

        var text = new StringBuilder(Magic).Append(Encoding.ASCII.GetString(s)).Append('$');
        foreach ((int a, int b, int c) in (ReadOnlySpan<(int, int, int)>)[(0, 6, 12), (1, 7, 13), (2, 8, 14), (3, 9, 15), (4, 10, 5)])
        {
            Base64(text, (digest[a] << 16) | (digest[b] << 8) | digest[c], 4);
        }

        Base64(text, digest[11], 2);
        return text.ToString();
    }

    /// <summary>crypt's own base 64: the low 6 bits first.</summary>
    private static void Base64(StringBuilder text, int value, int digits)
    {
        for (int i = 0; i < digits; i++, value >>= 6)
        {
            text.Append(Alphabet[value & 0x3f]);
        }
    }
}
