using Dockerman.CgiIo;
using Dockerman.Config;
using Dockerman.Hosting;
using Dockerman.Routing;

namespace Dockerman.Auth;

/// <summary>Decides whether a caller may use a route. Refusals are <see cref="ApiException"/>s.</summary>
internal interface IAuthProvider
{
    void Check(CgiRequest request, Route route);
}

/// <summary>
/// Under a web server nothing is served without credentials: the configured provider must
/// accept the caller. From a shell (no GATEWAY_INTERFACE) the right to open the daemon's socket
/// is the gate, as with the docker CLI.
/// </summary>
internal static class Authenticator
{
    public static void Check(ProcessEnv env, CgiRequest request, Route route, Settings settings)
    {
        if (!request.UnderWebServer)
        {
            return;
        }

        IAuthProvider provider = settings.Auth switch
        {
            AuthMode.Token => new TokenAuthProvider(settings.TokenFile, env.Stderr),
            _ => new LuciSessionProvider(settings.UbusSocket, settings.AclGroup, env.Milliseconds, env.Stderr),
        };
        provider.Check(request, route);
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
