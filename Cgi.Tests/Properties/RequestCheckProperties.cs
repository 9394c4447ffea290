using System.Text;
using CsCheck;
using Dockerman.CgiIo;
using Dockerman.Routing;
using Xunit;

namespace Dockerman.Tests.Properties;

/// <summary>The checks a request passes before the daemon is asked: JSON bodies, ids and image
/// references, query parameters. Each answers yes or no (or a 400), whatever it is given.</summary>
public sealed class RequestCheckProperties
{
    /// <summary>JSON text as the reader sees it: mostly structure, some junk.</summary>
    private static readonly Gen<byte[]> JsonLike = Gen.Frequency(
        (1, Gen.Byte.Array[0, 100]),
        (4, Gen.Frequency(
                (8, Gen.OneOf("{", "}", "[", "]", ",", ":", "\"a\"", "\"\\u00e9\"", "\"\\ud800\"", "1", "-0.5e3", "true", "null", " ", "\"")),
                (1, Gen.Byte.Select(b => Encoding.Latin1.GetString([b]))))
            .Array[0, 80].Select(s => Encoding.Latin1.GetBytes(string.Concat(s)))));

    [Fact]
    public void JsonCheck_AnyBytes_AnswersWithoutThrowing()
    {
        Fuzz.Check(Gen.Select(JsonLike, Gen.Bool), t =>
        {
            bool ok = JsonCheck.IsWellFormed(t.Item1, t.Item2, out string? problem);
            Assert.Equal(ok, problem == null);
            if (ok && t.Item2)
            {
                Assert.Equal((byte)'{', t.Item1.First(b => b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')));
            }
        }, t => Fuzz.Show(t.Item1));
    }

    /// <summary>Objects written by Utf8JsonWriter, nested up to the limit and one past it.</summary>
    [Fact]
    public void JsonCheck_WrittenObject_WellFormedWithinDepth()
    {
        Fuzz.Check(Gen.Select(Gen.Int[1, Http.Limits.MaxJsonDepth + 2], Gen.Char["ab\"\\é\u0001"].Array[0, 10]), t =>
        {
            (int depth, char[] key) = t;
            var ms = new MemoryStream();
            using (var w = new System.Text.Json.Utf8JsonWriter(ms, new System.Text.Json.JsonWriterOptions { SkipValidation = true }))
            {
                for (int i = 0; i < depth; i++)
                {
                    w.WriteStartObject();
                    if (i < depth - 1)
                    {
                        w.WritePropertyName(new string(key));
                    }
                }

                for (int i = 0; i < depth; i++)
                {
                    w.WriteEndObject();
                }
            }

            bool ok = JsonCheck.IsWellFormed(ms.ToArray(), true, out string? problem);
            Assert.Equal(depth <= Http.Limits.MaxJsonDepth, ok);
            Assert.Equal(ok, problem == null);
        });
    }

    private static readonly Gen<string> Component = Gen.Char["abcz019"].Array[1, 6].Select(c => new string(c));

    /// <summary>References by the distribution grammar: [domain[:port]/]path[:tag][@digest].</summary>
    private static readonly Gen<string> Reference = Gen.Select(
        Gen.Frequency((1, Gen.Const("")), (1, Gen.Select(Component, Gen.Int[1, 65535], (d, p) => $"{d}.example:{p}/")), (1, Gen.Const("localhost/"))),
        Gen.Select(Component, Gen.OneOf(".", "_", "__", "-", "--"), Component, (a, s, b) => a + s + b).Array[1, 3].Select(c => string.Join('/', c)),
        Gen.Frequency((1, Gen.Const("")), (1, Gen.Char["abcXYZ019_.-"].Array[0, 20].Select(c => ":t" + new string(c)))),
        Gen.Frequency((2, Gen.Const("")), (1, Gen.Char["0123456789abcdef"].Array[64].Select(c => "@sha256:" + new string(c)))),
        (d, p, t, g) => d + p + t + g);

    [Fact]
    public void Identifiers_GrammarReference_Accepted()
    {
        Fuzz.Check(Reference, r => Assert.True(Identifiers.IsImageReference(r), r));
    }

    private static readonly Gen<string> IdLike = Gen.Frequency(
        (1, Gen.Char.Array[0, 30].Select(c => new string(c))),
        (3, Gen.Char["abcABC019_.-/:@+ %\u00e9\0"].Array[0, 40].Select(c => new string(c))),
        (2, Fuzz.Mutated(Reference.Select(Encoding.Latin1.GetBytes)).Select(Encoding.Latin1.GetString)),
        (1, Gen.Char['a', 'f'].Array[500, 600].Select(c => new string(c))));

    [Fact]
    public void Identifiers_AnyText_AcceptedOnlyWhenSafe()
    {
        Fuzz.Check(Gen.Select(IdLike, Gen.OneOf(IdKind.Single, IdKind.Exec, IdKind.Job, IdKind.Image)), t =>
        {
            (string id, IdKind kind) = t;
            try
            {
                Identifiers.Check(kind, id);
                // Whatever passes is safe in one path segment of the daemon's URL (or, for images,
                // in a path where '/' separates components): no dot segment, control, space or escape.
                Assert.InRange(id.Length, 1, Http.Limits.MaxIdBytes);
                Assert.DoesNotContain(id, c => c is < '!' or > '~' or '%' or '?' or '#');
                Assert.DoesNotContain(id.Split('/'), segment => segment is "" or "." or "..");
                Assert.False(id.StartsWith('.') || id.StartsWith('-'), id);
                if (kind != IdKind.Image)
                {
                    Assert.DoesNotContain('/', id);
                }
            }
            catch (ApiException e)
            {
                Assert.Equal(400, e.Status);
            }
        }, t => $"{t.Item2} {Fuzz.Show(t.Item1)}");
    }

    private static readonly string[] Types = ["bool", "int", "uint", "tail", "time", "signal", "name", "image", "json", "filters", "path", "text"];

    private static readonly Gen<string> ValueLike = Gen.Frequency(
        (2, IdLike),
        (1, JsonLike.Select(Encoding.Latin1.GetString)),
        (1, Gen.OneOf("{\"label\":[\"a=b\"]}", "{\"label\":{\"a\":true}}", "{\"a\":[1]}", "[]", "SIGRTMIN+3", "SIGRTMAX-99", "99999999999999999999", "-0", "all")));

    [Fact]
    public void QueryParameters_AnyValueOfAnyType_AnswersWithoutThrowing()
    {
        Fuzz.Check(Gen.Select(Gen.OneOf(Types), ValueLike), t =>
        {
            if (QueryParameters.IsValid(t.Item1, t.Item2))
            {
                Assert.DoesNotContain(t.Item2, c => c is '\0' or '\r' or '\n');
            }
        }, t => $"{t.Item1} {Fuzz.Show(t.Item2)}");
    }

    [Fact]
    public void QueryParameters_AnyQueryOnAnyRoute_EncodedOrBadRequest()
    {
        Gen<Route> route = Gen.OneOf(RouteTable.All);
        Gen<string> name = Gen.Frequency((3, route.SelectMany(r => Gen.OneOf(Names(r)))), (1, Gen.Char["abcfilters"].Array[0, 8].Select(c => new string(c))));
        Fuzz.Check(Gen.Select(route, Gen.Select(name, ValueLike).Array[0, 6]), t =>
        {
            (Route r, (string, string)[] pairs) = t;
            try
            {
                string query = QueryParameters.Build(r, pairs.Select(p => new KeyValuePair<string, string>(p.Item1, p.Item2)).ToList());
                Assert.True(Ascii.IsValid(query));
                Assert.DoesNotContain(query, c => c is < '!' or > '~' or '#');
            }
            catch (ApiException e)
            {
                Assert.Equal(400, e.Status);
            }
        }, t => $"{t.Item1.Path} " + string.Join("&", t.Item2.Select(p => $"{p.Item1}={Fuzz.Show(p.Item2)}")));
    }

    private static string[] Names(Route r)
    {
        string[] words = r.Params.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(w => w.Split(':')[0]).ToArray();
        return words.Length == 0 ? ["x"] : words;
    }
}
