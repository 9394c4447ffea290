namespace Dockerman.Tests.Support.OpenWrt;

/// <summary>What an <see cref="OpenWrtStack"/> is started with. Everything has a router-like default.</summary>
public sealed class OpenWrtStackOptions
{
    /// <summary>The sections of rpcd's UCI file (<c>/etc/config/rpcd</c> as rpcd sees it).</summary>
    public List<RpcdLogin> Logins { get; } = [RpcdLogin.Admin, RpcdLogin.Viewer];

    /// <summary>
    /// rpcd's ACL folder, file name → JSON. By default rpcd's own <c>unauthenticated.json</c> (what
    /// lets the login page call <c>session.login</c>) and the package's <c>dockerman.json</c>.
    /// rpcd reads the folder at every login, so later changes apply to later logins.
    /// </summary>
    public Dictionary<string, string> AclFiles { get; } = new(StringComparer.Ordinal)
    {
        ["unauthenticated.json"] = File.ReadAllText(Path.Combine(OpenWrtStack.Prefix, "share", "rpcd", "unauthenticated.json")),
        ["dockerman.json"] = File.ReadAllText(Path.Combine(Paths.RepoRoot, "opkg", "files", "usr", "share", "rpcd", "acl.d", "dockerman.json")),
    };

    /// <summary>
    /// rpcd's exec plugin folder, plugin name → an executable the folder links to. rpcd lists the
    /// folder once, when it starts; its plugins run in rpcd's view of the files (the stack's
    /// /etc/config), with rpcd's environment.
    /// </summary>
    public Dictionary<string, string> ExecPlugins { get; } = new(StringComparer.Ordinal);

    /// <summary>uhttpd aliases, "PREFIX=PATH" (<c>-y</c>; <c>list alias</c> in /etc/config/uhttpd).</summary>
    public List<string> Aliases { get; } = [];

    /// <summary>Adds, for each endpoint of the LuCI pages, the alias that hands its browser path to
    /// the program: <c>/cgi-bin/luci/admin/services/dockerman/&lt;endpoint&gt;=/cgi-bin/dockerman</c>.</summary>
    public OpenWrtStackOptions WithPageAliases()
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

    /// <summary>What uhttpd serves as /cgi-bin/dockerman (a copy): the published binary unless set.</summary>
    public string? CgiProgram { get; set; }

    /// <summary>Whether uhttpd is started at all (ubusd and rpcd always are).</summary>
    public bool Uhttpd { get; set; } = true;

    /// <summary>uhttpd <c>-n</c>: scripts that run at once (a router's max_requests).</summary>
    public int MaxRequests { get; set; } = 3;

    /// <summary>uhttpd <c>-t</c>: seconds a script may print nothing.</summary>
    public int ScriptTimeout { get; set; } = 60;

    /// <summary>uhttpd <c>-T</c>: seconds of silence on a started reply.</summary>
    public int NetworkTimeout { get; set; } = 30;
}
