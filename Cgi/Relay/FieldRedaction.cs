using System.Text.Json;

namespace Dockerman.Relay;

/// <summary>
/// Takes one top-level field out of a JSON object, in bytes: every other member passes as the daemon
/// wrote it, joined by commas. What cannot be read as one object is refused rather than passed on,
/// since a secret inside it could not be found.
/// </summary>
internal static class FieldRedaction
{
    /// <summary>The object without <paramref name="name"/> (every occurrence at the top level), or null
    /// when <paramref name="json"/> is not one well-formed JSON object.</summary>
    public static byte[]? Remove(ReadOnlySpan<byte> json, ReadOnlySpan<byte> name)
    {
        var result = new List<byte>(json.Length + 1);
        result.Add((byte)'{');
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = Http.Limits.MaxJsonDepth });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                int start = (int)reader.TokenStartIndex;
                bool match = reader.ValueTextEquals(name);
                if (!reader.Read())
                {
                    return null;
                }

                reader.Skip(); // to the end of an object or array value; nothing for a scalar
                if (!match)
                {
                    if (result.Count > 1)
                    {
                        result.Add((byte)',');
                    }

                    result.AddRange(json[start..(int)reader.BytesConsumed]);
                }
            }

            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                return null; // something after the object
            }
        }
        catch (JsonException)
        {
            return null;
        }

        result.Add((byte)'}');
        result.Add((byte)'\n');
        return [.. result];
    }
}
