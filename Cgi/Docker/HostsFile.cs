using System.Net;

namespace Dockerman.Docker;

/// <summary>
/// Host names for a TCP daemon endpoint, from /etc/hosts only. The binary is static: glibc's
/// resolver would need NSS modules that a router (musl, or an empty chroot) does not have, so
/// DNS is not used at all; give an IP address or a name listed in /etc/hosts.
/// </summary>
internal static class HostsFile
{
    private const string Path = "/etc/hosts";

    public static IPAddress? Lookup(string name)
    {
        if (name == "localhost")
        {
            return IPAddress.Loopback;
        }

        try
        {
            foreach (string raw in File.ReadLines(Path))
            {
                string line = raw.Split('#')[0];
                string[] fields = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length < 2 || !IPAddress.TryParse(fields[0], out IPAddress? address))
                {
                    continue;
                }

                for (int i = 1; i < fields.Length; i++)
                {
                    if (string.Equals(fields[i], name, StringComparison.OrdinalIgnoreCase))
                    {
                        return address;
                    }
                }
            }
        }
        catch (IOException)
        {
        }

        return null;
    }
}
