using System.Text.Encodings.Web;
using System.Text.Json;

namespace Dockerman.CgiIo;

internal static class Json
{
    /// <summary>Replies are application/json, never embedded in HTML: quotes and non-ASCII stay readable.</summary>
    public static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
