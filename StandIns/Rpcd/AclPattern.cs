namespace Dockerman.StandIns.Rpcd;

/// <summary>
/// The patterns of rpcd's ACLs and of a login's <c>list read</c>/<c>list write</c>, which rpcd
/// matches with fnmatch(3): <c>*</c> stands for any run of characters (<c>docker.*</c>, <c>*</c>),
/// <c>?</c> for one; everything else is itself (bracket classes are not used by any ACL file here).
/// </summary>
internal static class AclPattern
{
    public static bool Matches(string pattern, string text) => Matches(pattern.AsSpan(), text.AsSpan());

    private static bool Matches(ReadOnlySpan<char> p, ReadOnlySpan<char> t)
    {
        while (!p.IsEmpty)
        {
            if (p[0] == '*')
            {
                ReadOnlySpan<char> rest = p.TrimStart('*');
                for (int skip = 0; skip <= t.Length; skip++)
                {
                    if (Matches(rest, t[skip..]))
                    {
                        return true;
                    }
                }

                return false;
            }

            if (t.IsEmpty || (p[0] != '?' && p[0] != t[0]))
            {
                return false;
            }

            p = p[1..];
            t = t[1..];
        }

        return t.IsEmpty;
    }
}
