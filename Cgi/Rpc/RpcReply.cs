using System.Globalization;
using System.Text;
using System.Text.Json;
using Dockerman.CgiIo;
using Dockerman.Http;
using Dockerman.Jobs;
using Dockerman.Relay;
using Dockerman.Routing;

namespace Dockerman.Rpc;

/// <summary>
/// A CGI reply turned into the reply luci-app-dockerman's pages expect from their rpcd plugin:
/// <c>{"code": status, "headers": {lower-case names}, "body": …}</c>. The body is the parsed JSON for
/// a JSON reply, an array of the lines for a stream (NDJSON), a string for text, "" for none. A reply
/// that cannot travel whole as one JSON reply through rpcd (too large, or binary) becomes an error
/// of the same shape that names the HTTP route serving it.
/// </summary>
internal static class RpcReply
{
    /// <summary>How a call went, as the request core left it.</summary>
    internal readonly record struct Outcome(ReadOnlyMemory<byte> Cgi, bool Overflowed, int ExitCode, string? LastError);

    public static byte[] Build(RpcRequest request, Route route, Outcome outcome, JobStore? jobs)
    {
        ReadOnlySpan<byte> cgi = outcome.Cgi.Span;
        int end = cgi.IndexOf("\r\n\r\n"u8);
        if (end < 0)
        {
            return outcome.Overflowed ? TooLarge(request) : Error(500, "the request ended without a reply");
        }

        (int status, Dictionary<string, string> headers) = ParseHead(Encoding.ASCII.GetString(cgi[..end]));
        ReadOnlySpan<byte> body = cgi[(end + 4)..];
        string? jobId = headers.GetValueOrDefault("x-dockerman-job");
        if (jobId != null)
        {
            // The job goes on either way: the reply carries the progress that fits and says where the rest is.
            return Job(status, headers, outcome.Overflowed ? body[..(body.LastIndexOf((byte)'\n') + 1)] : body, jobId, jobs);
        }

        if (outcome.Overflowed)
        {
            return TooLarge(request);
        }

        if (outcome.ExitCode == ExitCodes.DaemonFailed)
        {
            return Error(502, $"the Docker daemon failed in the middle of the reply: {outcome.LastError ?? "no reason given"}");
        }

        if (status < 300 && route.Reply == ReplyKind.Download)
        {
            return Error(406, $"{route.Path} answers a tar archive, which does not travel through ubus: {request.HttpRoute} downloads it");
        }

        string contentType = headers.GetValueOrDefault("content-type") ?? "";
        using var ms = new MemoryStream(body.Length + 512);
        using (var w = new Utf8JsonWriter(ms, Json.WriterOptions))
        {
            w.WriteStartObject();
            w.WriteNumber("code", status);
            WriteHeaders(w, headers);
            w.WritePropertyName("body");
            WriteBody(w, body, contentType, IsStream(route, request));
            w.WriteEndObject();
        }

        ms.WriteByte((byte)'\n');
        return ms.Length <= Limits.RpcReplyBytes ? ms.ToArray() : TooLarge(request);
    }

    /// <summary>An error of our own in the reply's shape.</summary>
    public static byte[] Error(int status, string message) => Json.Document(w =>
    {
        w.WriteStartObject();
        w.WriteNumber("code", status);
        w.WriteStartObject("headers");
        w.WriteString("content-type", "application/json");
        w.WriteEndObject();
        w.WriteStartObject("body");
        w.WriteString("message", message);
        w.WriteEndObject();
        w.WriteEndObject();
    });

    private static byte[] TooLarge(RpcRequest request) => Error(413,
        $"the reply is larger than the {Limits.RpcReplyBytes / 1024} KiB an rpcd plugin may answer: {request.HttpRoute} streams it");

    /// <summary>NDJSON: a stream route, unless its own <c>stream</c> parameter asked for one document (stats).</summary>
    private static bool IsStream(Route route, RpcRequest request) =>
        route.Reply == ReplyKind.Stream && !UrlEncoding.ParseQuery(request.QueryShown, "query")
            .Exists(p => p.Key == "stream" && p.Value is "false" or "0");

