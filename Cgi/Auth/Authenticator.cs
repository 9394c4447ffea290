using Dockerman.CgiIo;
using Dockerman.Config;
using Dockerman.Hosting;
using Dockerman.Routing;

namespace Dockerman.Auth;

/// <summary>What a caller was found to hold: <see cref="Write"/> includes reading.</summary>
internal enum Access
{
    Read,
    Write,
}

/// <summary>Decides whether a caller may use a route. Refusals are <see cref="ApiException"/>s.</summary>
internal interface IAuthProvider
{
    /// <summary>Throws when the caller may not use the route; else the right it holds. <see cref="Access.Read"/>
    /// may stand for "not asked" unless the route has a <see cref="Route.WriterOnlyField"/>.</summary>
    Access Check(CgiRequest request, Route route);
}

/// <summary>
/// Under a web server nothing is served without credentials: the configured provider must
/// accept the caller, except on the one route that hands out credentials (session/login), which
/// rpcd's password check gates instead. From a shell (no GATEWAY_INTERFACE) the right to open the
/// daemon's socket is the gate, as with the docker CLI.
/// </summary>
internal static class Authenticator
{
    public static Access Check(ProcessEnv env, CgiRequest request, Route route, Settings settings)
    {
        if (!request.UnderWebServer)
        {
            return Access.Write;
        }

        if (route.Anonymous)
        {
            return Access.Read;
        }

        IAuthProvider provider = settings.Auth switch
        {
            AuthMode.Token => new TokenAuthProvider(settings.TokenFile, env.Stderr),
            _ => new LuciSessionProvider(settings.UbusSocket, settings.AclGroup, env.Milliseconds, env.Stderr),
        };
        return provider.Check(request, route);
    }

    /// <summary>Extracts the bearer credential from an Authorization header, or null.</summary>
    public static string? Bearer(string? authorization)
    {
        const string Scheme = "Bearer ";
        return authorization != null && authorization.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase)
            ? authorization[Scheme.Length..].Trim()
            : null;
    }
}
