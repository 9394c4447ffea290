using System.Text;

namespace Dockerman.Tests.Support;

/// <summary>
/// A multipart/form-data body as a browser's FormData sends it: the parts in the order appended,
/// a WebKit-style boundary, a file part with its file name and type.
/// </summary>
public sealed class FormData
{
    private readonly List<(string Name, byte[] Content, string? FileName, string? Type)> _parts = [];

    public string Boundary { get; } = "----WebKitFormBoundary" + Guid.NewGuid().ToString("N")[..16];

    public string ContentType => "multipart/form-data; boundary=" + Boundary;

    public FormData Field(string name, string value)
    {
        _parts.Add((name, Encoding.UTF8.GetBytes(value), null, null));
        return this;
    }

    public FormData File(string name, string fileName, byte[] content, string type = "application/x-tar")
    {
        _parts.Add((name, content, fileName, type));
        return this;
    }

    public byte[] ToArray()
    {
        var body = new MemoryStream();
        foreach ((string name, byte[] content, string? fileName, string? type) in _parts)
        {
            string head = $"--{Boundary}\r\nContent-Disposition: form-data; name=\"{name}\"" +
                          (fileName == null ? "" : $"; filename=\"{fileName}\"\r\nContent-Type: {type}") + "\r\n\r\n";
            body.Write(Encoding.UTF8.GetBytes(head));
            body.Write(content);
            body.Write("\r\n"u8);
        }

        body.Write(Encoding.ASCII.GetBytes($"--{Boundary}--\r\n"));
        return body.ToArray();
    }

    public ByteArrayContent ToContent()
    {
        var content = new ByteArrayContent(ToArray());
        content.Headers.TryAddWithoutValidation("Content-Type", ContentType);
        return content;
    }
}
