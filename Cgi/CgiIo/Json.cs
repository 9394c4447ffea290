using System.Text.Encodings.Web;
using System.Text.Json;

namespace Dockerman.CgiIo;

internal static class Json
{
    /// <summary>Replies are application/json, never embedded in HTML: quotes and non-ASCII stay readable.</summary>
    public static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>One JSON document followed by a newline, as every reply, progress line and job file of ours is.</summary>
    public static byte[] Document(Action<Utf8JsonWriter> write)
    {
        using var ms = new MemoryStream();
        using (var writer = new Utf8JsonWriter(ms, WriterOptions))
        {
            write(writer);
        }

        ms.WriteByte((byte)'\n');
        return ms.ToArray();
    }
}
