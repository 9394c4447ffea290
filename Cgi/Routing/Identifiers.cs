using System.Globalization;
using Dockerman.CgiIo;
using Dockerman.Http;

namespace Dockerman.Routing;

/// <summary>Grammars for what may stand in a path: ids, names and image references.</summary>
internal static class Identifiers
{
    public static void Check(IdKind kind, string id)
    {
        (bool ok, string what) = kind switch
        {
            IdKind.Single => (IsName(id), "id or name"),
            IdKind.Exec => (IsExecId(id), "exec id"),
            IdKind.Job => (Jobs.JobStore.IsJobId(id), "job id"),
            _ => (IsImageReference(id), "image reference"),
        };
        if (!ok)
        {
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

    /// <summary>An exec instance id: 64 lowercase hex digits, as the daemon makes them.</summary>
    public static bool IsExecId(string s) =>
        s.Length == 64 && !s.AsSpan().ContainsAnyExcept("0123456789abcdef");

    /// <summary>
    /// An image reference by the distribution reference grammar — <c>[domain[:port]/]path[:tag][@digest]</c>
    /// with lowercase path components joined by '/', separators '.', '_', '__' or dashes inside a
    /// component, tags of <c>[\w][\w.-]{0,127}</c>, digests <c>algorithm:hex</c> — or an image id
    /// (<c>sha256:</c> and hex, or a hex prefix, which the path grammar already covers).
    /// </summary>
    public static bool IsImageReference(string s)
    {
        if (s.Length is 0 or > Limits.MaxIdBytes)
        {
            return false;
        }

        ReadOnlySpan<char> rest = s;
        int at = rest.IndexOf('@');
        if (at >= 0)
        {
            if (!IsDigest(rest[(at + 1)..]))
            {
                return false;
            }

            rest = rest[..at];
        }
        else if (rest.StartsWith("sha256:"))
        {
            return IsDigest(rest); // a bare image id
        }

        // A tag follows the last ':' when no '/' comes after it (else the ':' belonged to a port).
        int colon = rest.LastIndexOf(':');
        if (colon >= 0 && rest[colon..].IndexOf('/') < 0)
        {
            if (!IsTag(rest[(colon + 1)..]))
            {
                return false;
            }

            rest = rest[..colon];
        }

        if (rest.Length is 0 or > 255)
        {
            return false;
        }

        int slash = rest.IndexOf('/');
        if (slash > 0 && LooksLikeDomain(rest[..slash]))
        {
            if (!IsDomain(rest[..slash]))
            {
                return false;
            }

            rest = rest[(slash + 1)..];
        }

        foreach (Range r in rest.Split('/'))
        {
            if (!IsPathComponent(rest[r]))
            {
                return false;
            }
        }

        return true;
    }

    private static bool LooksLikeDomain(ReadOnlySpan<char> first) =>
        first.IndexOfAny('.', ':') >= 0 || first is "localhost" || first.IndexOfAnyInRange('A', 'Z') >= 0;

    /// <summary>host[:port]: dot-separated labels of letters, digits and inner dashes, or [IPv6].</summary>
    private static bool IsDomain(ReadOnlySpan<char> domain)
    {
        ReadOnlySpan<char> host = domain;
        int portColon = domain.LastIndexOf(':');
        if (domain.StartsWith("["))
        {
            int close = domain.IndexOf(']');
            if (close < 2 || domain[1..close].ContainsAnyExcept("0123456789abcdefABCDEF:"))
            {
                return false;
            }

            host = default;
            portColon = close + 1 < domain.Length ? close + 1 : -1;
            if (portColon > 0 && domain[portColon] != ':')
            {
                return false;
            }
        }
        else if (portColon >= 0)
        {
            host = domain[..portColon];
        }

        if (portColon >= 0)
        {
            ReadOnlySpan<char> port = domain[(portColon + 1)..];
            if (!port.ContainsOnlyDigits() || port.Length > 5 || int.Parse(port, CultureInfo.InvariantCulture) is 0 or > 65535)
            {
                return false;
            }
        }

        if (!host.IsEmpty || !domain.StartsWith("["))
        {
            foreach (Range r in host.Split('.'))
            {
                ReadOnlySpan<char> label = host[r];
                if (label.IsEmpty || !char.IsAsciiLetterOrDigit(label[0]) || !char.IsAsciiLetterOrDigit(label[^1]) ||
                    label.ContainsAnyExcept("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-"))
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>[a-z0-9]+ joined by '.', '_', '__' or any number of '-'.</summary>
    private static bool IsPathComponent(ReadOnlySpan<char> c)
    {
        if (c.IsEmpty || !IsLowerAlnum(c[0]) || !IsLowerAlnum(c[^1]))
        {
            return false;
        }

        for (int i = 1; i < c.Length; i++)
        {
            char ch = c[i];
            if (IsLowerAlnum(ch))
            {
                continue;
            }

            if (ch == '.' && IsLowerAlnum(c[i - 1]))
            {
                continue;
            }

            if (ch == '_' && (IsLowerAlnum(c[i - 1]) || (c[i - 1] == '_' && i >= 2 && IsLowerAlnum(c[i - 2]))))
            {
                continue;
            }

            if (ch == '-' && (IsLowerAlnum(c[i - 1]) || c[i - 1] == '-'))
            {
                continue;
            }

            return false;
        }

        return true;
    }

    private static bool IsLowerAlnum(char c) => char.IsAsciiDigit(c) || char.IsAsciiLetterLower(c);

    private static bool IsTag(ReadOnlySpan<char> tag) =>
        tag.Length is > 0 and <= 128 && (char.IsAsciiLetterOrDigit(tag[0]) || tag[0] == '_') &&
        !tag.ContainsAnyExcept("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-");

    /// <summary>algorithm:hex, at least 32 hex digits (sha256 has 64).</summary>
    private static bool IsDigest(ReadOnlySpan<char> digest)
    {
        int colon = digest.IndexOf(':');
        if (colon <= 0)
        {
            return false;
        }

        ReadOnlySpan<char> algorithm = digest[..colon];
        ReadOnlySpan<char> hex = digest[(colon + 1)..];
        return IsLowerAlnum(algorithm[0]) && !algorithm.ContainsAnyExcept("abcdefghijklmnopqrstuvwxyz0123456789+._-") &&
               hex.Length >= 32 && !hex.ContainsAnyExcept("0123456789abcdefABCDEF");
    }
}