    private static (int Status, Dictionary<string, string> Headers) ParseHead(string head)
    {
        int status = 500;
        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string line in head.Split("\r\n"))
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }

            string name = line[..colon].ToLowerInvariant();
            string value = line[(colon + 1)..].Trim();
            if (name == "status")
            {
                _ = int.TryParse(value.AsSpan(0, Math.Min(3, value.Length)), NumberStyles.None, CultureInfo.InvariantCulture, out status);
            }
            else
            {
                headers[name] = value;
            }
        }

        return (status, headers);
    }

    private static void WriteHeaders(Utf8JsonWriter w, Dictionary<string, string> headers)
    {
        w.WriteStartObject("headers");
        foreach ((string name, string value) in headers)
        {
            w.WriteString(name, value);
        }

        w.WriteEndObject();
    }

    private static void WriteBody(Utf8JsonWriter w, ReadOnlySpan<byte> body, string contentType, bool stream)
    {
        bool json = contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase);
        if (json && stream)
        {
            WriteLines(w, body);
        }
        else if (json && JsonCheck.IsWellFormed(body, requireObject: false, out _))
        {
            w.WriteRawValue(body.Trim(" \t\r\n"u8), skipInputValidation: true);
        }
        else if (json && !body.Trim(" \t\r\n"u8).IsEmpty)
        {
            WriteLines(w, body); // several documents where one was expected
        }
        else if (contentType.StartsWith("application/vnd.docker.", StringComparison.OrdinalIgnoreCase) &&
                 LogDemultiplexer.LooksMultiplexed(body))
        {
            // exec output of a command without a TTY: the frames unwrapped, as logs are.
            byte[] text = new byte[body.Length];
            var demux = new LogDemultiplexer();
            try
            {
                w.WriteStringValue(Encoding.UTF8.GetString(text, 0, demux.Decode(body, text)));
            }
            catch (InvalidDataException)
            {
                w.WriteStringValue(Encoding.UTF8.GetString(body)); // not frames after all: as it came
            }
        }
        else
        {
            w.WriteStringValue(Encoding.UTF8.GetString(body));
        }
    }

    /// <summary>Each line a JSON document, as an array; blank lines (heartbeats) are skipped, and so is a
    /// last line cut off by the deadline.</summary>
    private static void WriteLines(Utf8JsonWriter w, ReadOnlySpan<byte> body)
    {
        w.WriteStartArray();
        foreach (Range r in body.Split((byte)'\n'))
        {
            ReadOnlySpan<byte> line = body[r].Trim(" \t\r"u8);
            if (!line.IsEmpty && JsonCheck.IsWellFormed(line, requireObject: false, out _))
            {
                w.WriteRawValue(line, skipInputValidation: true);
            }
        }

        w.WriteEndArray();
    }

    /// <summary>A reply that started a pull or push (or the part of its progress that fits): the job's
    /// progress so far, and under <c>job</c> its id, its state and where to read on over HTTP.</summary>
    private static byte[] Job(int status, Dictionary<string, string> headers, ReadOnlySpan<byte> progress, string id, JobStore? jobs)
    {
        long offset = 0;
        foreach (Range r in progress.Split((byte)'\n'))
        {
            if (!progress[r].Trim("\r"u8).IsEmpty)
            {
                offset += r.End.GetOffset(progress.Length) - r.Start.GetOffset(progress.Length) + 1; // a heartbeat line is not progress
            }
        }

        offset = Math.Min(offset, progress.Length);
        JobInfo? job = JobStore.IsJobId(id) ? jobs?.Get(id) : null;
        using var ms = new MemoryStream(progress.Length + 512);
        using (var w = new Utf8JsonWriter(ms, Json.WriterOptions))
        {
            w.WriteStartObject();
            w.WriteNumber("code", status);
            WriteHeaders(w, headers);
            w.WritePropertyName("body");
            WriteLines(w, progress);
            w.WriteStartObject("job");
            w.WriteString("id", id);
            if (job != null)
            {
                w.WriteString("state", job.State.ToString().ToLowerInvariant());
                if (job.Error != null)
                {
                    w.WriteString("error", job.Error);
                }
            }

            w.WriteNumber("offset", offset);
            w.WriteString("progress", $"GET /cgi-bin/dockerman/admin/docker/job/get/{id}?offset={offset}");
            w.WriteEndObject();
            w.WriteEndObject();
        }

        ms.WriteByte((byte)'\n');
        return ms.ToArray();
    }
}
