using System.Net.Sockets;
using System.Text;
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
        bool upload = TakesUpload(route, request.QueryValue);
        if (!upload && route.Body is not (BodyKind.Json or BodyKind.JsonOptional))
        {
            // No file goes to the daemon: a form body carries only fields (the pages' token, registry auth…).
            if (IsForm(request.ContentType))
            {
                request.Form = UrlEncoding.ParseQuery(ReadFormBody(request), "form body");
            }
            else if (HasMediaType(request.ContentType, "multipart/"))
            {
                request.Form = MultipartFields.Read(request.ContentType!, ReadStdinStream(request), request.ContentLength);
            }
        }
        MultipartUpload? multipart = null;
        if (upload && HasMediaType(request.ContentType, "multipart/"))
        {
            // The fields before the file (session id, token, path…) count like query values.
            multipart = MultipartUpload.Open(request, ReadStdinStream(request));
        }

        Access access = Granted ?? Authenticator.Check(env, request, route, settings);
        if (upload && env.Stdin is FdStream stdin)
        {
            stdin.TryGrowPipe(Limits.UploadPipeBytes); // from here on the server can run ahead of us
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
        }

        // Route-local options are checked with the rest, before the daemon is asked anything.
        TtydOptions? ttyd = route.Local == LocalAction.TtydStart ? TtydStarter.ReadArguments(request) : null;
        bool textLogs = route.Reply == ReplyKind.Logs && LogFormat(request) == "text";
        string target = Target(route, match.Id, [.. request.Query, .. request.Form]);
        string dockerMethod = request.Method == "HEAD" ? "HEAD" : route.DockerMethod;
        byte[]? json = route.Body is BodyKind.Json or BodyKind.JsonOptional ? ReadJsonBody(request, route, settings) : null;

        string? registryAuth = route.RegistryAuth ? RegistryAuth(request) : null;
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

        using DaemonConnection connection = Connect(endpoint);
        connection.SetIdleLimit(settings.IdleTimeout * 1000);
        var input = new BufferedInput(connection.Stream, Limits.CopyBufferSize);

        bool sent = json != null
            ? Send(connection, RequestWriter.Head(dockerMethod, fullTarget, endpoint.HostHeader, "application/json", json.Length, registryAuth), json)
            : multipart != null
                // The fields after the file are read before the last chunk: a body cut short never completes the request.
                ? SendUpload(connection, dockerMethod, fullTarget, endpoint.HostHeader, registryAuth, RequestWriter.Chunked,
                    multipart.ReadFileBatch, multipart.ReadRemainingFields)
            : upload
                ? SendUpload(connection, dockerMethod, fullTarget, endpoint.HostHeader, registryAuth,
                    request.ContentLength >= 0 ? request.ContentLength : RequestWriter.Chunked, ReadStdinBatch)
                : Send(connection, RequestWriter.Head(dockerMethod, fullTarget, endpoint.HostHeader, null, RequestWriter.NoBody, registryAuth), default);

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
            return RelayDaemonError(head, body, connection);
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

    /// <summary>Whether the request's body is an archive to stream to the daemon, by the route and its query.</summary>
    internal static bool TakesUpload(Route route, Func<string, string?> queryValue) => route.Body switch
    {
        BodyKind.Upload => true,
        BodyKind.UploadWhenFromSrc => queryValue("fromSrc") == "-",
        BodyKind.UploadUnlessRemote => queryValue("remote") == null,
        _ => false,
    };

    private static bool IsForm(string? contentType) => HasMediaType(contentType, "application/x-www-form-urlencoded");

    /// <summary>CONTENT_TYPE starts with <paramref name="prefix"/>, parameters and case aside.</summary>
    private static bool HasMediaType(string? contentType, string prefix) =>
        contentType != null && contentType.AsSpan().TrimStart().StartsWith(prefix, StringComparison.OrdinalIgnoreCase);

    /// <summary>A small form body (session id, CSRF token, registry auth) on a route that takes no other body.</summary>
    private string ReadFormBody(CgiRequest request)
    {
        if (request.ContentLength > Limits.MaxFormBytes)
        {
            throw new ApiException(413, $"form body larger than {Limits.MaxFormBytes} bytes");
        }

        byte[] buffer = new byte[Limits.MaxFormBytes + 1];
        int count = ReadStdinBatch(buffer);
        if (count > Limits.MaxFormBytes)
        {
            throw new ApiException(413, $"form body larger than {Limits.MaxFormBytes} bytes");
        }

        if (!System.Text.Ascii.IsValid(buffer.AsSpan(0, count)))
        {
            throw ApiException.BadRequest("form body: expected percent-encoded ASCII");
        }

        return Encoding.ASCII.GetString(buffer, 0, count);
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

    /// <summary>The daemon path with the id encoded into it, and the checked, encoded query.</summary>
    internal static string Target(Route route, string? id, List<KeyValuePair<string, string>> query)
    {
        var sb = new StringBuilder(128);
        string template = id == null && route.DockerPathWithoutId != null ? route.DockerPathWithoutId : route.DockerPath;
        int slot = template.IndexOf("{id}", StringComparison.Ordinal);
        if (slot < 0)
        {
            sb.Append(template);
        }
        else
        {
            sb.Append(template, 0, slot);
            UrlEncoding.Append(sb, id!, route.Id is IdKind.Image or IdKind.OptionalImage ? "/:@" : "");
            sb.Append(template, slot + 4, template.Length - slot - 4);
        }

        string q = QueryParameters.Build(route, query);
        if (q.Length > 0)
        {
            sb.Append('?').Append(q);
        }

        return sb.ToString();
    }

    private byte[] ReadJsonBody(CgiRequest request, Route route, Settings settings)
    {
        int max = settings.MaxJsonBody;
        if (request.ContentLength > max)
        {
            throw new ApiException(413, $"JSON body larger than {max} bytes (max_json_body)");
        }

        byte[] buffer = new byte[request.ContentLength >= 0 ? request.ContentLength : Math.Min(max + 1L, 64 * 1024)];
        int count = 0;
        while (true)
        {
            if (count == buffer.Length)
            {
                if (request.ContentLength >= 0 || count > max)
                {
                    break;
                }

                Array.Resize(ref buffer, (int)Math.Min(max + 1L, buffer.Length * 2L));
            }

            int n = ReadStdin(buffer.AsSpan(count));
            if (n == 0)
            {
                break;
            }

            count += n;
        }

        if (count > max)
        {
            throw new ApiException(413, $"JSON body larger than {max} bytes (max_json_body)");
        }

        if (request.ContentLength >= 0 && count < request.ContentLength)
        {
            throw ApiException.BadRequest($"request body ended after {count} of {request.ContentLength} bytes");
        }

        if (count == 0)
        {
            if (route.Body == BodyKind.JsonOptional)
            {
                return "{}"u8.ToArray();
            }

            throw ApiException.BadRequest("this route needs a JSON object as the request body");
        }

        ReadOnlySpan<byte> body = buffer.AsSpan(0, count);
        if (!JsonCheck.IsWellFormed(body, requireObject: true, out string? problem))
        {
            throw ApiException.BadRequest($"request body: {problem}");
        }

        return body.ToArray();
    }

    private int ReadStdin(Span<byte> buffer)
    {
        try
        {
            return env.Stdin.Read(buffer);
        }
        catch (IOException e)
        {
            throw new ClientGoneException(e);
        }
    }

    /// <summary>Reads until <paramref name="destination"/> is full or stdin ends.</summary>
    private int ReadStdinBatch(Span<byte> destination)
    {
        int count = 0;
        int n;
        while (count < destination.Length && (n = ReadStdin(destination[count..])) > 0)
        {
            count += n;
        }

        return count;
    }

    private DaemonConnection Connect(DockerEndpoint endpoint)
    {
        try
        {
            return env.Connector.Connect(endpoint, Limits.ConnectTimeoutMs);
        }
        catch (Exception e) when (e is SocketException or IOException or TimeoutException or EndpointException)
        {
            throw new ApiException(502, $"cannot reach the Docker daemon at {endpoint}: {e.Message}");
        }
    }

    /// <summary>Sends head and body; false when the daemon stopped reading (its reply says why).</summary>
    private static bool Send(DaemonConnection connection, byte[] head, ReadOnlySpan<byte> body)
    {
        try
        {
            connection.Stream.Write(head);
            if (!body.IsEmpty)
            {
                connection.Stream.Write(body);
            }

            return true;
        }
        catch (IOException e) when (!DaemonConnection.IsTimeout(e) || connection.WaitReadable(0))
        {
            return false;
        }
        catch (IOException)
        {
            throw Stalled(connection);
        }
    }

    /// <summary>The daemon stopped reading the request for the idle limit without answering (one that
    /// answered early, a 404 for a missing folder say, has its reply relayed instead).</summary>
    private static DaemonStalledException Stalled(DaemonConnection connection) =>
        new($"the Docker daemon stopped reading the request for {connection.IdleLimitMs / 1000} s (idle_timeout); the upload was aborted");

    /// <summary>Fills <paramref name="destination"/>, or less at the end of the body; 0 when it has ended.</summary>
    private delegate int BatchReader(Span<byte> destination);

    /// <summary>
    /// Streams an upload (a tar archive) to the daemon through one buffer, in writes of up to
    /// <see cref="Limits.UploadBatchBytes"/>: with a known <paramref name="length"/> as it is, with
    /// <see cref="RequestWriter.Chunked"/> as chunks. A body that ends early aborts the daemon request (the connection closes without
    /// completing it) and the client is told; so does <paramref name="beforeEnd"/> throwing, which runs
    /// before the request is completed. False when the daemon stopped reading (its reply says why).
    /// </summary>
    private static bool SendUpload(DaemonConnection connection, string method, string target, string host, string? registryAuth,
        long length, BatchReader read, Action? beforeEnd = null)
    {
        Stream daemon = connection.Stream;
        byte[] buffer = new byte[Limits.UploadBatchBytes];
        long total = 0;
        try
        {
            daemon.Write(RequestWriter.Head(method, target, host, "application/x-tar", length, registryAuth));
            int room = buffer.Length - RequestWriter.ChunkPrefixRoom - 2;
            while (length < 0 || total < length)
            {
                int want = length < 0 ? room : (int)Math.Min(room, length - total);
                int n = read(buffer.AsSpan(RequestWriter.ChunkPrefixRoom, want));
                if (n == 0)
                {
                    break;
                }

                total += n;
                if (length >= 0)
                {
                    daemon.Write(buffer, RequestWriter.ChunkPrefixRoom, n);
                }
                else
                {
                    daemon.Write(RequestWriter.FrameChunk(buffer, n));
                }
            }

            if (length >= 0 && total < length)
            {
                throw ApiException.BadRequest(
                    $"request body ended after {total} of {length} bytes; the upload was aborted, but the daemon " +
                    "applies an archive as it arrives, so what came before the end may have been written");
            }

            beforeEnd?.Invoke();
            if (length < 0)
            {
                daemon.Write(RequestWriter.LastChunk);
            }

            return true;
        }
        catch (IOException e) when (!DaemonConnection.IsTimeout(e) || connection.WaitReadable(0))
        {
            return false; // the daemon stopped reading: its reply, read next, says why
        }
        catch (IOException)
        {
            throw Stalled(connection);
        }
    }

    /// <summary>stdin as the request body: with CONTENT_LENGTH, exactly that many bytes.</summary>
    private Stream ReadStdinStream(CgiRequest request) =>
        request.ContentLength >= 0 ? new LengthLimitedStream(env.Stdin, request.ContentLength) : env.Stdin;

    private static string? RegistryAuth(CgiRequest request)
    {
        string? value = request.Value("X-Registry-Auth");
        if (value == null)
        {
            return null;
        }

        return Http.RegistryAuth.Normalize(value)
            ?? throw ApiException.BadRequest("X-Registry-Auth: expected base64 (standard or base64url) of a JSON object");
    }

    /// <summary>Whether the value is base64 of a JSON object that can be sent to the daemon.</summary>
    internal static bool IsBase64UrlJson(string value) => Http.RegistryAuth.Normalize(value) != null;

    /// <summary>The "message" of the daemon's error object when that is all it holds, else null (relayed as it is).</summary>
    private static string? DaemonErrorMessage(ReadOnlySpan<byte> json)
    {
        var reader = new System.Text.Json.Utf8JsonReader(json);
        string? message = null;
        reader.Read(); // the object's start
        while (reader.Read() && reader.TokenType == System.Text.Json.JsonTokenType.PropertyName)
        {
            bool isMessage = reader.ValueTextEquals("message"u8);
            reader.Read();
            if (!isMessage || reader.TokenType != System.Text.Json.JsonTokenType.String)
            {
                return null;
            }

            message = reader.GetString();
        }

        return message;
    }

    /// <summary>The daemon's own error: its status and its <c>{"message"}</c> body. A body that is not
    /// a JSON object (a proxy's text page, say) is wrapped into one.</summary>
    private int RelayDaemonError(ResponseHead head, HttpBodyReader body, DaemonConnection connection)
    {
        byte[] buffer = new byte[Limits.MaxErrorBodyBytes];
        int count = 0;
        try
        {
            // A daemon that stalls mid-body: what arrived by the deadline is relayed.
            body.ReadUpTo(buffer, ref count, () => connection.WaitReadable(_deadline - env.Milliseconds()));
        }
        catch (Exception e) when (e is IOException or SocketException or HttpParseException)
        {
            // What arrived is still the best account of the error.
        }

        ReadOnlySpan<byte> text = buffer.AsSpan(0, count);
        if (Docker.Tls.TlsFailure.IsPlainRequestToTls(head.StatusCode, text))
        {
            throw new ApiException(502, "the Docker daemon speaks TLS there: " + Docker.Tls.TlsFailure.PlainRequestToTls);
        }

        byte[] json = !JsonCheck.IsWellFormed(text, requireObject: true, out _)
            ? CgiOutput.ErrorBody(count == 0 ? head.StatusText : Encoding.UTF8.GetString(text).Trim())
            : DaemonErrorMessage(text) is string message
                ? CgiOutput.ErrorBody(message) // the daemon's {"message"}, with "error" beside it for the pages
                : text.ToArray();
        _output.WriteJson(head.StatusCode, head.ReasonPhrase, json);
        return ExitCodes.ErrorReply;
    }
}
