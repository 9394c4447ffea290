using Dockerman.CgiIo;
using Dockerman.Config;
using Dockerman.Docker;
using Dockerman.Hosting;
using Dockerman.Http;
using Dockerman.Routing;

namespace Dockerman.Relay;

/// <summary>
/// Passes a successful daemon reply to the client: status and the headers that matter, then the
/// body as its route's <see cref="ReplyKind"/> has it (<see cref="BodyCopy"/>); a reply with a field
/// the caller may not see goes whole, without it (<see cref="RedactedReply"/>).
/// </summary>
internal sealed class ResponseRelay(
    ProcessEnv env, CgiOutput output, DaemonConnection connection, HttpBodyReader body, Settings settings, long deadline)
{
    /// <param name="removeField">A top-level field of the JSON reply the caller may not see, or null.</param>
    public int Relay(Route route, ResponseHead head, string? id, CgiRequest request, bool textLogs, bool noBody,
        string? removeField = null)
    {
        if (removeField != null && !noBody)
        {
            return RedactedReply.Relay(output, head, body, removeField,
                () => connection.WaitReadable(deadline - env.Milliseconds()), settings.StreamDeadline);
        }

        var headers = new List<KeyValuePair<string, string>>(2);
        if (head.PathStat != null)
        {
            headers.Add(new("X-Docker-Container-Path-Stat", head.PathStat));
        }

        if (route.Attachment != null)
        {
            headers.Add(new("Content-Disposition", $"attachment; filename=\"{AttachmentName(route.Attachment, id, request)}\""));
        }

        string? contentType = textLogs ? "text/plain; charset=utf-8" : head.ContentType;
        long contentLength = textLogs || noBody ? -1 : head.ContentLength;
        output.WriteHead(head.StatusCode, head.ReasonPhrase, contentType, contentLength, headers);

        // A stream may stay quiet for long (a followed log, events): its head goes out at once, so
        // the client knows the request was taken before the first line or heartbeat.
        if (noBody || textLogs || route.Reply is ReplyKind.Stream or ReplyKind.Logs or ReplyKind.Hijack)
        {
            output.Flush();
        }

        if (noBody)
        {
            return ExitCodes.Success;
        }

        var copy = new BodyCopy(env, output, connection, body, settings, deadline);
        CopyResult result = textLogs
            ? copy.CopyLogsAsText(head)
            : copy.Copy(route.Reply);
        if (result is CopyResult.DaemonFailed or CopyResult.Stalled)
        {
            return result == CopyResult.Stalled ? ExitCodes.DaemonStalled : ExitCodes.DaemonFailed;
        }

        output.Flush();
        return ExitCodes.Success;
    }

    /// <summary>A file name for Content-Disposition: only letters, digits, '.', '_' and '-'.</summary>
    internal static string AttachmentName(string pattern, string? id, CgiRequest request)
    {
        string? path = request.QueryValue("path")?.TrimEnd('/');
        string value = pattern.Contains("{path}", StringComparison.Ordinal)
            ? pattern.Replace("{path}", string.IsNullOrEmpty(path) ? "archive" : Path.GetFileName(path), StringComparison.Ordinal)
            : pattern.Replace("{id}", id ?? "images", StringComparison.Ordinal);
        var chars = value.ToCharArray();
        for (int i = 0; i < chars.Length; i++)
        {
            if (!char.IsAsciiLetterOrDigit(chars[i]) && chars[i] is not ('.' or '_' or '-'))
            {
                chars[i] = '_';
            }
        }

        string name = new string(chars).TrimStart('.');
        return name.Length == 0 ? "download.tar" : name;
    }
}
