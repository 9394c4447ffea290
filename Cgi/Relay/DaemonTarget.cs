using System.Text;
using Dockerman.CgiIo;
using Dockerman.Routing;

namespace Dockerman.Relay;

/// <summary>What the daemon is asked for: the route's Docker path with the id encoded into it,
/// and the checked, encoded query.</summary>
internal static class DaemonTarget
{
    public static string Of(Route route, string? id, List<KeyValuePair<string, string>> query)
    {
        var sb = new StringBuilder(128);
        string template = id == null && route.DockerPathWithoutId != null ? route.DockerPathWithoutId : route.DockerPath;
        int slot = template.IndexOf("{id}", StringComparison.Ordinal);
        if (slot < 0)
        {
            sb.Append(template);
        }
        else
        {
            sb.Append(template, 0, slot);
            UrlEncoding.Append(sb, id!, route.Id is IdKind.Image or IdKind.OptionalImage ? "/:@" : "");
            sb.Append(template, slot + 4, template.Length - slot - 4);
        }

        string q = QueryParameters.Build(route, query);
        if (q.Length > 0)
        {
            sb.Append('?').Append(q);
        }

        return sb.ToString();
    }
}
