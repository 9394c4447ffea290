using Dockerman.StandIns.Rpcd;

namespace Dockerman.Tests.Support.Router;

/// <summary>What a <see cref="RouterStack"/> is started with. Everything has a router-like default.</summary>
public sealed class RouterStackOptions
{
    /// <summary>rpcd's ACL file for logged-out callers, as OpenWrt's rpcd package installs it: what lets
    /// the login page call <c>session.login</c> with the anonymous session.</summary>
    public const string UnauthenticatedAcl = """
        {
        	"unauthenticated": {
        		"description": "Access controls for unauthenticated requests",
        		"read": {
        			"ubus": {
        				"session": [ "access", "login" ]
        			}
        		}
        	}
        }
        """;

    /// <summary>The sections of rpcd's UCI file (<c>/etc/config/rpcd</c> as rpcd sees it).</summary>
    public List<RpcdLogin> Logins { get; } = [RpcdLogin.Admin, RpcdLogin.Viewer];

    /// <summary>
    /// rpcd's ACL folder, file name → JSON. By default rpcd's own <c>unauthenticated.json</c> and the
    /// package's <c>dockerman.json</c>. rpcd reads the folder at every login, so later changes apply
    /// to later logins.
    /// </summary>
    public Dictionary<string, string> AclFiles { get; } = new(StringComparer.Ordinal)
    {
        ["unauthenticated.json"] = UnauthenticatedAcl,
        ["dockerman.json"] = File.ReadAllText(Path.Combine(Paths.RepoRoot, "opkg", "files", "usr", "share", "rpcd", "acl.d", "dockerman.json")),
    };

    /// <summary>
    /// rpcd's exec plugin folder, plugin name → an executable the folder links to. rpcd lists the
    /// folder once, when it starts; its plugins run with rpcd's environment, which names the
    /// stack's config folder (DOCKERMAN_CONFIG_DIR).
    /// </summary>
    public Dictionary<string, string> ExecPlugins { get; } = new(StringComparer.Ordinal);

    /// <summary>uhttpd aliases, "PREFIX=PATH" (<c>list alias</c> in /etc/config/uhttpd, uhttpd's <c>-y</c>),
    /// served by the web server as uhttpd does: PREFIX and what follows it run PATH with the whole path as PATH_INFO.</summary>
    public List<string> Aliases { get; } = [];

    /// <summary>Adds, for each endpoint of the LuCI pages, the alias that hands its browser path to
    /// the program: <c>/cgi-bin/luci/admin/services/dockerman/&lt;endpoint&gt;=/cgi-bin/dockerman</c>.</summary>
    public RouterStackOptions WithPageAliases()
    {
        foreach ((string page, string _, Dockerman.Routing.Verbs _) in Dockerman.Routing.RouteTable.Pages)
        {
            Aliases.Add($"/cgi-bin/luci/admin/services/dockerman/{page}=/cgi-bin/dockerman");
        }

        return this;
    }

    /// <summary>The Docker daemon dockerman is to use: written as <c>hosts</c> in /etc/config/dockerd.</summary>
    public string? DockerHost { get; set; }

    /// <summary>Lines added to section <c>config dockerman 'main'</c> (each "\toption name 'value'").</summary>
    public List<string> DockermanOptions { get; } = [];

    /// <summary>What the web server serves as /cgi-bin/dockerman (a copy): the published binary unless set.</summary>
    public string? CgiProgram { get; set; }

    /// <summary>Whether the web server is started at all (the bus and rpcd always are).</summary>
    public bool WebServer { get; set; } = true;

    /// <summary>Requests the web server runs at once, the rest waiting (a router's uhttpd max_requests, <c>-n</c>).</summary>
    public int MaxRequests { get; set; } = 3;

    /// <summary>uhttpd's script_timeout, in /etc/config/uhttpd, where dockerman reads it.</summary>
    public int ScriptTimeout { get; set; } = 60;

    /// <summary>uhttpd's network_timeout: seconds of silence on a connection before the server drops it.</summary>
    public int NetworkTimeout { get; set; } = 30;

    /// <summary>rpcd's exec timeout (<c>-t</c>).</summary>
    public TimeSpan ExecTimeout { get; set; } = ExecLimits.DefaultTimeout;
}
