namespace Dockerman.StandIns.Rpcd;

/// <summary>
/// Where rpcd finds what it reads: the folder holding its UCI file <c>rpcd</c> (a router's
/// <c>/etc/config</c>), its ACL folder (<c>/usr/share/rpcd/acl.d</c>) and its exec plugin folder
/// (<c>/usr/libexec/rpcd</c>).
/// </summary>
internal sealed record RpcdFolders(string Config, string Acl, string Plugins);
