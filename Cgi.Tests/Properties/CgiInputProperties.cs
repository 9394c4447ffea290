using System.Text;
using CsCheck;
using Dockerman.CgiIo;
using Dockerman.Hosting;
using Dockerman.Routing;
using Xunit;

namespace Dockerman.Tests.Properties;

/// <summary>What the web server hands over, generated: the CGI environment, query strings and form
/// values, routes, and browser (multipart) bodies.</summary>
public sealed class CgiInputProperties
{
    /// <summary>Text as a client might send it: mostly the characters that mean something in a
    /// query, some other Unicode (never a lone surrogate).</summary>
    private static readonly Gen<string> Text = Gen.Frequency(
            (6, Gen.Char["abcXYZ019 %+&=;/?#._-~\"'\\"].Select(c => c.ToString())),
            (2, Gen.Char[(char)0, (char)0x7f].Select(c => c.ToString())),
            (1, Gen.Int[0x80, 0x10FFFF].Where(cp => cp is < 0xD800 or > 0xDFFF).Select(char.ConvertFromUtf32)))
        .Array[0, 24].Select(string.Concat);

    [Fact]
    public void UrlEncoding_AnyText_EncodesAndDecodesBack()
    {
        Fuzz.Check(Text, s =>
        {
            var sb = new StringBuilder();
            UrlEncoding.Append(sb, s);
            string encoded = sb.ToString();
            Assert.True(Ascii.IsValid(encoded));
            Assert.DoesNotContain('&', encoded);
            Assert.DoesNotContain('=', encoded);
            Assert.Equal(s, UrlEncoding.Decode(encoded, "value"));
        }, Fuzz.Show);
    }

    [Fact]
    public void UrlEncoding_EncodedPairs_ParseBack()
    {
        Fuzz.Check(Gen.Select(Text.Where(n => n.Length > 0), Text).Array[0, 10], pairs =>
        {
            var sb = new StringBuilder();
            foreach ((string name, string value) in pairs)
            {
                UrlEncoding.Append(sb.Append(sb.Length == 0 ? "" : "&"), name);
                UrlEncoding.Append(sb.Append('='), value);
            }

            List<KeyValuePair<string, string>> parsed = UrlEncoding.ParseQuery(sb.ToString(), "query");
            Assert.Equal(pairs.Select(p => new KeyValuePair<string, string>(p.Item1, p.Item2)), parsed);
        }, p => string.Join(" & ", p.Select(x => $"{Fuzz.Show(x.Item1)}={Fuzz.Show(x.Item2)}")));
    }

    [Fact]
    public void UrlEncoding_AnyQuery_OnlyBadRequest()
    {
        Gen<string> query = Gen.Frequency(
            (3, Text),
            (1, Gen.Char.Array[0, 40].Select(c => new string(c))), // lone surrogates too
            (1, Gen.Const("&").Array[60, 70].Select(string.Concat).Select(a => a.Replace("&", "a&", StringComparison.Ordinal))));
        Fuzz.Check(query, q =>
        {
            try
            {
                Assert.InRange(UrlEncoding.ParseQuery(q, "query").Count, 0, Http.Limits.MaxQueryParameters);
            }
            catch (ApiException e)
            {
                Assert.Equal(400, e.Status);
            }
        }, Fuzz.Show);
    }

    private static readonly string[] Variables =
        ["REQUEST_METHOD", "PATH_INFO", "QUERY_STRING", "CONTENT_TYPE", "CONTENT_LENGTH", "HTTP_AUTHORIZATION", "HTTP_COOKIE", "GATEWAY_INTERFACE"];

    private static readonly Gen<string?> Value = Gen.Frequency(
        (1, Gen.Const((string?)null)),
        (4, Text.Select(s => (string?)s)),
        (1, Gen.Long[-10, long.MaxValue].Select(n => (string?)n.ToString(System.Globalization.CultureInfo.InvariantCulture))),
        (1, Gen.Const("/admin/docker/").SelectMany(p => Text.Select(s => (string?)(p + s)))),
        (1, Gen.Char['a', 'z'].Array[2000, 9000].Select(c => (string?)new string(c))));

    [Fact]
    public void CgiRequest_AnyEnvironment_OnlyApiErrors()
    {
        Fuzz.Check(Value.Array[Variables.Length], values =>
        {
            var env = new ProcessEnv
            {
                GetVariable = name => Array.IndexOf(Variables, name) is int i and >= 0 ? values[i] : null,
                Stdin = Stream.Null,
                Stdout = Stream.Null,
                Stderr = TextWriter.Null,
            };
            try
            {
                CgiRequest request = CgiRequest.FromEnvironment(env);
                Assert.True(request.ContentLength >= -1);
                Assert.NotEmpty(request.Method);
                RouteMatcher.Match(request.Method, request.PathInfo);
            }
            catch (ApiException e)
            {
                Assert.InRange(e.Status, 400, 499);
            }
        }, v => string.Join(" ", v.Select((x, i) => $"{Variables[i]}={(x == null ? "(unset)" : Fuzz.Show(x))}")));
    }

    private const string Boundary = "----WebKitFormBoundaryq1w2e3";

