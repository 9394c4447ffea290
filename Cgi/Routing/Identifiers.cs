using Dockerman.CgiIo;
using Dockerman.Http;

namespace Dockerman.Routing;

/// <summary>Grammars for what may stand in a path: ids, names and image references.</summary>
internal static class Identifiers
{
    public static void Check(IdKind kind, string id)
    {
        if (kind == IdKind.Single ? !IsName(id) : !IsImageReference(id))
        {
            string what = kind == IdKind.Single ? "id or name" : "image reference";
            throw ApiException.BadRequest($"{what} '{RouteMatcher.Printable(id)}' is not valid");
        }
    }

    /// <summary>Container, exec, network and volume ids and names: <c>[A-Za-z0-9][A-Za-z0-9_.-]*</c>
    /// (Docker's own name grammar), so never a dot segment, a slash or a control character.</summary>
    public static bool IsName(string s)
    {
        if (s.Length is 0 or > Limits.MaxIdBytes || !char.IsAsciiLetterOrDigit(s[0]))
        {
            return false;
        }

        foreach (char c in s)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('_' or '.' or '-'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// An image reference, an image id or <c>sha256:</c> digest: path components of
    /// <c>[A-Za-z0-9._-]</c> joined by '/', an optional registry port, tag and digest. No empty or
    /// dot segment, nothing outside ASCII.
    /// </summary>
    public static bool IsImageReference(string s)
    {
        if (s.Length is 0 or > Limits.MaxIdBytes)
        {
            return false;
        }

        foreach (char c in s)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('_' or '.' or '-' or '/' or ':' or '@'))
            {
                return false;
            }
        }

        foreach (Range r in s.AsSpan().Split('/'))
        {
            ReadOnlySpan<char> segment = s.AsSpan(r);
            if (segment.IsEmpty || segment is "." or ".." || !char.IsAsciiLetterOrDigit(segment[0]))
            {
                return false;
            }
        }

        return true;
    }
}
