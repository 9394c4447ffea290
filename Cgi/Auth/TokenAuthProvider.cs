using System.Text;
using Dockerman.CgiIo;
using Dockerman.Http;
using Dockerman.Routing;

namespace Dockerman.Auth;

/// <summary>
/// A static bearer token, for servers other than OpenWrt's: <c>Authorization: Bearer &lt;token&gt;</c>
/// must equal the contents of <c>token_file</c> (surrounding whitespace ignored), compared in
/// constant time. A missing, empty or unreadable token file refuses everyone.
/// </summary>
internal sealed class TokenAuthProvider(string tokenFile, TextWriter stderr) : IAuthProvider
{
    /// <summary>Tokens shorter than this are refused as too easy to guess.</summary>
    public const int MinTokenLength = 16;

    /// <summary>The token is the one credential there is: its holder may do everything.</summary>
    public Access Check(CgiRequest request, Route route)
    {
        string? presented = Authenticator.Bearer(request.Authorization);
        if (string.IsNullOrEmpty(presented))
        {
            throw new ApiException(401, "authentication required: send Authorization: Bearer <token>");
        }

        byte[]? expected = ReadToken();
        if (expected == null)
        {
            throw new ApiException(503, "token authentication is not set up on this server");
        }

        if (!FixedTimeEquals(expected, Encoding.UTF8.GetBytes(presented)))
        {
            throw new ApiException(401, "invalid token");
        }

        return Access.Write;
    }

    private byte[]? ReadToken()
    {
        try
        {
            var info = new FileInfo(tokenFile);
            if (!info.Exists || info.Length > Limits.MaxTokenFileBytes)
            {
                stderr.WriteLine($"dockerman: token_file {tokenFile} is missing or too large");
                return null;
            }

            string token = File.ReadAllText(tokenFile).Trim();
            if (token.Length < MinTokenLength)
            {
                stderr.WriteLine($"dockerman: token_file {tokenFile} holds fewer than {MinTokenLength} characters");
                return null;
            }

            return Encoding.UTF8.GetBytes(token);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"dockerman: token_file {tokenFile}: {e.Message}");
            return null;
        }
    }

    /// <summary>Compares without an early exit, so the time taken does not tell how much matched.</summary>
    internal static bool FixedTimeEquals(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        int diff = a.Length ^ b.Length;
        for (int i = 0; i < b.Length; i++)
        {
            diff |= a[i % Math.Max(a.Length, 1)] ^ b[i];
        }

        return diff == 0 && a.Length > 0;
    }
}
