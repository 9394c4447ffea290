using Dockerman.Auth;
using Dockerman.CgiIo;
using Dockerman.Config;
using Dockerman.Hosting;
using Dockerman.Http;
using Dockerman.Jobs;
using Dockerman.Relay;

namespace Dockerman.Rpc;

/// <summary>
/// dockerman as an rpcd exec plugin, run through a link named after the ubus object. rpcd runs
/// <c>&lt;object&gt; list</c> once at start for the methods and their argument signatures, and
/// <c>&lt;object&gt; call &lt;method&gt;</c> for each call, the arguments as JSON on stdin, the reply
/// one JSON object on stdout. rpcd has checked the caller's ubus ACL before it runs a call, so no
/// credentials are asked for here: the call runs as a request from a shell would.
/// </summary>
internal static class RpcPlugin
{
    /// <summary>Room kept under the reply bound for the reply's own fields around the daemon's body.</summary>
    private const int EnvelopeBytes = 4096;

    /// <summary>The variables of a CGI request: the call sets them, none comes from rpcd's environment.</summary>
    private static readonly string[] CgiVariables =
        ["REQUEST_METHOD", "PATH_INFO", "QUERY_STRING", "CONTENT_TYPE", "CONTENT_LENGTH", "GATEWAY_INTERFACE", "REQUEST_URI"];

    public static int Run(string obj, string[] args, ProcessEnv env)
    {
        switch (args)
        {
            case ["list"]:
                return Write(env, List(obj), ExitCodes.Success);
            case ["call", string method]:
                return Call(obj, method, env);
            default:
                env.Stderr.WriteLine($"{obj}: an rpcd plugin; usage: {obj} list | {obj} call <method> (JSON arguments on stdin)");
                return ExitCodes.Usage;
        }
    }

    /// <summary>The methods and their argument signatures: the value's JSON type is the argument's
    /// type (rpcd reads a number as a 32-bit integer).</summary>
    internal static byte[] List(string obj) => Json.Document(w =>
    {
        w.WriteStartObject();
        foreach (RpcMethod m in RpcMethods.Of(obj))
        {
            w.WriteStartObject(m.Name);
            if (m.IdArg != null)
            {
                w.WriteString(m.IdArg, "");
            }

            if (m.Route.Params.Length > 0)
            {
                w.WriteStartObject("query");
                w.WriteEndObject();
            }

            if (m.BodyArg != null)
            {
                if (m.Route.Body is Routing.BodyKind.Json or Routing.BodyKind.JsonOptional)
                {
                    w.WriteStartObject(m.BodyArg);
                    w.WriteEndObject();
                }
                else
                {
                    w.WriteString(m.BodyArg, "");
                }
            }

            if (m.Route.RegistryAuth)
            {
                w.WriteStartObject("headers");
                w.WriteEndObject();
            }

            foreach (string extra in m.Extra)
            {
                if (extra.EndsWith(":int", StringComparison.Ordinal))
                {
                    w.WriteNumber(extra[..^4], 32);
                }
                else
                {
                    w.WriteString(extra, "");
                }
            }

            w.WriteEndObject();
        }

        w.WriteEndObject();
    });

