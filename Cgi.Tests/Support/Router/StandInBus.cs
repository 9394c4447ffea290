using System.Text;
using Dockerman.StandIns;
using Dockerman.Tests.Support.OpenWrt;
using Md5Crypt = Dockerman.StandIns.Rpcd.Md5Crypt;
using RpcdFolders = Dockerman.StandIns.Rpcd.RpcdFolders;

namespace Dockerman.Tests.Support.Router;

/// <summary>
/// The router's bus with the project's stand-ins, hosted in the test process: ubusd on a socket of
/// its own and rpcd's session object on it, with the package's own ACL file
/// (opkg/files/usr/share/rpcd/acl.d) and the read-write and read-only logins of
/// <see cref="RpcdLogin"/>, passwords stored as MD5-crypt as on a router. dockerman reaches it
/// through <c>option ubus_socket</c> of <see cref="ConfigDir"/>.
/// </summary>
public sealed class StandInBus : IDisposable
{
    private readonly StandInHost _host;

    public StandInBus(string? dockerHost = null)
    {
        Dir = Paths.TempDir("sbus");
        string acl = Path.Combine(Dir, "acl.d");
        string plugins = Path.Combine(Dir, "plugins");
        Directory.CreateDirectory(ConfigDir);
        Directory.CreateDirectory(acl);
        Directory.CreateDirectory(plugins);
        Directory.CreateDirectory(JobsDir);
        File.Copy(Path.Combine(Paths.RepoRoot, "opkg", "files", "usr", "share", "rpcd", "acl.d", "dockerman.json"),
            Path.Combine(acl, "dockerman.json"));
        File.WriteAllText(Path.Combine(ConfigDir, "rpcd"), RpcdConfig([RpcdLogin.Admin, RpcdLogin.Viewer]));
        File.WriteAllText(Path.Combine(ConfigDir, "dockerman"),
            $"config dockerman 'main'\n\toption ubus_socket '{UbusSocket}'\n\toption jobs_dir '{JobsDir}'\n");
        if (dockerHost != null)
        {
            File.WriteAllText(Path.Combine(ConfigDir, "dockerd"), $"config globals 'globals'\n\tlist hosts '{dockerHost}'\n");
        }

        var options = new StandInOptions(UbusSocket, new RpcdFolders(ConfigDir, acl, plugins));
        _host = StandInHost.StartAsync(options, CancellationToken.None).GetAwaiter().GetResult();
    }

    public string Dir { get; }

    /// <summary>rpcd's /etc/config and dockerman's settings folder (DOCKERMAN_CONFIG_DIR) in one.</summary>
    public string ConfigDir => Path.Combine(Dir, "config");

    public string JobsDir => Path.Combine(Dir, "jobs");

    public string UbusSocket => Path.Combine(Dir, "ubus.sock");

    /// <summary>Ends a session as its expiry or a logout does: rpcd no longer knows it.</summary>
    public bool Destroy(string sid) => _host.Rpcd.Sessions.Remove(sid);

    /// <summary>Whether rpcd knows the session (and may the ACL group be written with it).</summary>
    public bool Knows(string sid) => _host.Rpcd.Sessions.Use(sid) != null;

    public string Log => _host.Log.ToString();

    private static string RpcdConfig(IEnumerable<RpcdLogin> logins)
    {
        var text = new StringBuilder();
        foreach (RpcdLogin login in logins)
        {
            text.Append("config login\n");
            text.Append($"\toption username '{login.Username}'\n");
            text.Append($"\toption password '{Md5Crypt.Hash(login.Password, "dmsalt01")}'\n");
            login.Read.ToList().ForEach(g => text.Append($"\tlist read '{g}'\n"));
            login.Write.ToList().ForEach(g => text.Append($"\tlist write '{g}'\n"));
            text.Append('\n');
        }

        return text.ToString();
    }

    public void Dispose()
    {
        _host.Dispose();
        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
