using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Dockerman.CgiIo;
using Dockerman.Docker.Tls;
using Dockerman.Http;
using Dockerman.Routing;

namespace Dockerman.Relay;

/// <summary>
/// The daemon's own error, relayed: its status and its <c>{"message"}</c> body. A body that is not
/// a JSON object (a proxy's text page, say) is wrapped into one.
/// </summary>
internal static class DaemonErrorRelay
{
    /// <summary>Reads the error body (what arrived by <paramref name="waitReadable"/>'s deadline) and answers with it.</summary>
    public static int Relay(CgiOutput output, ResponseHead head, HttpBodyReader body, Func<bool> waitReadable)
    {
        byte[] buffer = new byte[Limits.MaxErrorBodyBytes];
        int count = 0;
        try
        {
            // A daemon that stalls mid-body: what arrived by the deadline is relayed.
            body.ReadUpTo(buffer, ref count, waitReadable);
        }
        catch (Exception e) when (e is IOException or SocketException or HttpParseException)
        {
            // What arrived is still the best account of the error.
        }

        ReadOnlySpan<byte> text = buffer.AsSpan(0, count);
        if (TlsFailure.IsPlainRequestToTls(head.StatusCode, text))
        {
            throw new ApiException(502, "the Docker daemon speaks TLS there: " + TlsFailure.PlainRequestToTls);
        }

        byte[] json = !JsonCheck.IsWellFormed(text, requireObject: true, out _)
            ? CgiOutput.ErrorBody(count == 0 ? head.StatusText : Encoding.UTF8.GetString(text).Trim())
            : Message(text) is string message
                ? CgiOutput.ErrorBody(message) // the daemon's {"message"}, with "error" beside it for the pages
                : text.ToArray();
        output.WriteJson(head.StatusCode, head.ReasonPhrase, json);
        return ExitCodes.ErrorReply;
    }

    /// <summary>The "message" of the daemon's error object when that is all it holds, else null (relayed as it is).</summary>
    private static string? Message(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        string? message = null;
        reader.Read(); // the object's start
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            bool isMessage = reader.ValueTextEquals("message"u8);
            reader.Read();
            if (!isMessage || reader.TokenType != JsonTokenType.String)
            {
                return null;
            }

            message = reader.GetString();
        }

        return message;
    }
}