    private static int Call(string obj, string name, ProcessEnv env)
    {
        RpcMethod? method = RpcMethods.Find(obj, name);
        if (method == null)
        {
            return Write(env, RpcReply.Error(404, $"{obj} has no method '{Routing.RouteMatcher.Printable(name)}'"), ExitCodes.ErrorReply);
        }

        RpcRequest request;
        try
        {
            request = RpcRequest.From(method, ReadArguments(env));
        }
        catch (ApiException e)
        {
            return Write(env, RpcReply.Error(e.Status, e.Message), ExitCodes.ErrorReply);
        }

        Access granted;
        try
        {
            granted = CallerAccess(method, request, env);
        }
        catch (ApiException e)
        {
            return Write(env, RpcReply.Error(e.Status, e.Message), ExitCodes.ErrorReply);
        }

        Dictionary<string, string> vars = request.Variables();
        using var capture = new ReplyCapture(Limits.RpcReplyBytes - EnvelopeBytes);
        using var stderr = new StringWriter();
        var inner = new ProcessEnv
        {
            GetVariable = v => Array.IndexOf(CgiVariables, v) >= 0 || v.StartsWith("HTTP_", StringComparison.Ordinal)
                ? vars.GetValueOrDefault(v)
                : env.GetVariable(v),
            Stdin = new MemoryStream(request.Body, writable: false),
            Stdout = capture,
            Stderr = stderr,
            Milliseconds = env.Milliseconds,
            Now = env.Now,
            FindProcessPath = () => env.ProcessPath,
            Connector = env.Connector,
            ProgramName = env.ProgramName,
        };
        int exit = new RequestHandler(inner) { DeadlineSeconds = Limits.RpcDeadlineSeconds, Granted = granted }.Run();

        string log = stderr.ToString();
        env.Stderr.Write(log);
        JobStore jobs = new(Settings.Load(env.ConfigDir, TextWriter.Null).JobsDir, env.Now);
        byte[] reply = RpcReply.Build(request, method.Route,
            new RpcReply.Outcome(capture.Bytes.ToArray(), capture.Overflowed, exit, LastMessage(log)), jobs);
        return Write(env, reply, exit == ExitCodes.Success && !capture.Overflowed ? ExitCodes.Success : ExitCodes.ErrorReply);
    }

    /// <summary>
    /// rpcd has checked the method against the caller's ACL. A read whose reply holds a secret field
    /// (the swarm's join tokens) asks one more question when the call came with a LuCI session: does it
    /// hold the write right of the pages' group, as on the HTTP front door. A call without one was made
    /// on the router itself.
    /// </summary>
    private static Access CallerAccess(RpcMethod method, RpcRequest request, ProcessEnv env)
    {
        if (method.Route.WriterOnlyField == null || request.Session == null)
        {
            return Access.Write;
        }

        Settings settings = Settings.Load(env.ConfigDir, TextWriter.Null);
        var sessions = new LuciSessionProvider(settings.UbusSocket, settings.AclGroup, env.Milliseconds, env.Stderr);
        return sessions.CanWrite(request.Session) ? Access.Write : Access.Read;
    }

    /// <summary>The JSON arguments rpcd writes to stdin (nothing at all counts as none).</summary>
    private static Dictionary<string, JsonValue> ReadArguments(ProcessEnv env)
    {
        byte[] buffer = new byte[Limits.RpcArgsBytes + 1];
        int count = 0;
        int n;
        while (count < buffer.Length && (n = env.Stdin.Read(buffer, count, buffer.Length - count)) > 0)
        {
            count += n;
        }

        if (count > Limits.RpcArgsBytes)
        {
            throw new ApiException(413, $"arguments larger than {Limits.RpcArgsBytes} bytes");
        }

        ReadOnlySpan<byte> text = buffer.AsSpan(0, count);
        if (text.Trim(" \t\r\n"u8).IsEmpty)
        {
            text = "{}"u8;
        }

        if (!Routing.JsonCheck.IsWellFormed(text, requireObject: true, out string? problem))
        {
            throw ApiException.BadRequest($"arguments: {problem}");
        }

        return JsonMembers.Of(text.ToArray());
    }

    private static string? LastMessage(string log)
    {
        string[] lines = log.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length == 0 ? null : lines[^1].StartsWith("dockerman: ", StringComparison.Ordinal) ? lines[^1][11..] : lines[^1];
    }

    private static int Write(ProcessEnv env, byte[] reply, int exit)
    {
        try
        {
            env.Stdout.Write(reply);
            env.Stdout.Flush();
            return exit;
        }
        catch (IOException)
        {
            return ExitCodes.ClientGone;
        }
    }
}
