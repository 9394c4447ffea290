using System.Text;
using System.Text.Json;
using Dockerman.CgiIo;

namespace Dockerman.Jobs;

/// <summary>
/// The JSON of jobs: the store's own files (<c>job.json</c>, <c>result.json</c>), read back as
/// flat objects, and a job as job/list and job/cancel show it.
/// </summary>
internal static class JobJson
{
    /// <summary>A job's <c>job.json</c>: what it is and when it started.</summary>
    public static byte[] Description(string id, string kind, string target, string endpoint, long started) => Object(w =>
    {
        w.WriteString("id", id);
        w.WriteString("kind", kind);
        w.WriteString("target", target);
        w.WriteString("endpoint", endpoint);
        w.WriteNumber("started", started);
    });

    /// <summary>A job's <c>result.json</c>: how and when it ended.</summary>
    public static byte[] Result(JobState state, long finished, string? error) => Object(w =>
    {
        w.WriteString("state", state == JobState.Done ? "done" : "failed");
        w.WriteNumber("finished", finished);
        if (error != null)
        {
            w.WriteString("error", error);
        }
    });

    /// <summary>The string and number members of a one-level JSON object, as text: our own job files.</summary>
    internal static Dictionary<string, string> ReadFlatObject(ReadOnlySpan<byte> json)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("not an object");
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string name = reader.GetString()!;
            reader.Read();
            if (reader.TokenType == JsonTokenType.String)
            {
                values[name] = reader.GetString()!;
            }
            else if (reader.TokenType == JsonTokenType.Number)
            {
                values[name] = Encoding.UTF8.GetString(reader.ValueSpan);
            }
            else
            {
                reader.Skip();
            }
        }

        return values;
    }

    /// <summary>The jobs as job/list answers: an array of <see cref="WriteJob"/> objects.</summary>
    public static byte[] List(List<JobInfo> jobs) => Json.Document(w =>
    {
        w.WriteStartArray();
        foreach (JobInfo job in jobs)
        {
            WriteJob(w, job);
        }

        w.WriteEndArray();
    });

    public static void WriteJob(Utf8JsonWriter w, JobInfo job)
    {
        w.WriteStartObject();
        w.WriteString("id", job.Id);
        w.WriteString("kind", job.Kind);
        w.WriteString("target", job.Target);
        w.WriteString("endpoint", job.Endpoint);
        w.WriteString("state", job.State switch { JobState.Done => "done", JobState.Failed => "failed", _ => "running" });
        w.WriteNumber("started", job.Started);
        if (job.Finished is long finished)
        {
            w.WriteNumber("finished", finished);
        }
        else
        {
            w.WriteNull("finished");
        }

        if (job.Error != null)
        {
            w.WriteString("error", job.Error);
        }

        w.WriteEndObject();
    }

    private static byte[] Object(Action<Utf8JsonWriter> body) => Json.Document(w =>
    {
        w.WriteStartObject();
        body(w);
        w.WriteEndObject();
    });
}
