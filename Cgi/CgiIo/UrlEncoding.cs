using System.Buffers;
using System.Text;

namespace Dockerman.CgiIo;

/// <summary>Decoding of query strings and form bodies; encoding of what goes to the daemon.</summary>
internal static class UrlEncoding
{
    // RFC 3986 unreserved characters: everything else is percent-encoded on the way out.
    private static readonly SearchValues<byte> Unreserved = SearchValues.Create(
        "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"u8);

    private static readonly UTF8Encoding StrictUtf8 = new(false, true);

    /// <summary>Splits <c>a=1&amp;b=2</c> into decoded pairs. Throws 400 on bad escapes,
    /// invalid UTF-8 or more than <see cref="Http.Limits.MaxQueryParameters"/> pairs.</summary>
    public static List<KeyValuePair<string, string>> ParseQuery(string query, string what)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        foreach (Range part in query.AsSpan().Split('&'))
        {
            ReadOnlySpan<char> item = query.AsSpan(part);
            if (item.IsEmpty)
            {
                continue;
            }

            if (pairs.Count == Http.Limits.MaxQueryParameters)
            {
                throw ApiException.BadRequest($"{what} has more than {Http.Limits.MaxQueryParameters} parameters");
            }

            int eq = item.IndexOf('=');
            string name = Decode(eq < 0 ? item : item[..eq], what);
            string value = eq < 0 ? "" : Decode(item[(eq + 1)..], $"{what} parameter '{Routing.RouteMatcher.Printable(name)}'");
            pairs.Add(new(name, value));
        }

        return pairs;
    }

    /// <summary>Percent-decodes (with '+' as space) and checks the result is UTF-8. A raw U+FFFD is
    /// refused too: it is what the runtime made of bytes in the environment that were not UTF-8.</summary>
    public static string Decode(ReadOnlySpan<char> text, string what)
    {
        if (text.IndexOfAny('%', '+') < 0 && Ascii.IsValid(text))
        {
            return text.ToString();
        }

        byte[] bytes = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(text.Length));
        try
        {
            int n = 0;
            for (int i = 0; i < text.Length; i++)
            {
                char c = text[i];
                if (c == '+')
                {
                    bytes[n++] = (byte)' ';
                }
                else if (c == '%')
                {
                    if (i + 2 >= text.Length || !IsHex(text[i + 1]) || !IsHex(text[i + 2]))
                    {
                        throw ApiException.BadRequest($"{what}: malformed percent-encoding");
                    }

                    bytes[n++] = (byte)((HexValue(text[i + 1]) << 4) | HexValue(text[i + 2]));
                    i += 2;
                }
                else if (c < 0x80)
                {
                    bytes[n++] = (byte)c;
                }
                else if (c == '\uFFFD')
                {
                    throw ApiException.BadRequest($"{what}: not valid UTF-8");
                }
                else
                {
                    // Raw non-ASCII in the environment: keep it as UTF-8.
                    n += Encoding.UTF8.GetBytes(text.Slice(i, char.IsHighSurrogate(c) && i + 1 < text.Length ? 2 : 1),
                        bytes.AsSpan(n));
                    if (char.IsHighSurrogate(c))
                    {
                        i++;
                    }
                }
            }

            try
            {
                return StrictUtf8.GetString(bytes, 0, n);
            }
            catch (DecoderFallbackException)
            {
                throw ApiException.BadRequest($"{what}: not valid UTF-8");
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    /// <summary>Appends <paramref name="value"/> percent-encoded as UTF-8; with
    /// <paramref name="keep"/> those characters pass as they are (e.g. '/' in an image name).</summary>
    public static void Append(StringBuilder sb, string value, string keep = "")
    {
        Span<byte> utf8 = stackalloc byte[4];
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            if (c < 0x80 && (Unreserved.Contains((byte)c) || keep.Contains(c, StringComparison.Ordinal)))
            {
                sb.Append(c);
                continue;
            }

            int len = char.IsHighSurrogate(c) && i + 1 < value.Length
                ? Encoding.UTF8.GetBytes(value.AsSpan(i++, 2), utf8)
                : Encoding.UTF8.GetBytes(value.AsSpan(i, 1), utf8);
            for (int k = 0; k < len; k++)
            {
                sb.Append('%').Append("0123456789ABCDEF"[utf8[k] >> 4]).Append("0123456789ABCDEF"[utf8[k] & 15]);
            }
        }
    }

    private static bool IsHex(char c) => char.IsAsciiHexDigit(c);

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}