    private static readonly byte[] Delimiter = Encoding.ASCII.GetBytes("\r\n--" + Boundary);

    /// <summary>Part contents that like to look like a delimiter, without being one (RFC 2046
    /// 5.1.1: the sender picks a boundary that its content does not contain).</summary>
    private static readonly Gen<byte[]> Content = Gen.Frequency(
            (4, Gen.Byte.Select(b => new[] { b })),
            (1, Gen.OneOf("\r\n", "\r\n--", "--" + Boundary, "\r\n--" + Boundary[..10], "\r\n--" + Boundary + "-", "\r")
                .Select(Encoding.ASCII.GetBytes)))
        .Array[0, 60].Select(a => a.SelectMany(x => x).ToArray()).Where(c => c.AsSpan().IndexOf(Delimiter) < 0);

    private static readonly Gen<(string Name, string? File, byte[] Content)[]> Parts =
        Gen.Select(Gen.Char["abcxyz_-0123"].Array[1, 10].Select(c => new string(c)),
            Gen.Frequency((1, Gen.Const((string?)null)), (1, Gen.Char["abc.tar-_ "].Array[1, 10].Select(c => (string?)new string(c)))),
            Content).Array[0, 5];

    private static byte[] Body((string Name, string? File, byte[] Content)[] parts)
    {
        var ms = new MemoryStream();
        void W(string s) => ms.Write(Encoding.ASCII.GetBytes(s));
        W("preamble\r\n");
        foreach ((string name, string? file, byte[] content) in parts)
        {
            W($"--{Boundary}\r\nContent-Disposition: form-data; name=\"{name}\"" + (file == null ? "" : $"; filename=\"{file}\"") + "\r\n\r\n");
            ms.Write(content);
            W("\r\n");
        }

        W($"--{Boundary}--\r\n");
        return ms.ToArray();
    }

    /// <summary>Hands out at most <c>step</c> bytes per read.</summary>
    private sealed class Trickle(byte[] data, int step) : MemoryStream(data)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(step, count));

        public override int Read(Span<byte> buffer) => base.Read(buffer[..Math.Min(step, buffer.Length)]);
    }

    private static List<(string, string?, byte[])> ReadAll(byte[] body, int step, int room)
    {
        var reader = new MultipartReader(new Trickle(body, step), Boundary);
        var parts = new List<(string, string?, byte[])>();
        byte[] buffer = new byte[room];
        while (reader.NextPart() is PartInfo info)
        {
            var content = new MemoryStream();
            int n;
            while ((n = reader.ReadContent(buffer)) > 0)
            {
                Assert.InRange(n, 1, room);
                content.Write(buffer, 0, n);
            }

            parts.Add((info.Name, info.FileName, content.ToArray()));
        }

        return parts;
    }

    [Fact]
    public void MultipartReader_WrittenBody_PartsBackInAnyReads()
    {
        Fuzz.Check(Gen.Select(Parts, Gen.Int[1, 80], Gen.Int[1, 100]), t =>
        {
            List<(string, string?, byte[])> parts = ReadAll(Body(t.Item1), t.Item2, t.Item3);
            Assert.Equal(t.Item1.Length, parts.Count);
            for (int i = 0; i < parts.Count; i++)
            {
                Assert.Equal(t.Item1[i].Name, parts[i].Item1);
                Assert.Equal(t.Item1[i].File, parts[i].Item2);
                Assert.Equal(t.Item1[i].Content, parts[i].Item3);
            }
        }, t => $"{Fuzz.Show(Body(t.Item1))} step {t.Item2} room {t.Item3}");
    }

    [Fact]
    public void MultipartReader_GeneratedBody_OnlyBadRequest()
    {
        Gen<byte[]> body = Gen.Frequency(
            (1, Fuzz.BytesOf("-\r\n :;=\"" + Boundary[..8] + "name", 200)),
            (3, Fuzz.Mutated(Parts.Select(Body))));
        Fuzz.Check(Gen.Select(body, Gen.Int[1, 80]), t =>
        {
            try
            {
                foreach ((string name, _, byte[] content) in ReadAll(t.Item1, t.Item2, 64))
                {
                    Assert.NotEmpty(name);
                    Assert.True(content.Length < t.Item1.Length);
                }
            }
            catch (ApiException e)
            {
                Assert.Equal(400, e.Status);
            }
        }, t => $"{Fuzz.Show(t.Item1)} step {t.Item2}");
    }

    [Fact]
    public void MultipartBoundary_AnyContentType_BoundaryOrBadRequest()
    {
        Gen<string> contentType = Gen.Frequency(
            (1, Text),
            (2, Text.Select(b => $"multipart/form-data; boundary={b}")),
            (1, Gen.Select(Text, Text, (a, b) => $"multipart/form-data; boundary=\"{a}\"; BOUNDARY={b}")));
        Fuzz.Check(contentType, ct =>
        {
            try
            {
                string boundary = MultipartReader.Boundary(ct);
                Assert.InRange(boundary.Length, 1, 70);
                Assert.DoesNotContain(boundary, c => c is < ' ' or > '~');
            }
            catch (ApiException e)
            {
                Assert.Equal(400, e.Status);
            }
        }, Fuzz.Show);
    }
}
