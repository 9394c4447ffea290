using System.Text.Json;
using Dockerman.Http;

namespace Dockerman.Routing;

/// <summary>Checks JSON without building objects: a reader pass with a depth limit.</summary>
internal static class JsonCheck
{
    public static bool IsWellFormed(ReadOnlySpan<byte> json, bool requireObject, out string? problem)
    {
        problem = null;
        if (!System.Text.Unicode.Utf8.IsValid(json))
        {
            // The reader does not check the bytes inside strings; the daemon would take them as
            // U+FFFD, and a key with such bytes would be silently ignored.
            problem = "not valid UTF-8";
            return false;
        }

        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = Limits.MaxJsonDepth });
        try
        {
            bool first = true;
            while (reader.Read())
            {
                if (first && requireObject && reader.TokenType != JsonTokenType.StartObject)
                {
                    problem = "expected a JSON object";
                    return false;
                }

                first = false;
            }

            if (first)
            {
                problem = "empty";
                return false;
            }

            return true;
        }
        catch (JsonException)
        {
            problem = reader.CurrentDepth >= Limits.MaxJsonDepth - 1
                ? $"nested deeper than {Limits.MaxJsonDepth} levels"
                : $"not well-formed JSON near byte {reader.BytesConsumed}";
            return false;
        }
    }
}
