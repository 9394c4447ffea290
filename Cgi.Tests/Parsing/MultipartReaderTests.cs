using System.Text;
using Dockerman.CgiIo;
using Xunit;

namespace Dockerman.Tests.Parsing;

public sealed class MultipartReaderTests
{
    private const string Boundary = "----WebKitFormBoundaryq1w2e3";

    /// <summary>A stream that hands out at most <c>step</c> bytes per read, to split everything everywhere.</summary>
    private sealed class Trickle(byte[] data, int step) : MemoryStream(data)
    {
        public override int Read(Span<byte> buffer) => base.Read(buffer[..Math.Min(step, buffer.Length)]);

        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(step, count));
    }

    private static byte[] Body(params (string Name, string? FileName, byte[] Content)[] parts)
    {
        var ms = new MemoryStream();
        void W(string s) => ms.Write(Encoding.ASCII.GetBytes(s));
        W("preamble to ignore\r\n");
        foreach ((string name, string? file, byte[] content) in parts)
        {
            W($"--{Boundary}\r\nContent-Disposition: form-data; name=\"{name}\"" + (file == null ? "" : $"; filename=\"{file}\"") + "\r\n");
            if (file != null)
            {
                W("Content-Type: application/x-tar\r\n");
            }

            W("\r\n");
            ms.Write(content);
            W("\r\n");
        }

        W($"--{Boundary}--\r\nepilogue");
        return ms.ToArray();
    }

    private static List<(string Name, string? File, byte[] Content)> ReadAll(Stream s)
    {
        var reader = new MultipartReader(s, Boundary);
        var parts = new List<(string, string?, byte[])>();
        PartInfo? p;
        while ((p = reader.NextPart()) != null)
        {
            var content = new MemoryStream();
            byte[] buf = new byte[7];
            int n;
            while ((n = reader.ReadContent(buf)) > 0)
            {
                content.Write(buf, 0, n);
            }

            parts.Add((p.Name, p.FileName, content.ToArray()));
        }

        return parts;
    }

    public static TheoryData<int> Steps => [1, 2, 3, 5, 17, 64, 4096, 1 << 20];

    [Theory]
    [MemberData(nameof(Steps))]
    public void Parts_AnyReadSize_SameFieldsAndBytes(int step)
    {
        // The file holds near-delimiters: CRLF, "--", the boundary without its CRLF, a partial boundary.
        byte[] file = Encoding.ASCII.GetBytes($"x\r\n--{Boundary[..10]}\r\n--\r\n{Boundary}\r\n-").Concat(Enumerable.Range(0, 3000).Select(i => (byte)i)).ToArray();
        byte[] body = Body(("path", null, "/data"u8.ToArray()), (MultipartUpload(), "a.tar", file), ("token", null, "t0k"u8.ToArray()));
        var parts = ReadAll(new Trickle(body, step));
        Assert.Equal(3, parts.Count);
        Assert.Equal(("path", (string?)null), (parts[0].Name, parts[0].File));
        Assert.Equal("/data"u8.ToArray(), parts[0].Content);
        Assert.Equal("a.tar", parts[1].File);
        Assert.Equal(file, parts[1].Content);
        Assert.Equal("t0k"u8.ToArray(), parts[2].Content);
    }

    private static string MultipartUpload() => Dockerman.Relay.MultipartUpload.FileField;

    [Fact]
    public void EmptyPart_ReadsAsEmpty()
    {
        var parts = ReadAll(new MemoryStream(Body(("a", null, []), ("b", null, "1"u8.ToArray()))));
        Assert.Empty(parts[0].Content);
        Assert.Equal("1"u8.ToArray(), parts[1].Content);
    }

    [Theory]
    [InlineData(14)] // into the closing delimiter
    [InlineData(60)]
    [InlineData(100)]
    public void BodyCutShort_Throws400(int keep)
    {
        byte[] body = Body(("f", "x.tar", new byte[80]));
        var ex = Assert.Throws<ApiException>(() => ReadAll(new MemoryStream(body[..^keep])));
        Assert.Equal(400, ex.Status);
    }

    [Fact]
    public void NoBoundaryLine_Throws400()
    {
        var ex = Assert.Throws<ApiException>(() => ReadAll(new MemoryStream("just some bytes"u8.ToArray())));
        Assert.Equal(400, ex.Status);
        Assert.Contains("boundary", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PartWithoutName_Throws400()
    {
        byte[] body = Encoding.ASCII.GetBytes($"--{Boundary}\r\nContent-Type: text/plain\r\n\r\nx\r\n--{Boundary}--\r\n");
        Assert.Equal(400, Assert.Throws<ApiException>(() => ReadAll(new MemoryStream(body))).Status);
    }

    [Fact]
    public void TooManyParts_Throws400()
    {
        var fields = Enumerable.Range(0, 40).Select(i => ($"f{i}", (string?)null, "v"u8.ToArray())).ToArray();
        Assert.Equal(400, Assert.Throws<ApiException>(() => ReadAll(new MemoryStream(Body(fields)))).Status);
    }

    [Fact]
    public void HugePartHead_Throws400()
    {
        byte[] body = Encoding.ASCII.GetBytes($"--{Boundary}\r\nX: {new string('a', 20000)}\r\n\r\nx\r\n--{Boundary}--\r\n");
        Assert.Equal(400, Assert.Throws<ApiException>(() => ReadAll(new MemoryStream(body))).Status);
    }

    [Theory]
    [InlineData("multipart/form-data; boundary=abc", "abc")]
    [InlineData("multipart/form-data; boundary=\"a b:c\"", "a b:c")]
    [InlineData("multipart/form-data;charset=utf-8;  BOUNDARY=xyz", "xyz")]
    public void Boundary_FromContentType(string contentType, string expected) =>
        Assert.Equal(expected, MultipartReader.Boundary(contentType));

    [Theory]
    [InlineData("multipart/form-data")]
    [InlineData("multipart/form-data; boundary=")]
    [InlineData("multipart/form-data; boundary=a; boundary=b")]
    [InlineData("multipart/form-data; boundary=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    public void Boundary_MissingRepeatedOrTooLong_Throws400(string contentType) =>
        Assert.Equal(400, Assert.Throws<ApiException>(() => MultipartReader.Boundary(contentType)).Status);
}
