using Dockerman.CgiIo;

namespace Dockerman.Relay;

/// <summary>
/// A browser upload: multipart/form-data with the archive in the field <c>upload-archive</c> (or
/// any part with a file name) and small fields before and after it. Fields before the file join
/// the request's form values, so they can carry the session id, the CSRF token, <c>path</c> or
/// <c>X-Registry-Auth</c>. Fields after the file arrive once the archive has already gone to the
/// daemon: they are read and checked, and one that would have changed the request (a value other
/// than the one used, or a parameter not given before) aborts it.
/// </summary>
internal sealed class MultipartUpload
{
    public const string FileField = "upload-archive";

    private readonly MultipartReader _reader;
    private readonly CgiRequest _request;

    private MultipartUpload(MultipartReader reader, CgiRequest request)
    {
        _reader = reader;
        _request = request;
    }

    public static MultipartUpload Open(CgiRequest request, Stream body)
    {
        var reader = new MultipartReader(body, MultipartReader.Boundary(request.ContentType!));
        var fields = new List<KeyValuePair<string, string>>(request.Form);
        while (true)
        {
            PartInfo? part = reader.NextPart() ?? throw ApiException.BadRequest($"multipart: no file (field '{FileField}')");
            if (IsFile(part))
            {
                request.Form = fields;
                return new MultipartUpload(reader, request);
            }

            fields.Add(new(part.Name, reader.ReadFieldValue(part.Name)));
        }
    }

    private static bool IsFile(PartInfo part) => part.Name == FileField || part.FileName != null;

    /// <summary>Reads the file until <paramref name="destination"/> is full or the file part ends.</summary>
    public int ReadFileBatch(Span<byte> destination)
    {
        int count = 0;
        int n;
        while (count < destination.Length && (n = _reader.ReadContent(destination[count..])) > 0)
        {
            count += n;
        }

        return count;
    }

    public void ReadRemainingFields()
    {
        PartInfo? part;
        while ((part = _reader.NextPart()) != null)
        {
            if (IsFile(part))
            {
                throw ApiException.BadRequest("multipart: more than one file; the upload was aborted");
            }

            string value = _reader.ReadFieldValue(part.Name);
            string? used = _request.FormValue(part.Name) ?? _request.QueryValue(part.Name);
            if (used != null ? used != value : part.Name is "path" or "sessionid" or "token" or "X-Registry-Auth")
            {
                throw ApiException.BadRequest(
                    $"multipart: field '{part.Name}' after the file differs from the request already sent; put it before the file. The upload was aborted");
            }
        }
    }
}
