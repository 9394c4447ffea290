using System.Text;
using Dockerman.Hosting;
using Dockerman.Relay;
using Dockerman.Routing;

namespace Dockerman;

/// <summary>The program: one switch over what it was asked to do.</summary>
internal static class App
{
    public static int Run(string[] args, ProcessEnv env)
    {
        if (Rpc.RpcMethods.ObjectNamed(Path.GetFileName(env.ProgramName)) is string rpcObject)
        {
            return Rpc.RpcPlugin.Run(rpcObject, args, env);
        }

        switch (args.Length == 0 ? null : args[0])
        {
            case null:
                return new RequestHandler(env).Run();
            case "--help" or "-h":
                return WriteText(env, Help());
            case "--run-job" when args.Length == 2:
                return Jobs.JobWorker.Run(env, args[1]);
            case "--version":
                return WriteText(env, $"dockerman {BuildInfo.Version}\n");
            case "--page-endpoints":
                return WriteText(env, PageEndpoints());
            default:
                env.Stderr.WriteLine($"dockerman: unknown argument '{args[0]}'; try --help");
                return ExitCodes.Usage;
        }
    }

    private static int WriteText(ProcessEnv env, string text)
    {
        try
        {
            env.Stdout.Write(Encoding.UTF8.GetBytes(text));
            return ExitCodes.Success;
        }
        catch (IOException)
        {
            return ExitCodes.ClientGone; // the reader went away: dockerman --help | head -1
        }
    }

    /// <summary>The LuCI pages' endpoints, one a line: what the package's scripts make uhttpd aliases for.</summary>
    internal static string PageEndpoints()
    {
        var sb = new StringBuilder();
        foreach ((string page, string _, Verbs _) in RouteTable.Pages)
        {
            sb.Append(page).Append('\n');
        }

        return sb.ToString();
    }

    internal static string Help()
    {
        var sb = new StringBuilder();
        sb.Append("""
            dockerman — the Docker Engine API for LuCI, as a CGI program

            Usage:
              dockerman              answer one CGI request described by the environment
              dockerman --help       this text
              dockerman --page-endpoints  the LuCI pages' endpoints, one a line (for uhttpd aliases)
              dockerman --version    the version
              <object> list | <object> call <method>
                                     as rpcd's exec plugin, run through a link named after a ubus object
                                     (docker, docker.container, docker.exec, docker.image, docker.network,
                                     docker.volume, docker.swarm, docker.node, docker.service, docker.task,
                                     docker.secret, docker.config): JSON arguments on stdin,
                                     {code, headers, body} on stdout

            By hand (no web server: no credentials needed, the socket's permissions are the gate):
              REQUEST_METHOD=GET PATH_INFO=/admin/docker/container/list dockerman
              REQUEST_METHOD=GET PATH_INFO=/admin/docker/container/logs/web QUERY_STRING='stdout=1&stderr=1&tail=20&format=text' dockerman
              REQUEST_METHOD=POST PATH_INFO=/admin/docker/container/create QUERY_STRING=name=web \
                CONTENT_TYPE=application/json dockerman < create.json

            Environment: REQUEST_METHOD, PATH_INFO, QUERY_STRING, CONTENT_TYPE, CONTENT_LENGTH,
            HTTP_AUTHORIZATION, HTTP_COOKIE, GATEWAY_INTERFACE (set by a web server: then
            credentials are required), DOCKER_HOST, DOCKER_API_VERSION, DOCKER_TLS_VERIFY,
            DOCKER_CERT_PATH (ca.pem, cert.pem, key.pem for a TLS daemon), DOCKERMAN_CONFIG_DIR
            (instead of /etc/config for the UCI files 'dockerman' and 'dockerd').

            Exit status: 0 complete reply, 1 complete error reply, 2 bad arguments,
            3 the daemon failed mid-reply (output cut short), 4 the client went away,
            5 the daemon stalled for idle_timeout (output cut short, or 504).

            Routes (PATH_INFO = /admin/docker/<route>[/<id>]; query parameters forwarded):

            """);
        foreach (Route r in RouteTable.Routes)
        {
            AppendRoute(sb, r);
        }

        sb.Append("\nThe LuCI pages' endpoints (also under /cgi-bin/luci/admin/services/dockerman/ and\n/admin/services/dockerman/), each the same as a route above:\n");
        foreach ((string page, string canonical, Verbs verbs) in RouteTable.Pages)
        {
            string allow = new Route(page, verbs, "", "").AllowHeader.Replace(", ", "|", StringComparison.Ordinal);
            sb.Append("  ").Append(allow.PadRight(12)).Append(page.PadRight(24)).Append(" = ").Append(canonical).Append('\n');
        }

        return sb.ToString();
    }

    private static void AppendRoute(StringBuilder sb, Route r)
    {
        string path = r.Id switch
        {
            IdKind.Single => r.Path + "/<id>",
            IdKind.Exec => r.Path + "/<exec-id>",
            IdKind.Job => r.Path + "/<job-id>",
            IdKind.Image => r.Path + "/<image>",
            IdKind.OptionalImage => r.Path + "[/<image>]",
            _ => r.Path,
        };
        sb.Append("  ").Append(r.AllowHeader.Replace(", ", "|", StringComparison.Ordinal).PadRight(12))
            .Append(path.PadRight(34)).Append(r.DockerPath.Length == 0 ? "(dockerman's own: background jobs)" : r.DockerMethod + " " + r.DockerPath);
        if (r.Params.Length > 0)
        {
            sb.Append("  (");
            bool first = true;
            foreach (Range w in r.Params.AsSpan().Split(' '))
            {
                ReadOnlySpan<char> word = r.Params.AsSpan(w);
                sb.Append(first ? "" : ", ").Append(word[..word.IndexOf(':')]);
                first = false;
            }

            sb.Append(')');
        }

        sb.Append(r.Body switch
        {
            Routing.BodyKind.Json => "  body: JSON",
            Routing.BodyKind.JsonOptional => "  body: JSON, optional",
            Routing.BodyKind.Upload => "  body: tar archive",
            Routing.BodyKind.UploadWhenFromSrc => "  body: tar archive with fromSrc=-",
            _ => "",
        });
        if (r.Reply == ReplyKind.Logs)
        {
            sb.Append("  format=text: plain text");
        }

        if (r.NeedsWrite)
        {
            sb.Append("  needs the write right");
        }

        if (r.WriterOnlyField != null)
        {
            sb.Append("  ").Append(r.WriterOnlyField).Append(": write right only");
        }

        sb.Append('\n');
    }
}
