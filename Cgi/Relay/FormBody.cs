using System.Text;
using Dockerman.CgiIo;
using Dockerman.Http;

namespace Dockerman.Relay;

/// <summary>
/// A body of fields only, on a route that sends the daemon no body of its own: the pages' CSRF
/// token, the session id, registry credentials. URL-encoded or multipart, the fields count like
/// query values.
/// </summary>
internal static class FormBody
{
    /// <summary>Reads the fields into <see cref="CgiRequest.Form"/>, when the content type says there are any.</summary>
    public static void ReadFields(CgiRequest request, RequestStdin stdin)
    {
        if (HasMediaType(request.ContentType, "application/x-www-form-urlencoded"))
        {
            request.Form = UrlEncoding.ParseQuery(ReadUrlEncoded(request, stdin), "form body");
        }
        else if (HasMediaType(request.ContentType, "multipart/"))
        {
            request.Form = MultipartFields.Read(request.ContentType!, stdin.AsStream(), request.ContentLength);
        }
    }

    /// <summary>CONTENT_TYPE starts with <paramref name="prefix"/>, parameters and case aside.</summary>
    public static bool HasMediaType(string? contentType, string prefix) =>
        contentType != null && contentType.AsSpan().TrimStart().StartsWith(prefix, StringComparison.OrdinalIgnoreCase);

    private static string ReadUrlEncoded(CgiRequest request, RequestStdin stdin)
    {
        if (request.ContentLength > Limits.MaxFormBytes)
        {
            throw new ApiException(413, $"form body larger than {Limits.MaxFormBytes} bytes");
        }

        byte[] buffer = new byte[Limits.MaxFormBytes + 1];
        int count = stdin.ReadBatch(buffer);
        if (count > Limits.MaxFormBytes)
        {
            throw new ApiException(413, $"form body larger than {Limits.MaxFormBytes} bytes");
        }

        if (!Ascii.IsValid(buffer.AsSpan(0, count)))
        {
            throw ApiException.BadRequest("form body: expected percent-encoded ASCII");
        }

        return Encoding.ASCII.GetString(buffer, 0, count);
    }
}
