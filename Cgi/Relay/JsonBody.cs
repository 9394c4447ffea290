using Dockerman.CgiIo;
using Dockerman.Config;
using Dockerman.Routing;

namespace Dockerman.Relay;

/// <summary>
/// The JSON object a route sends to the daemon (create, update, exec…): read whole within
/// <c>max_json_body</c>, checked to be one well-formed object before the daemon is asked anything.
/// </summary>
internal static class JsonBody
{
    public static byte[] Read(CgiRequest request, Route route, Settings settings, RequestStdin stdin)
    {
        int max = settings.MaxJsonBody;
        if (request.ContentLength > max)
        {
            throw TooLarge(max);
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

            int n = stdin.Read(buffer.AsSpan(count));
            if (n == 0)
            {
                break;
            }

            count += n;
        }

        if (count > max)
        {
            throw TooLarge(max);
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

    private static ApiException TooLarge(int max) => new(413, $"JSON body larger than {max} bytes (max_json_body)");
}
