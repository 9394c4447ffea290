using Dockerman.CgiIo;
using Dockerman.Hosting;

namespace Dockerman.Relay;

/// <summary>
/// The request body on stdin, as the web server hands it over: reads that fail mean the client
/// is gone (<see cref="ClientGoneException"/>), batches that fill a buffer, and the body as a stream
/// of exactly CONTENT_LENGTH bytes when it is given.
/// </summary>
internal sealed class RequestStdin(ProcessEnv env, CgiRequest request)
{
    /// <summary>What one read of stdin gives; 0 at its end.</summary>
    public int Read(Span<byte> buffer)
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
    public int ReadBatch(Span<byte> destination)
    {
        int count = 0;
        int n;
        while (count < destination.Length && (n = Read(destination[count..])) > 0)
        {
            count += n;
        }

        return count;
    }

    /// <summary>stdin as the request body: with CONTENT_LENGTH, exactly that many bytes.</summary>
    public Stream AsStream() =>
        request.ContentLength >= 0 ? new LengthLimitedStream(env.Stdin, request.ContentLength) : env.Stdin;
}
