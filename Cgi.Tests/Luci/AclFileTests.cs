using System.Text.Json;
using Dockerman.Tests.Support;
using Dockerman.Tests.Support.Router;
using Xunit;

namespace Dockerman.Tests.Luci;

/// <summary>
/// The package's rpcd ACL file on rpcd (the stand-in, which reads ACL files as rpcd does): it
/// defines the pages' group, grants every docker call the pages make and nothing beyond the docker
/// objects and uci dockerd, and two files defining the same group combine.
/// </summary>
public sealed class AclFileTests
{
    private static readonly string OurAclFile = Path.Combine(Paths.RepoRoot, "opkg", "files", "usr", "share", "rpcd", "acl.d", "dockerman.json");

    /// <summary>A second file for the same group, as the LuCI app installs one beside ours: the grants
    /// for LuCI's own objects the pages call (<see cref="PageFacts.RpcCalls"/>), and uci dockerd.</summary>
    private static readonly string AppAclFile = """
        {
        	"luci-app-dockerman": {
        		"description": "Grant access to the Docker pages' own calls",
        		"read": {
        			"ubus": { "luci": [ "getMountPoints" ], "rc": [ "init" ] },
        			"uci": [ "dockerd" ]
        		},
        		"write": { "uci": [ "dockerd" ] }
        	}
        }
        """;

    private static bool Access(RouterStack stack, LuciSession s, string scope, string obj, string function) =>
        stack.Access(s, scope, obj, function);

    [Fact]
    public void PackageFile_OnRpcd_GrantsTheGroupToTheLoginsThatListIt()
    {
        using var stack = new RouterStack();
        LuciSession viewer = stack.LoginViewer();
        LuciSession admin = stack.LoginAdmin();

        Assert.True(Access(stack, viewer, "access-group", "luci-app-dockerman", "read"));
        Assert.False(Access(stack, viewer, "access-group", "luci-app-dockerman", "write"));
        Assert.True(Access(stack, admin, "access-group", "luci-app-dockerman", "write"));
        Assert.True(Access(stack, viewer, "uci", "dockerd", "read"));
        Assert.False(Access(stack, viewer, "uci", "dockerman", "read"));
    }

    /// <summary>(permission, scope, object, function) of one group in an ACL file; a scope given as a
    /// list of objects (uci) grants each object every function.</summary>
    private static HashSet<string> Grants(string json, string group)
    {
        var grants = new HashSet<string>(StringComparer.Ordinal);
        using JsonDocument doc = JsonDocument.Parse(json);
        foreach (JsonProperty perm in doc.RootElement.GetProperty(group).EnumerateObject().Where(p => p.Name is "read" or "write"))
        {
            foreach (JsonProperty scope in perm.Value.EnumerateObject())
            {
                if (scope.Value.ValueKind == JsonValueKind.Array)
                {
                    foreach (JsonElement obj in scope.Value.EnumerateArray())
                    {
                        grants.Add($"{perm.Name} {scope.Name} {obj.GetString()} *");
                    }

                    continue;
                }

                if (scope.Value.ValueKind != JsonValueKind.Object)
                {
                    continue; // a comment ("file_comment": "…"): rpcd skips it
                }

                foreach (JsonProperty obj in scope.Value.EnumerateObject())
                {
                    foreach (JsonElement function in obj.Value.EnumerateArray())
                    {
                        grants.Add($"{perm.Name} {scope.Name} {obj.Name} {function.GetString()}");
                    }
                }
            }
        }

        return grants;
    }

    [Fact]
    public void PackageFile_GrantsEveryDockerCallOfThePages_AndOnlyDockerObjectsAndUciDockerd()
    {
        HashSet<string> grants = Grants(File.ReadAllText(OurAclFile), "luci-app-dockerman");
        foreach ((string obj, string method, string _) in PageFacts.RpcCalls.Where(c => c.Object.StartsWith("docker", StringComparison.Ordinal)))
        {
            Assert.True(grants.Contains($"read ubus {obj} {method}") || grants.Contains($"write ubus {obj} {method}"),
                $"the pages call {obj}.{method}; the file grants it to nobody");
        }

        string[] beyond = [.. grants.Where(g => !g.Split(' ')[2].StartsWith("docker", StringComparison.Ordinal) || g.Split(' ')[1] != "ubus")
            .Order(StringComparer.Ordinal)];
        Assert.Equal(["read uci dockerd *", "write uci dockerd *"], beyond);
    }

    [Fact]
    public void PackageFile_EveryPluginMethodInReadOrWriteAsItsRouteIsARead()
    {
        string ours = File.ReadAllText(OurAclFile);
        HashSet<string> grants = Grants(ours, "luci-app-dockerman");
        grants.RemoveWhere(g => !g.StartsWith("read ubus ", StringComparison.Ordinal) && !g.StartsWith("write ubus ", StringComparison.Ordinal));

        var expected = Dockerman.Rpc.RpcMethods.All
            .Select(m => $"{(m.Route.IsWrite ? "write" : "read")} ubus {m.Object} {m.Name}")
            .ToHashSet(StringComparer.Ordinal);
        Assert.Empty(expected.Except(grants).Order(StringComparer.Ordinal));
        Assert.Empty(grants.Except(expected).Order(StringComparer.Ordinal));
        Assert.Contains("write ubus docker.swarm unlockkey", grants); // a GET whose reply is a secret
    }

    [Fact]
    public void TwoFilesDefiningTheSameGroup_RpcdGrantsTheUnion()
    {
        var both = new RouterStackOptions();
        both.AclFiles["luci-app-dockerman.json"] = AppAclFile;
        using var stack = new RouterStack(both);
        LuciSession viewer = stack.LoginViewer();

        Assert.True(Access(stack, viewer, "access-group", "luci-app-dockerman", "read"));
        Assert.True(Access(stack, viewer, "uci", "dockerd", "read"));    // in both files
        Assert.True(Access(stack, viewer, "ubus", "rc", "init"));        // only in the app's
        Assert.True(Access(stack, viewer, "ubus", "luci", "getMountPoints"));
        Assert.False(Access(stack, viewer, "access-group", "luci-app-dockerman", "write")); // viewer lists read only

        using var oursOnly = new RouterStack();
        Assert.False(Access(oursOnly, oursOnly.LoginViewer(), "ubus", "rc", "init"));
    }
}
