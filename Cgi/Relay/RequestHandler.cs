using System.Net.Sockets;
using Dockerman.Auth;
using Dockerman.CgiIo;
using Dockerman.Config;
using Dockerman.Docker;
using Dockerman.Hosting;
using Dockerman.Http;
using Dockerman.Jobs;
using Dockerman.Native;
using Dockerman.Routing;

namespace Dockerman.Relay;

/// <summary>
/// One CGI request, start to end: parse the environment, match the route, authenticate,
/// check the body, make the one daemon request and relay its reply. Before the first byte of
/// output every failure becomes a JSON error with its status; after it, the output is cut and
/// the exit status tells why.
/// </summary>
internal sealed class RequestHandler(ProcessEnv env)
{
    private readonly CgiOutput _output = new(env.Stdout);
    private readonly long _start = env.Milliseconds();
    private long _deadline = long.MaxValue;

    /// <summary>At most this many seconds for the whole request, streams included, whatever
    /// <c>stream_deadline</c> says: for a front door whose caller gives up sooner.</summary>
    public int? DeadlineSeconds { get; init; }

    /// <summary>The caller's right as a front door has decided it, when it has: then no credentials
    /// are asked for here.</summary>
    public Access? Granted { get; init; }

    public int Run()
    {
        try
        {
            return Handle();
        }
        catch (ApiException e) when (!_output.Started)
        {
            return Fail(e.Status, e.Message, e.Allow);
        }
        catch (DaemonStalledException e) when (!_output.Started)
        {
            Fail(504, e.Message);
            return ExitCodes.DaemonStalled;
        }
        catch (ClientGoneException)
        {
            return ExitCodes.ClientGone;
        }
    }

    private int Fail(int status, string message, string? allow = null)
    {
        if (status >= 500)
        {
            env.Stderr.WriteLine($"dockerman: {status} {message}");
        }

        try
        {
            _output.WriteError(status, message, allow);
        }
        catch (ClientGoneException)
        {
            return ExitCodes.ClientGone;
        }

        return ExitCodes.ErrorReply;
    }

