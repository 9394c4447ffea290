using System.Text;
using Dockerman.Jobs;
using Dockerman.Routing;

namespace Dockerman.Usage;

/// <summary>
/// <c>dockerman --routes</c>: the route table and the LuCI pages' endpoints as Markdown tables,
/// made from <see cref="RouteTable"/> itself, so that the documentation that embeds them
/// (<c>make docs</c>) says what the program does.
/// </summary>
internal static class RouteListing
{
    public static string Text()
    {
        var sb = new StringBuilder();
        sb.Append("| route | methods | Docker call | forwarded query parameters | body / reply |\n|---|---|---|---|---|\n");
        foreach (Route r in RouteTable.Routes)
        {
            sb.Append("| `").Append(PathOf(r)).Append("` | ").Append(r.AllowHeader).Append(" | ")
                .Append(r.DockerPath.Length == 0 ? "dockerman's own" : $"`{r.DockerMethod} {r.DockerPath}`").Append(" | ")
                .Append(ParamNames(r.Params)).Append(" | ").Append(string.Join("; ", Notes(r))).Append(" |\n");
        }

        sb.Append("\n| endpoint of the LuCI pages | methods | route |\n|---|---|---|\n");
        foreach ((string page, string canonical, Verbs verbs) in RouteTable.Pages)
        {
            Route route = Array.Find(RouteTable.Routes, r => r.Path == canonical)!;
            string suffix = PathOf(route)[canonical.Length..];
            sb.Append("| `").Append(page).Append(suffix).Append("` | ").Append(new Route(page, verbs, "", "").AllowHeader)
                .Append(" | `").Append(canonical).Append(suffix).Append("` |\n");
        }

        return sb.ToString();
    }

    private static string PathOf(Route r) => r.Id switch
    {
        IdKind.Single => r.Path + "/<id>",
        IdKind.Exec => r.Path + "/<exec-id>",
        IdKind.Job => r.Path + "/<job-id>",
        IdKind.Image => r.Path + "/<image>",
        IdKind.OptionalImage => r.Path + "[/<image>]",
        _ => r.Path,
    };

    private static string ParamNames(string spec)
    {
        var names = new List<string>();
        foreach (string word in spec.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            string name = word[..word.IndexOf(':', StringComparison.Ordinal)];
            names.Add(word.EndsWith('*') ? $"`{name}` (repeatable)" : $"`{name}`");
        }

        return string.Join(", ", names);
    }

    private static List<string> Notes(Route r)
    {
        var notes = new List<string>();
        AddIfAny(notes, r.Body switch
        {
            BodyKind.Json => "JSON body",
            BodyKind.JsonOptional => "JSON body, optional",
            BodyKind.Upload => "tar archive body",
            BodyKind.UploadWhenFromSrc => "with `fromSrc=-`: tar archive body",
            BodyKind.UploadUnlessRemote => "tar archive body, or none with `remote` (the daemon fetches the context)",
            _ => null,
        });
        AddIfAny(notes, JobRoutes.Describe(r.Name));
        AddIfAny(notes, r.Reply switch
        {
            ReplyKind.Stream => "stream (ends at the deadline)",
            ReplyKind.Logs => "stream (ends at the deadline); `format=text`: plain text",
            ReplyKind.Download => $"download: `{r.Attachment!.Replace("{id}", "<id>", StringComparison.Ordinal).Replace("{path}", "<path>", StringComparison.Ordinal)}`",
            ReplyKind.Hijack => "raw output until the command ends (the daemon hijacks the connection)",
            _ => null,
        });
        AddIfAny(notes, r.Local switch
        {
            LocalAction.JobList => "the background jobs",
            LocalAction.JobGet => "the job's progress, followed while it runs",
            LocalAction.JobCancel => "stops a running job",
            LocalAction.EndpointList => "the daemons this router reaches",
            LocalAction.TtydStart => "starts ttyd with `docker exec -it` for a web console",
            LocalAction.SessionLogin => "rpcd's `session.login` with `username` and `password` (form or JSON body); no credentials needed",
            _ => null,
        });
        if (r.RegistryAuth)
        {
            notes.Add("`X-Registry-Auth`");
        }

        if (r.NeedsWrite)
        {
            notes.Add("needs the write right");
        }

        if (r.WriterOnlyField != null)
        {
            notes.Add($"`{r.WriterOnlyField}` only for a caller with the write right");
        }

        return notes;
    }

    private static void AddIfAny(List<string> notes, string? note)
    {
        if (note != null)
        {
            notes.Add(note);
        }
    }
}
