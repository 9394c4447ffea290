using Dockerman.Routing;

namespace Dockerman.Rpc;

/// <summary>One method of an rpcd object and the route it stands for.</summary>
/// <param name="IdArg">The argument that carries the route's id or image, when the route takes one.</param>
/// <param name="BodyArg">The argument that carries the request body, when the route takes one.</param>
/// <param name="Extra">Arguments passed on as query values of dockerman's own (ttyd's options), as "name" or "name:int".</param>
internal sealed record RpcMethod(string Object, string Name, Route Route, string? IdArg, string? BodyArg, string[] Extra);

/// <summary>
/// The ubus objects dockerman serves as an rpcd plugin, made from the route table: the core routes
/// are methods of <c>docker</c>, a route <c>container/list</c> is method <c>list</c> of
/// <c>docker.container</c>, and so on. The arguments are those of luci-app-dockerman's rpcd plugin:
/// <c>id</c>, <c>query</c> (the route's query parameters), a body, <c>headers</c> (X-Registry-Auth).
/// Only where the pages name an argument otherwise does a route appear below.
/// </summary>
internal static class RpcMethods
{
    public const string CoreObject = "docker";

    /// <summary>The objects, one link each in rpcd's plugin folder.</summary>
    public static readonly string[] Objects =
        [CoreObject, "docker.container", "docker.exec", "docker.image", "docker.network", "docker.volume",
         "docker.swarm", "docker.node", "docker.service", "docker.task", "docker.secret", "docker.config"];

    /// <summary>Every method of every object. Built on first use, not with <see cref="Objects"/>:
    /// a CGI request asks only whether its program name is an object, and building the table
    /// was a fifth of the instructions of a small request.</summary>
    public static RpcMethod[] All => Table.All;

    /// <summary>The object a program name stands for, or null when the program runs under another name.</summary>
    public static string? ObjectNamed(string? programName) =>
        programName != null && Array.IndexOf(Objects, programName) >= 0 ? programName : null;

    public static IEnumerable<RpcMethod> Of(string obj) => All.Where(m => m.Object == obj);

    public static RpcMethod? Find(string obj, string method) => Array.Find(All, m => m.Object == obj && m.Name == method);

    private static class Table
    {
        /// <summary>Argument names other than <c>id</c> and <c>body</c>, keyed by the route's path.</summary>
        private static readonly Dictionary<string, (string? Id, string? Body, string[] Extra)> Names = new(StringComparer.Ordinal)
        {
            ["image/push"] = ("name", null, []),
            ["container/exec"] = (null, "opts", []),
            ["volume/create"] = (null, "opts", []),
            ["volume/update"] = (null, "spec", []),
            ["container/ttyd_start"] = (null, null, ["cmd", "port:int", "uid"]),
        };

        public static readonly RpcMethod[] All = Build();

        private static RpcMethod[] Build()
        {
            var methods = new List<RpcMethod>();
            foreach (Route route in RouteTable.Routes)
            {
                int slash = route.Path.IndexOf('/', StringComparison.Ordinal);
                string obj = slash < 0 ? CoreObject : CoreObject + "." + route.Path[..slash];
                if (Array.IndexOf(Objects, obj) < 0)
                {
                    continue; // job/…: followed over HTTP, where the reply that started a job names it
                }

                Names.TryGetValue(route.Path, out (string? Id, string? Body, string[] Extra) names);
                methods.Add(new RpcMethod(obj, route.Path[(slash + 1)..], route,
                    route.Id == IdKind.None ? null : names.Id ?? "id",
                    route.Body == BodyKind.None ? null : names.Body ?? "body",
                    names.Extra ?? []));
            }

            return [.. methods];
        }
    }
}
