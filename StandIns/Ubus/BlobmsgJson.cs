using System.Buffers.Binary;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Dockerman.StandIns.Ubus;

/// <summary>
/// blobmsg and JSON, the way libubox's blobmsg_json converts them: JSON integers that fit 32 bits
/// become INT32, other integers INT64, other numbers DOUBLE, booleans BOOL (one byte), null UNSPEC;
/// back, INT8/BOOL is a boolean and every integer type a signed number.
/// </summary>
internal static class BlobmsgJson
{
    /// <summary>The fields of a table (a DATA attribute's payload) as a JSON object.</summary>
    public static JsonObject ToObject(ReadOnlySpan<byte> fields)
    {
        var result = new JsonObject();
        var reader = new BlobReader(fields);
        while (reader.Next(out BlobAttr attr))
        {
            BlobmsgField field = BlobmsgField.Of(attr);
            result[field.Name] = ToNode(field);
        }

        return result;
    }

    private static JsonArray ToArray(ReadOnlySpan<byte> fields)
    {
        var result = new JsonArray();
        var reader = new BlobReader(fields);
        while (reader.Next(out BlobAttr attr))
        {
            result.Add(ToNode(BlobmsgField.Of(attr)));
        }

        return result;
    }

    private static JsonNode? ToNode(BlobmsgField f) => f.Type switch
    {
        BlobmsgType.Table => ToObject(f.Value),
        BlobmsgType.Array => ToArray(f.Value),
        BlobmsgType.String => JsonValue.Create(BlobReader.StringOf(f.Value, $"field '{f.Name}'")),
        BlobmsgType.Int64 => JsonValue.Create(BinaryPrimitives.ReadInt64BigEndian(Sized(f, 8))),
        BlobmsgType.Int32 => JsonValue.Create(BinaryPrimitives.ReadInt32BigEndian(Sized(f, 4))),
        BlobmsgType.Int16 => JsonValue.Create(BinaryPrimitives.ReadInt16BigEndian(Sized(f, 2))),
        BlobmsgType.Bool => JsonValue.Create(Sized(f, 1)[0] != 0),
        BlobmsgType.Double => JsonValue.Create(BitConverter.Int64BitsToDouble(BinaryPrimitives.ReadInt64BigEndian(Sized(f, 8)))),
        _ => null,
    };

    private static ReadOnlySpan<byte> Sized(BlobmsgField f, int size) => f.Value.Length >= size
        ? f.Value[..size]
        : throw new BlobFormatException($"field '{f.Name}' of type {f.Type}: {f.Value.Length} bytes");

    /// <summary>Writes each member of <paramref name="obj"/> as a field (the payload of a table).</summary>
    public static void WriteFields(BlobWriter w, JsonObject obj)
    {
        foreach ((string name, JsonNode? value) in obj)
        {
            Write(w, name, value);
        }
    }

    /// <summary>One field; <paramref name="name"/> is null inside an array.</summary>
    public static void Write(BlobWriter w, string? name, JsonNode? value)
    {
        switch (value)
        {
            case null:
                w.FieldUnspec(name);
                break;
            case JsonObject obj:
                int table = w.BeginField(BlobmsgType.Table, name);
                WriteFields(w, obj);
                w.End(table);
                break;
            case JsonArray array:
                int list = w.BeginField(BlobmsgType.Array, name);
                foreach (JsonNode? item in array)
                {
                    Write(w, null, item);
                }

                w.End(list);
                break;
            default:
                WriteValue(w, name, value.AsValue());
                break;
        }
    }

    private static void WriteValue(BlobWriter w, string? name, JsonValue value)
    {
        switch (value.GetValueKind())
        {
            case JsonValueKind.True:
                w.FieldBool(name, true);
                break;
            case JsonValueKind.False:
                w.FieldBool(name, false);
                break;
            case JsonValueKind.String:
                w.FieldString(name, value.GetValue<string>());
                break;
            case JsonValueKind.Number when value.TryGetValue(out int i32):
                w.FieldInt32(name, i32);
                break;
            case JsonValueKind.Number when value.TryGetValue(out long i64):
                w.FieldInt64(name, i64);
                break;
            case JsonValueKind.Number:
                w.FieldDouble(name, NumberOf(value));
                break;
            default:
                w.FieldUnspec(name);
                break;
        }
    }

    /// <summary>A JSON number that is no integer of 64 bits (JsonValue.TryGetValue of a parsed element converts only what fits).</summary>
    private static double NumberOf(JsonValue value) =>
        value.TryGetValue(out double d) ? d : value.TryGetValue(out JsonElement e) ? e.GetDouble() : 0;
}
