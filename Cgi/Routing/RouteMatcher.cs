using Dockerman.CgiIo;

namespace Dockerman.Routing;

/// <summary>A matched route with the id that followed its path, if any.</summary>
internal readonly record struct RouteMatch(Route Route, string? Id);

/// <summary>Matches PATH_INFO and the method against the route table, once.</summary>
internal static class RouteMatcher
{
    public const string Prefix = "/admin/docker/";

    /// <summary>
    /// Where the LuCI pages' endpoints are (RouteTable.Pages only): the path the browser asks for,
    /// which a uhttpd alias hands on whole as PATH_INFO, and the same without LuCI's script name.
    /// </summary>
    public static readonly string[] PagePrefixes = ["/cgi-bin/luci/admin/services/dockerman/", "/admin/services/dockerman/"];

    /// <summary>The route for the request, or an <see cref="ApiException"/>: 404 for a path not in
    /// the table, 405 (with Allow) for a method the route does not take, 400 for a missing or bad id.
    /// A container id or name may end in one '/' (the pages write <c>container/archive/get/&lt;id&gt;/?path=…</c>);
    /// an image reference may not (<c>a/</c> is no reference).</summary>
    public static RouteMatch Match(string method, string pathInfo)
    {
        bool pagesOnly = false;
        string rest;
        if (pathInfo.StartsWith(Prefix, StringComparison.Ordinal))
        {
            rest = pathInfo[Prefix.Length..];
        }
        else if (Array.Find(PagePrefixes, p => pathInfo.StartsWith(p, StringComparison.Ordinal)) is { } page)
        {
            rest = pathInfo[page.Length..];
            pagesOnly = true;
        }
        else
        {
            throw NotFound(pathInfo);
        }

        foreach (Route route in RouteTable.All)
        {
            if (pagesOnly && !route.Page)
            {
                continue;
            }

            string? id;
            if (rest.Length == route.Path.Length && rest == route.Path)
            {
                id = null;
            }
            else if (route.Id != IdKind.None && rest.Length > route.Path.Length + 1 &&
                     rest.StartsWith(route.Path, StringComparison.Ordinal) && rest[route.Path.Length] == '/')
            {
                id = rest[(route.Path.Length + 1)..];
                if (route.Id == IdKind.Single && id.Length > 1 && id[^1] == '/')
                {
                    id = id[..^1];
                }

                if (route.Id is IdKind.Single or IdKind.Exec or IdKind.Job && id.Contains('/', StringComparison.Ordinal))
                {
                    continue;
                }
            }
            else
            {
                continue;
            }

            CheckMethod(route, method);
            if (id == null && route.Id is IdKind.Single or IdKind.Exec or IdKind.Job or IdKind.Image)
            {
                throw ApiException.BadRequest($"{route.Path}: the path needs an id or name after '{route.Path}/'");
            }

            if (id != null)
            {
                Identifiers.Check(route.Id, id);
            }

            return new RouteMatch(route, id);
        }

        throw NotFound(pathInfo);
    }

    private static void CheckMethod(Route route, string method)
    {
        foreach ((Verbs verb, string name) in Route.VerbNames)
        {
            if (name == method)
            {
                if ((route.Verbs & verb) != 0)
                {
                    return;
                }

                break;
            }
        }

        throw new ApiException(405, $"{route.Path} does not take {Printable(method)}", route.AllowHeader);
    }

    private static ApiException NotFound(string path) => new(404, $"no such route: {Printable(path)}");

    /// <summary>Echoes client input in messages only as short printable ASCII.</summary>
    public static string Printable(string s)
    {
        var chars = new char[Math.Min(s.Length, 200)];
        for (int i = 0; i < chars.Length; i++)
        {
            chars[i] = s[i] is >= ' ' and < (char)0x7f ? s[i] : '?';
        }

        return new string(chars) + (s.Length > 200 ? "…" : "");
    }
}
