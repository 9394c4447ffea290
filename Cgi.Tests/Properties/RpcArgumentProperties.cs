using System.Text;
using System.Text.Json;
using CsCheck;
using Dockerman.CgiIo;
using Dockerman.Rpc;
using Xunit;

namespace Dockerman.Tests.Properties;

/// <summary>The rpc argument reader under generated calls: any JSON object of arguments for any
/// plugin method becomes the CGI request for its route or an <see cref="ApiException"/>, and string
/// query values reach the route's query string as they were given.</summary>
public sealed class RpcArgumentProperties
{
    private static readonly Gen<string> Text = Gen.Frequency(
            (4, Gen.Char["abc/:@%&=+ ?#\"\\\u00e9"]),
            (1, Gen.Char[(char)0, (char)0x7f]),
            (1, Gen.Char[(char)0xa0, (char)0xd7ff]))
        .Array[0, 12].Select(c => new string(c));

    private static readonly Gen<RpcMethod> Method = Gen.Int[0, RpcMethods.All.Length - 1].Select(i => RpcMethods.All[i]);

    private static string Quote(string s) => "\"" + JsonEncodedText.Encode(s, System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping) + "\"";

    /// <summary>A JSON value of any kind, objects and arrays a level or two deep.</summary>
    private static readonly Gen<string> Scalar = Gen.OneOf(
        Text.Select(Quote), Gen.Int.Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        Gen.Const("true"), Gen.Const("false"), Gen.Const("null"), Gen.Const("-0.5e3"), Gen.Const("\"\""));

    private static Gen<string> Value(Gen<string> names) => Gen.Frequency(
        (4, Scalar),
        (1, Scalar.Array[0, 4].Select(a => "[" + string.Join(",", a) + "]")),
        (1, Gen.Select(names, Scalar).Array[0, 4].Select(Object)));

    private static string Object((string Name, string Value)[] members) =>
        "{" + string.Join(",", members.Select(m => Quote(m.Name) + ":" + m.Value)) + "}";

    private static readonly Gen<string> ArgName = Gen.Frequency(
        (6, Gen.OneOf("id", "name", "query", "body", "opts", "spec", "headers", "cmd", "port", "uid", "ubus_rpc_session")),
        (1, Text));

    /// <summary>A method and its arguments: the names the plugins use, values of any shape; a query
    /// object's members named after the route's parameters, mostly.</summary>
    private static readonly Gen<(RpcMethod Method, string Args)> Call = Method.SelectMany(m =>
    {
        string[] parameters = [.. m.Route.Params.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split(':')[0]), "X-Registry-Auth"];
        Gen<string> paramName = Gen.Frequency((4, Gen.Int[0, parameters.Length - 1].Select(i => parameters[i])), (1, Text));
        Gen<string> arg = ArgName.SelectMany(name => (name == "query" || name == "headers"
                ? Gen.Frequency((5, Gen.Select(paramName, Value(paramName)).Array[0, 6].Select(Object)), (1, Value(paramName)))
                : Value(paramName))
            .Select(v => Quote(name) + ":" + v));
        return arg.Array[0, 6].Select(a => (m, "{" + string.Join(",", a) + "}"));
    });

    [Fact]
    public void RpcRequest_AnyArguments_TheRoutesRequestOrAnApiError()
    {
        Fuzz.Check(Call, c =>
        {
            byte[] json = Encoding.UTF8.GetBytes(c.Args);
            Assert.True(Routing.JsonCheck.IsWellFormed(json, requireObject: true, out string? problem), problem);
            RpcRequest request;
            try
            {
                request = RpcRequest.From(c.Method, JsonMembers.Of(json));
            }
            catch (ApiException e)
            {
                Assert.InRange(e.Status, 400, 499);
                return;
            }

            Assert.StartsWith("/admin/docker/" + c.Method.Route.Path, request.PathInfo, StringComparison.Ordinal);
            Assert.True(request.ContentType == null || c.Method.BodyArg != null, "a body for a route that takes none");
            Assert.Equal(request.ContentType == null ? 0 : request.Body.Length, request.Body.Length);
            // The query is encoded so that the CGI side decodes it back, whatever went in.
            Assert.Equal(request.Query.Length > 0 ? request.Query.Count(ch => ch == '&') + 1 : 0,
                UrlEncoding.ParseQuery(request.Query, "query").Count);
        }, c => $"{c.Method.Object} {c.Method.Name} {c.Args}");
    }

    [Fact]
    public void RpcRequest_StringQueryValues_ReachTheQueryAsGiven()
    {
        Gen<(RpcMethod, (string, string)[])> gen = Method.Where(m => m.Route.Params.Length > 0).SelectMany(m =>
        {
            string[] names = [.. m.Route.Params.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split(':')[0])];
            return Gen.Select(Gen.Int[0, names.Length - 1].Select(i => names[i]), Text.Where(t => t.Length > 0))
                .Array[1, 4].Select(pairs => (m, pairs.DistinctBy(p => p.Item1).ToArray()));
        });
        Fuzz.Check(gen, c =>
        {
            (RpcMethod method, (string Name, string Value)[] pairs) = c;
            string id = method.IdArg == null ? "" : Quote(method.IdArg) + ":\"web\",";
            string args = "{" + id + "\"query\":" + Object([.. pairs.Select(p => (p.Name, Quote(p.Value)))]) + "}";
            RpcRequest request;
            try
            {
                request = RpcRequest.From(method, JsonMembers.Of(Encoding.UTF8.GetBytes(args)));
            }
            catch (ApiException e) when (e.Status == 415)
            {
                return; // an upload route asked to take its archive over ubus
            }

            List<KeyValuePair<string, string>> query = UrlEncoding.ParseQuery(request.Query, "query");
            foreach ((string name, string value) in pairs)
            {
                Assert.Contains(new KeyValuePair<string, string>(name, value), query);
            }
        }, c => $"{c.Item1.Object} {c.Item1.Name} {string.Join(" ", c.Item2.Select(p => p.Item1 + "=" + Fuzz.Show(Encoding.UTF8.GetBytes(p.Item2))))}");
    }
}
