using System.Net.Sockets;
using Dockerman.CgiIo;
using Dockerman.Docker;
using Dockerman.Hosting;
using Dockerman.Http;

namespace Dockerman.Relay;

/// <summary>Fills <paramref name="destination"/>, or less at the end of the body; 0 when it has ended.</summary>
internal delegate int BatchReader(Span<byte> destination);

/// <summary>
/// The one request to the daemon: the connection, then the head with a JSON body, an upload
/// streamed through one buffer, or nothing. Sending reports whether the daemon read it all; a
/// daemon that stopped reading has its reply (read next) say why.
/// </summary>
internal static class DaemonRequest
{
    public static DaemonConnection Connect(ProcessEnv env, DockerEndpoint endpoint)
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
    public static bool Send(DaemonConnection connection, byte[] head, ReadOnlySpan<byte> body)
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

    /// <summary>
    /// Streams an upload (a tar archive) to the daemon through one buffer, in writes of up to
    /// <see cref="Limits.UploadBatchBytes"/>: with a known <paramref name="length"/> as it is, with
    /// <see cref="RequestWriter.Chunked"/> as chunks. A body that ends early aborts the daemon request (the connection closes without
    /// completing it) and the client is told; so does <paramref name="beforeEnd"/> throwing, which runs
    /// before the request is completed. False when the daemon stopped reading (its reply says why).
    /// </summary>
    public static bool SendUpload(DaemonConnection connection, byte[] head, long length, BatchReader read, Action? beforeEnd = null)
    {
        Stream daemon = connection.Stream;
        byte[] buffer = new byte[Limits.UploadBatchBytes];
        long total = 0;
        try
        {
            daemon.Write(head);
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

    /// <summary>The daemon stopped reading the request for the idle limit without answering (one that
    /// answered early, a 404 for a missing folder say, has its reply relayed instead).</summary>
    private static DaemonStalledException Stalled(DaemonConnection connection) =>
        new($"the Docker daemon stopped reading the request for {connection.IdleLimitMs / 1000} s (idle_timeout); the upload was aborted");
}
