using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Dockerman.Docker;
using Dockerman.Hosting;
using Dockerman.Http;

namespace Dockerman.Jobs;

/// <summary>
/// <c>dockerman --run-job DIR</c>: the detached process that makes a job's one daemon request
/// (a pull or a push) and appends the daemon's progress to the job's file until the daemon ends
/// it. It runs in its own session with stdio on /dev/null, so the web server's SIGKILL of the CGI
/// that started it does not end it.
/// </summary>
internal static class JobWorker
{
    /// <summary>The request file: method, target (with the API prefix), endpoint, X-Registry-Auth (may be empty),
    /// and for a TLS endpoint its certificate files (<see cref="Docker.Tls.TlsFiles.ToLine"/>).</summary>
    public static string RequestText(string method, string target, DockerEndpoint endpoint, string? registryAuth) =>
        $"{method}\n{target}\n{endpoint}\n{registryAuth}\n{(endpoint.Tls ? endpoint.TlsFiles?.ToLine() : "")}\n";

    public static int Run(ProcessEnv env, string dir)
    {
        string id = Path.GetFileName(dir.TrimEnd('/'));
        var store = new JobStore(Path.GetDirectoryName(dir.TrimEnd('/'))!, env.Now);
        if (!JobStore.IsJobId(id) || !Directory.Exists(dir))
        {
            env.Stderr.WriteLine($"dockerman: --run-job: no job at {dir}");
            return Relay.ExitCodes.Usage;
        }

        string requestPath = Path.Combine(dir, "request");
        string[] request;
        try
        {
            request = File.ReadAllText(requestPath).Split('\n');
            File.Delete(requestPath); // it may hold registry credentials: gone as soon as read
        }
        catch (IOException e)
        {
            store.Finish(id, JobState.Failed, $"the job's request is missing: {e.Message}");
            return Relay.ExitCodes.ErrorReply;
        }

        using var file = new FileStream(store.ProgressPath(id), FileMode.Append, FileAccess.Write, FileShare.ReadWrite, 1);
        var progress = new ProgressWriter(file);
        try
        {
            Docker.Tls.TlsFiles? tls = request.Length > 4 ? Docker.Tls.TlsFiles.FromLine(request[4]) : null;
            DockerEndpoint endpoint = DockerEndpoint.Parse(request[2], tls: tls != null, prefix: "") with { TlsFiles = tls };
            using DaemonConnection connection = env.Connector.Connect(endpoint, Limits.ConnectTimeoutMs);
            string? auth = request.Length > 3 && request[3].Length > 0 ? request[3] : null;
            connection.Stream.Write(RequestWriter.Head(request[0], request[1], endpoint.HostHeader, null, RequestWriter.NoBody, auth));
            var input = new BufferedInput(connection.Stream, Limits.CopyBufferSize);
            ResponseHead head = ResponseReader.ReadHead(input);
            var body = new HttpBodyReader(input, head, noBody: false);
            if (head.StatusCode >= 400)
            {
                byte[] error = new byte[Limits.MaxErrorBodyBytes];
                int count = 0;
                body.ReadUpTo(error, ref count);
                progress.WriteError(DaemonMessage(error.AsSpan(0, count), head));
            }
            else
            {
                byte[] buffer = new byte[Limits.CopyBufferSize];
                int n;
                while (!progress.Broken && (n = body.Read(buffer)) > 0)
                {
                    progress.Write(buffer.AsSpan(0, n));
                }

                // A progress that cannot be kept ends the job: the connection closes, and the daemon
                // abandons the pull or push.

                progress.Finish();
            }
        }
        catch (Exception e) when (e is IOException or SocketException or HttpParseException or EndpointException or TimeoutException)
        {
            progress.Finish();
            progress.WriteError($"the connection to the Docker daemon failed: {e.Message}");
        }

        store.Finish(id, progress.LastError == null ? JobState.Done : JobState.Failed, progress.LastError);
        return progress.LastError == null ? Relay.ExitCodes.Success : Relay.ExitCodes.ErrorReply;
    }

    private static string DaemonMessage(ReadOnlySpan<byte> body, ResponseHead head)
    {
        try
        {
            if (JobJson.ReadFlatObject(body).TryGetValue("message", out string? message))
            {
                return message;
            }
        }
        catch (JsonException)
        {
        }

        string text = Encoding.UTF8.GetString(body).Trim();
        return text.Length > 0 ? text : head.StatusText;
    }
}
