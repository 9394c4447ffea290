using Dockerman.CgiIo;
using Dockerman.Http;

namespace Dockerman.Relay;

/// <summary>
/// A multipart/form-data body that carries only fields, as the pages send it to every endpoint
/// that takes no file (<c>token</c>, <c>X-Registry-Auth</c>, <c>sessionid</c>…): all of it read
/// and bounded like a urlencoded form (at most <see cref="Limits.MaxFormBytes"/> of values).
/// A file in it is refused: nothing of it would reach the daemon.
/// </summary>
internal static class MultipartFields
{
    public static List<KeyValuePair<string, string>> Read(string contentType, Stream body, long contentLength)
    {
        if (contentLength > Limits.MaxFormBytes + (Limits.MaxMultipartParts * Limits.MaxMultipartHeadBytes))
        {
            throw new ApiException(413, $"form body larger than {Limits.MaxFormBytes} bytes of fields");
        }

        var reader = new MultipartReader(body, MultipartReader.Boundary(contentType));
        var fields = new List<KeyValuePair<string, string>>();
        long total = 0;
        while (reader.NextPart() is { } part)
        {
            if (part.FileName != null || part.Name == MultipartUpload.FileField)
            {
                throw ApiException.BadRequest($"multipart: this request takes no file (part '{Routing.RouteMatcher.Printable(part.Name)}')");
            }

            string value = reader.ReadFieldValue(part.Name);
            total += part.Name.Length + value.Length;
            if (total > Limits.MaxFormBytes)
            {
                throw new ApiException(413, $"form body larger than {Limits.MaxFormBytes} bytes of fields");
            }

            fields.Add(new(part.Name, value));
        }

        return fields;
    }
}
