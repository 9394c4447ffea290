using System.Net.Sockets;
using System.Text;
using Dockerman.CgiIo;
using Dockerman.Http;

namespace Dockerman.Relay;

/// <summary>
/// A successful JSON reply with a field the caller may not see taken out (<see cref="FieldRedaction"/>).
/// </summary>
internal static class RedactedReply
{
    /// <summary>A JSON document with a secret field taken out: read whole (it is small) before anything is
    /// written, so that every failure is still a clean error, then written with its exact length.</summary>
    /// <param name="waitReadable">Waits for the daemon until the stream deadline; false when it came.</param>
    /// <param name="streamDeadline">The stream deadline in seconds (stream_deadline), for the error message.</param>
    public static int Relay(
        CgiOutput output, ResponseHead head, HttpBodyReader body, string field, Func<bool> waitReadable, int streamDeadline)
    {
        byte[] buffer = new byte[Limits.CopyBufferSize];
        int count = 0;
        bool late = false;
        try
        {
            while (true)
            {
                body.ReadUpTo(buffer, ref count, () =>
                {
                    bool ready = waitReadable();
                    late |= !ready;
                    return ready;
                });
                if (count < buffer.Length || late || buffer.Length > Limits.MaxRedactedReplyBytes)
                {
                    break; // the body ended, the deadline came, or it is too large
                }

                Array.Resize(ref buffer, Math.Min(buffer.Length * 2, Limits.MaxRedactedReplyBytes + 1));
            }
        }
        catch (Exception e) when (e is IOException or SocketException or HttpParseException)
        {
            throw new ApiException(502, $"the Docker daemon's reply could not be read: {e.Message}");
        }

        if (late)
        {
            throw new ApiException(504, $"the Docker daemon's reply did not complete within {streamDeadline} s");
        }

        byte[]? json = count > Limits.MaxRedactedReplyBytes ? null : FieldRedaction.Remove(buffer.AsSpan(0, count), Encoding.UTF8.GetBytes(field));
        if (json == null)
        {
            throw new ApiException(502, $"the Docker daemon's reply is not a JSON object of at most {Limits.MaxRedactedReplyBytes} bytes");
        }

        output.WriteJson(head.StatusCode, head.ReasonPhrase, json);
        return ExitCodes.Success;
    }
}
