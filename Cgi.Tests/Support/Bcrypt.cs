using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Dockerman.Tests.Support;

/// <summary>bcrypt password hashes ($2b$) from the system's libcrypt (libxcrypt), as htpasswd files want them.</summary>
public static partial class Bcrypt
{
    private const string Alphabet = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    [LibraryImport("libcrypt.so.1", EntryPoint = "crypt", StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr Crypt(string key, string setting);

    public static string Hash(string password)
    {
        // bcrypt's salt: 22 characters of its alphabet; the last carries only 2 of its 6 bits (., O, e or u).
        byte[] random = RandomNumberGenerator.GetBytes(22);
        char[] salt = new char[22];
        for (int i = 0; i < salt.Length; i++)
        {
            salt[i] = Alphabet[i == 21 ? random[i] % 4 * 16 : random[i] % 64];
        }

        string hash = Marshal.PtrToStringUTF8(Crypt(password, "$2b$05$" + new string(salt))) ?? "";
        if (!hash.StartsWith("$2b$05$", StringComparison.Ordinal) || hash.Length != 60)
        {
            throw new InvalidOperationException("libcrypt made no bcrypt hash");
        }

        return hash;
    }
}
