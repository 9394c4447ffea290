using System.Text;
using System.Text.Json;

namespace Dockerman.Rpc;

/// <summary>One JSON value as it was sent: its kind, its bytes, and for a string its text.</summary>
internal readonly record struct JsonValue(JsonTokenType Kind, ReadOnlyMemory<byte> Raw, string? Text)
{
    public string RawText => Encoding.UTF8.GetString(Raw.Span);

    public bool IsEmpty => Kind is JsonTokenType.None or JsonTokenType.Null || (Kind == JsonTokenType.String && Text!.Length == 0);
}

/// <summary>
/// The members of a JSON object (or the items of an array) one level deep, each nested value kept as
/// its bytes. Enough for the few arguments of a call, without a document model (which would add
/// more to the binary than the whole rpcd front door).
/// </summary>
internal static class JsonMembers
{
    /// <summary>The members of an object, in order; the last of a repeated name wins.</summary>
    public static Dictionary<string, JsonValue> Of(ReadOnlyMemory<byte> json)
    {
        var members = new Dictionary<string, JsonValue>(StringComparer.Ordinal);
        var reader = new Utf8JsonReader(json.Span, new JsonReaderOptions { MaxDepth = Http.Limits.MaxJsonDepth });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("expected a JSON object");
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string name = reader.GetString()!;
            reader.Read();
            members[name] = Value(ref reader, json);
        }

        return members;
    }

    /// <summary>The items of an array.</summary>
    public static List<JsonValue> Items(ReadOnlyMemory<byte> json)
    {
        var items = new List<JsonValue>();
        var reader = new Utf8JsonReader(json.Span, new JsonReaderOptions { MaxDepth = Http.Limits.MaxJsonDepth });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException("expected a JSON array");
        }

        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            items.Add(Value(ref reader, json));
        }

        return items;
    }

    private static JsonValue Value(ref Utf8JsonReader reader, ReadOnlyMemory<byte> json)
    {
        JsonTokenType kind = reader.TokenType;
        int start = (int)reader.TokenStartIndex;
        string? text = kind == JsonTokenType.String ? reader.GetString() : null;
        if (kind is JsonTokenType.StartObject or JsonTokenType.StartArray)
        {
            reader.Skip();
        }

        return new JsonValue(kind, json[start..(int)reader.BytesConsumed], text);
    }
}
