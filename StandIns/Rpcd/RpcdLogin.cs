namespace Dockerman.StandIns.Rpcd;

/// <summary>
/// One <c>config login</c> of rpcd's UCI file (<c>/etc/config/rpcd</c>): <c>username</c>,
/// <c>password</c> (a crypt hash such as <c>openssl passwd -1</c> makes) and the patterns of the
/// access groups it may read and write (<c>list read '*'</c>). rpcd reads the file at every login.
/// </summary>
internal sealed record RpcdLogin(string Username, string Password, IReadOnlyList<string> Read, IReadOnlyList<string> Write)
{
    public static RpcdLogin? Find(string configDir, string username)
    {
        foreach (UciSection s in UciFile.Read(Path.Combine(configDir, "rpcd")))
        {
            if (s.Type == "login" && s.Option("username") == username && s.Option("password") is string password)
            {
                return new RpcdLogin(username, password, s.List("read"), s.List("write"));
            }
        }

        return null;
    }

    public bool MayRead(string group) => Read.Any(p => AclPattern.Matches(p, group));

    public bool MayWrite(string group) => Write.Any(p => AclPattern.Matches(p, group));
}
