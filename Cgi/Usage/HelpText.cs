using System.Globalization;
using System.Text;
using Dockerman.Relay;

namespace Dockerman.Usage;

/// <summary><c>dockerman --help</c>.</summary>
internal static class HelpText
{
    public static string Text()
    {
        var sb = new StringBuilder();
        sb.Append("""
            dockerman — the Docker Engine API for LuCI, as a CGI program

            Usage:
              dockerman              answer one CGI request described by the environment
              dockerman --help       this text
              dockerman --routes     the routes: PATH_INFO /admin/docker/<route>, methods, the Docker call (Markdown)
              dockerman --limits     the size, count and time limits (Markdown)
              dockerman --exit-codes the exit statuses (Markdown)
              dockerman --page-endpoints  the LuCI pages' endpoints, one a line (for uhttpd aliases)
              dockerman --version    the version
              <object> list | <object> call <method>
                                     as rpcd's exec plugin, run through a link named after a ubus object
                                     (docker, docker.container, docker.exec, docker.image, docker.network,
                                     docker.volume, docker.swarm, docker.node, docker.service, docker.task,
                                     docker.secret, docker.config): JSON arguments on stdin,
                                     {code, headers, body} on stdout

            By hand (no web server: no credentials needed, the socket's permissions are the gate):
              REQUEST_METHOD=GET PATH_INFO=/admin/docker/container/list dockerman
              REQUEST_METHOD=GET PATH_INFO=/admin/docker/container/logs/web QUERY_STRING='stdout=1&stderr=1&tail=20&format=text' dockerman
              REQUEST_METHOD=POST PATH_INFO=/admin/docker/container/create QUERY_STRING=name=web \
                CONTENT_TYPE=application/json dockerman < create.json

            Environment: REQUEST_METHOD, PATH_INFO, QUERY_STRING, CONTENT_TYPE, CONTENT_LENGTH,
            HTTP_AUTHORIZATION, HTTP_COOKIE, GATEWAY_INTERFACE (set by a web server: then
            credentials are required), DOCKER_HOST, DOCKER_API_VERSION, DOCKER_TLS_VERIFY,
            DOCKER_CERT_PATH (ca.pem, cert.pem, key.pem for a TLS daemon), DOCKERMAN_CONFIG_DIR
            (instead of /etc/config for the UCI files 'dockerman' and 'dockerd').

            Exit status:

            """);
        foreach ((int code, string meaning) in ExitCodes.Described)
        {
            sb.Append("  ").Append(code.ToString(CultureInfo.InvariantCulture)).Append("  ").Append(meaning.Replace("`", "", StringComparison.Ordinal)).Append('\n');
        }

        return sb.ToString();
    }
}
