using System.Net.Sockets;
using Dockerman.CgiIo;
using Dockerman.Config;
using Dockerman.Docker;
using Dockerman.Hosting;
using Dockerman.Http;
using Dockerman.Routing;

namespace Dockerman.Relay;

/// <summary>Which side ended a copy loop.</summary>
internal enum CopyResult
{
    /// <summary>The daemon's body ended where it should.</summary>
    Complete,

    /// <summary>The stream deadline came: the stream ended cleanly, the client resumes with since=.</summary>
    Deadline,

    /// <summary>The daemon failed mid-body (closed, reset, malformed): the output is cut short.</summary>
    DaemonFailed,

    /// <summary>The daemon went silent inside a unit of the body for idle_timeout: the output is cut short.</summary>
    Stalled,
}

/// <summary>
/// The body of a successful daemon reply, copied to the client once its head is written: through
/// one buffer, flushed per read on streaming routes, and cut short (never passed off as complete)
/// when the daemon fails or stalls in the middle of it.
/// </summary>
internal sealed class BodyCopy(
    ProcessEnv env, CgiOutput output, DaemonConnection connection, HttpBodyReader body, Settings settings, long deadline)
{
    /// <summary>The body as it comes. Streams (and logs, and exec output) are flushed per read and end
    /// cleanly at the deadline, NDJSON streams with heartbeats; a JSON document is bounded by the
    /// deadline too, since a daemon that stalls in the middle of it would otherwise hold the process
    /// until the web server kills it; a download runs as long as it takes. Silence inside a chunk, a
    /// document or a download (the connection's idle limit) longer than idle_timeout cuts the output.</summary>
    public CopyResult Copy(ReplyKind reply)
    {
        bool streaming = reply is ReplyKind.Stream or ReplyKind.Logs or ReplyKind.Hijack;
        bool heartbeat = reply == ReplyKind.Stream;
        bool bounded = reply == ReplyKind.Json;
        byte[] buffer = GC.AllocateUninitializedArray<byte>(Limits.CopyBufferSize); // only bytes read are written
        bool atLineStart = true;
        long heartbeatMs = settings.Heartbeat * 1000L;
        try
        {
            while (true)
            {
                if (streaming || bounded)
                {
                    WaitResult wait = WaitForInput(heartbeat ? heartbeatMs : long.MaxValue, bounded || body.InsideChunk);
                    if (wait == WaitResult.Stalled)
                    {
                        return Stalled();
                    }

                    if (wait == WaitResult.Deadline)
                    {
                        // A stream ends cleanly at the deadline; a document cut there is incomplete.
                        return streaming ? CopyResult.Deadline
                            : DaemonFailed(new TimeoutException($"the reply did not complete within {settings.StreamDeadline} s"));
                    }

                    if (wait == WaitResult.Quiet)
                    {
                        if (atLineStart)
                        {
                            output.Write("\n"u8); // heartbeat: keeps the web server's network_timeout away
                            output.Flush();
                        }

                        continue;
                    }
                }

                int n = body.Read(buffer);
                if (n == 0)
                {
                    return CopyResult.Complete;
                }

                output.Write(buffer.AsSpan(0, n));
                atLineStart = buffer[n - 1] == (byte)'\n';
                if (streaming)
                {
                    output.Flush();
                }
            }
        }
        catch (Exception e) when (e is IOException or SocketException or HttpParseException)
        {
            return DaemonConnection.IsTimeout(e) ? Stalled() : DaemonFailed(e);
        }
    }

    /// <summary>Container logs as plain text: frames are unwrapped when the stream is multiplexed (a
    /// non-TTY container); a TTY container's raw bytes pass as they are.</summary>
    public CopyResult CopyLogsAsText(ResponseHead head)
    {
        byte[] buffer = GC.AllocateUninitializedArray<byte>(Limits.CopyBufferSize); // only bytes read are written
        var demux = new LogDemultiplexer();
        bool? multiplexed = head.ContentType == "application/vnd.docker.multiplexed-stream" ? true : null;
        int pending = 0;
        try
        {
            while (true)
            {
                WaitResult wait = WaitForInput(long.MaxValue, pending > 0 || !demux.AtFrameBoundary || body.InsideChunk);
                if (wait == WaitResult.Stalled)
                {
                    return Stalled();
                }

                if (wait == WaitResult.Deadline)
                {
                    return CopyResult.Deadline;
                }

                int n = body.Read(buffer.AsSpan(pending));
                if (n == 0)
                {
                    if (pending > 0)
                    {
                        output.Write(buffer.AsSpan(0, pending)); // fewer than 4 bytes in all: raw
                    }

                    return demux.AtFrameBoundary ? CopyResult.Complete : DaemonFailed(new IOException("log stream ended inside a frame"));
                }

                n += pending;
                pending = 0;
                if (multiplexed == null)
                {
                    // Older daemons label both kinds raw-stream: the first bytes tell.
                    if (n < 4)
                    {
                        pending = n;
                        continue;
                    }

                    multiplexed = LogDemultiplexer.LooksMultiplexed(buffer.AsSpan(0, n));
                }

                if (multiplexed == true)
                {
                    int written = demux.Decode(buffer.AsSpan(0, n), buffer); // in place
                    output.Write(buffer.AsSpan(0, written));
                }
                else
                {
                    output.Write(buffer.AsSpan(0, n));
                }

                output.Flush();
            }
        }
        catch (Exception e) when (e is IOException or SocketException or HttpParseException or InvalidDataException)
        {
            return DaemonConnection.IsTimeout(e) ? Stalled() : DaemonFailed(e);
        }
    }

    private enum WaitResult { Ready, Quiet, Deadline, Stalled }

    /// <summary>Waits for body input: Quiet after <paramref name="quietMs"/> of silence, Stalled after
    /// idle_timeout when <paramref name="inside"/> (the daemon is in the middle of something).</summary>
    private WaitResult WaitForInput(long quietMs, bool inside)
    {
        long left = deadline - env.Milliseconds();
        if (left <= 0)
        {
            return WaitResult.Deadline;
        }

        if (body.HasBufferedBytes)
        {
            return WaitResult.Ready; // arrived with the head or an earlier read: the socket may stay quiet
        }

        long idleMs = inside ? settings.IdleTimeout * 1000L : long.MaxValue;
        long wait = Math.Min(left, Math.Min(quietMs, idleMs));
        if (connection.WaitReadable(wait))
        {
            return WaitResult.Ready;
        }

        return wait == left ? WaitResult.Deadline : wait == idleMs ? WaitResult.Stalled : WaitResult.Quiet;
    }

    private CopyResult Stalled()
    {
        DaemonFailed(new TimeoutException($"it sent nothing for {settings.IdleTimeout} s (idle_timeout)"));
        return CopyResult.Stalled;
    }

    private CopyResult DaemonFailed(Exception e)
    {
        // The reply has started: all that is left is to cut it, so that nobody takes it for complete.
        env.Stderr.WriteLine($"dockerman: the Docker daemon failed in the middle of the reply: {e.Message}");
        try
        {
            output.Flush();
        }
        catch (ClientGoneException)
        {
        }

        return CopyResult.DaemonFailed;
    }
}
