using System.Text.Json;
using Dockerman.Tests.Support;
using Dockerman.Tests.Support.Router;
using Xunit;

namespace Dockerman.Tests.Luci;

/// <summary>
/// The package's rpcd ACL file on rpcd (the stand-in, which reads ACL files as rpcd does): it
/// defines the pages' group, grants no more than luci-app-dockerman's own file does (read from a
/// checkout of the app beside the project), and two files defining the same group combine.
/// </summary>
public sealed class AclFileTests
{
    private static readonly string OurAclFile = Path.Combine(Paths.RepoRoot, "opkg", "files", "usr", "share", "rpcd", "acl.d", "dockerman.json");

    private static readonly string AppAclFile = Path.Combine(Paths.RepoRoot, "..", "shared", "reference", "luci-app-dockerman",
        "root", "usr", "share", "rpcd", "acl.d", "luci-app-dockerman.json");

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
    public void PackageFile_GrantsNothingTheAppsOwnFileDoesNot()
    {
        string ours = File.ReadAllText(OurAclFile);
        HashSet<string> app = Grants(File.ReadAllText(AppAclFile), "luci-app-dockerman");
        HashSet<string> extra = Grants(ours, "luci-app-dockerman");
        extra.RemoveWhere(grant => app.Any(pattern => Covers(pattern, grant)));
        Assert.Empty(extra);
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

    /// <summary>rpcd's ACL patterns: a word ending in '*' stands for every word it starts.</summary>
    private static bool Covers(string pattern, string grant)
    {
        string[] p = pattern.Split(' ');
        string[] g = grant.Split(' ');
        return p.Length == g.Length && p.Zip(g).All(w => w.First.EndsWith('*')
            ? w.Second.StartsWith(w.First[..^1], StringComparison.Ordinal)
            : w.First == w.Second);
    }

    /// <summary>A second file that defines the pages' group, as luci-app-dockerman's does: the
    /// package's grant of <c>uci dockerd</c> again, and calls that only it grants.</summary>
    private const string SecondFileOfTheGroup = """
        {
        	"luci-app-dockerman": {
        		"description": "Grant UCI access for luci-app-dockerman",
        		"read": {
        			"ubus": {
        				"rc": [ "init" ],
        				"network.interface": [ "dump" ]
        			},
        			"uci": [ "dockerd" ]
        		},
        		"write": {
        			"uci": [ "dockerd" ]
        		}
        	}
        }
        """;

    [Fact]
    public void TwoFilesDefiningTheSameGroup_RpcdGrantsTheUnion()
    {
        var both = new RouterStackOptions();
        both.AclFiles["luci-app-dockerman.json"] = SecondFileOfTheGroup;
        using var stack = new RouterStack(both);
        LuciSession viewer = stack.LoginViewer();

        Assert.True(Access(stack, viewer, "access-group", "luci-app-dockerman", "read"));
        Assert.True(Access(stack, viewer, "uci", "dockerd", "read"));    // in both files
        Assert.True(Access(stack, viewer, "ubus", "rc", "init"));        // only in the second
        Assert.True(Access(stack, viewer, "ubus", "network.interface", "dump"));
        Assert.False(Access(stack, viewer, "access-group", "luci-app-dockerman", "write")); // viewer lists read only

        using var oursOnly = new RouterStack();
        Assert.False(Access(oursOnly, oursOnly.LoginViewer(), "ubus", "rc", "init"));
    }
}