    private int Handle()
    {
        CgiRequest request = CgiRequest.FromEnvironment(env);
        RouteMatch match = RouteMatcher.Match(request.Method, request.PathInfo);
        Route route = match.Route;
        Settings settings = Settings.Load(env.ConfigDir, env.Stderr);
        if (DeadlineSeconds is int most)
        {
            settings.LimitStreamDeadline(most);
        }

        _deadline = _start + (settings.StreamDeadline * 1000L);
        var stdin = new RequestStdin(env, request);
        bool upload = route.TakesUpload(request.QueryValue);
        if (!upload && route.Body is not (BodyKind.Json or BodyKind.JsonOptional))
        {
            // No file goes to the daemon: a form body carries only fields (the pages' token, registry auth…).
            FormBody.ReadFields(request, stdin);
        }

        MultipartUpload? multipart = null;
        if (upload && FormBody.HasMediaType(request.ContentType, "multipart/"))
        {
            // The fields before the file (session id, token, path…) count like query values.
            multipart = MultipartUpload.Open(request, stdin.AsStream());
        }

        Access access = Granted ?? Authenticator.Check(env, request, route, settings);
        if (upload && env.Stdin is FdStream pipe)
        {
            pipe.TryGrowPipe(Limits.UploadPipeBytes); // from here on the server can run ahead of us
        }

        switch (route.Local)
        {
            case LocalAction.JobList:
                return new JobRoutes(env, _output, settings, _deadline).List();
            case LocalAction.JobGet:
                return new JobRoutes(env, _output, settings, _deadline).Get(match.Id!, request);
            case LocalAction.JobCancel:
                return new JobRoutes(env, _output, settings, _deadline).Cancel(match.Id!);
            case LocalAction.EndpointList:
                _output.WriteJson(200, null, Endpoints.ListJson(env, settings));
                return ExitCodes.Success;
            case LocalAction.SessionLogin:
                _output.WriteJson(200, null, SessionLogin.Run(request, stdin, settings, env.Milliseconds, env.Stderr),
                    [new("Cache-Control", "no-store")]);
                return ExitCodes.Success;
        }

        // Route-local options are checked with the rest, before the daemon is asked anything.
        TtydOptions? ttyd = route.Local == LocalAction.TtydStart ? TtydStarter.ReadArguments(request) : null;
        bool textLogs = route.Reply == ReplyKind.Logs && LogFormat(request) == "text";
        string target = DaemonTarget.Of(route, match.Id, [.. request.Query, .. request.Form]);
        string dockerMethod = request.Method == "HEAD" ? "HEAD" : route.DockerMethod;
        byte[]? json = route.Body is BodyKind.Json or BodyKind.JsonOptional ? JsonBody.Read(request, route, settings, stdin) : null;

        string? registryAuth = route.RegistryAuth ? RegistryAuth.Checked(request.Value("X-Registry-Auth")) : null;
        DockerEndpoint endpoint;
        try
        {
            endpoint = Endpoints.Choose(request.Value("endpoint"), env, settings);
        }
        catch (EndpointException e)
        {
            throw new ApiException(502, $"Docker endpoint: {e.Message}");
        }

        string fullTarget = endpoint.ApiPrefix + target;
        if (JobRoutes.KindOf(route, request) is string jobKind)
        {
            return new JobRoutes(env, _output, settings, _deadline).Start(jobKind, JobRoutes.TargetOf(jobKind, match.Id, request),
                dockerMethod, fullTarget, endpoint, registryAuth);
        }

        using DaemonConnection connection = DaemonRequest.Connect(env, endpoint);
        connection.SetIdleLimit(settings.IdleTimeout * 1000);
        var input = new BufferedInput(connection.Stream, Limits.CopyBufferSize);

        long uploadLength = multipart != null || request.ContentLength < 0 ? RequestWriter.Chunked : request.ContentLength;
        byte[] UploadHead() => RequestWriter.Head(dockerMethod, fullTarget, endpoint.HostHeader, "application/x-tar", uploadLength, registryAuth);
        bool sent = json != null
            ? DaemonRequest.Send(connection,
                RequestWriter.Head(dockerMethod, fullTarget, endpoint.HostHeader, "application/json", json.Length, registryAuth), json)
            : multipart != null
                // The fields after the file are read before the last chunk: a body cut short never completes the request.
                ? DaemonRequest.SendUpload(connection, UploadHead(), uploadLength, multipart.ReadFileBatch, multipart.ReadRemainingFields)
            : upload
                ? DaemonRequest.SendUpload(connection, UploadHead(), uploadLength, stdin.ReadBatch)
                : DaemonRequest.Send(connection,
                    RequestWriter.Head(dockerMethod, fullTarget, endpoint.HostHeader, null, RequestWriter.NoBody, registryAuth), default);

        ResponseHead head;
        try
        {
            head = ResponseReader.ReadHead(input, () =>
            {
                if (!connection.WaitReadable(_deadline - env.Milliseconds()))
                {
                    throw new ApiException(504, $"the Docker daemon did not answer within {settings.StreamDeadline} s");
                }
            });
        }
        catch (Exception e) when (e is IOException or SocketException && DaemonConnection.IsTimeout(e))
        {
            throw new DaemonStalledException($"the Docker daemon stopped in the middle of its reply's head for {settings.IdleTimeout} s (idle_timeout)");
        }
        catch (Exception e) when (e is IOException or SocketException or HttpParseException)
        {
            throw new ApiException(502, sent
                ? $"the Docker daemon's reply could not be read: {e.Message}"
                : $"the Docker daemon closed the connection during the upload: {e.Message}");
        }

        bool noBody = dockerMethod == "HEAD";
        var body = new HttpBodyReader(input, head, noBody);
        if (head.StatusCode >= 400)
        {
            return DaemonErrorRelay.Relay(_output, head, body, () => connection.WaitReadable(_deadline - env.Milliseconds()));
        }

        if (ttyd != null)
        {
            _output.WriteJson(200, null, TtydStarter.Start(settings, endpoint, match.Id!, ttyd));
            return ExitCodes.Success;
        }

        return new ResponseRelay(env, _output, connection, body, settings, _deadline)
            .Relay(route, head, match.Id, request, textLogs, noBody,
                access == Access.Write ? null : route.WriterOnlyField);
    }

    private static string? LogFormat(CgiRequest request)
    {
        string? format = request.QueryValue("format");
        if (format is not (null or "text" or "raw"))
        {
            throw ApiException.BadRequest("query parameter 'format': expected text or raw");
        }

        return format;
    }
}
