using System.Text.Json;
using System.Text.Json.Nodes;

namespace Dockerman.StandIns.Rpcd;

/// <summary>One access group as the ACL files define it: its <c>read</c> and <c>write</c> parts, from every file that names it.</summary>
internal sealed class AclGroup(string name)
{
    public string Name { get; } = name;

    public List<JsonObject> Read { get; } = [];

    public List<JsonObject> Write { get; } = [];
}

/// <summary>
/// rpcd's ACL folder (<c>/usr/share/rpcd/acl.d</c>), read at every login: each <c>*.json</c> file
/// is an object of groups, each group <c>{"description", "read": {…}, "write": {…}}</c>; several
/// files naming one group give it the union of their parts. A part maps a scope (<c>ubus</c>,
/// <c>uci</c>, <c>file</c>, …) either to objects with lists of functions
/// (<c>{"docker": ["version"]}</c>) or to a list of objects, each granted the part's own name as
/// its function (<c>"uci": ["dockerd"]</c> grants <c>uci dockerd read</c> in <c>read</c>).
/// </summary>
internal static class AclGroups
{
    public static List<AclGroup> Read(string folder, StandInLog log)
    {
        var groups = new List<AclGroup>();
        if (!Directory.Exists(folder))
        {
            return groups;
        }

        foreach (string file in Directory.GetFiles(folder, "*.json").Order(StringComparer.Ordinal))
        {
            JsonObject? doc;
            try
            {
                doc = JsonNode.Parse(File.ReadAllText(file)) as JsonObject;
            }
            catch (JsonException e)
            {
                log.Line($"rpcd: {file}: {e.Message}");
                continue;
            }

            foreach ((string name, JsonNode? body) in doc ?? [])
            {
                if (body is not JsonObject group)
                {
                    continue;
                }

                AclGroup g = groups.Find(x => x.Name == name) ?? Added(groups, new AclGroup(name));
                if (group["read"] is JsonObject read)
                {
                    g.Read.Add(read);
                }

                if (group["write"] is JsonObject write)
                {
                    g.Write.Add(write);
                }
            }
        }

        return groups;
    }

    private static AclGroup Added(List<AclGroup> groups, AclGroup g)
    {
        groups.Add(g);
        return g;
    }

    /// <summary>Grants <paramref name="session"/> what one part (<paramref name="permission"/> = "read" or "write") holds.</summary>
    public static void Apply(Session session, string permission, JsonObject part)
    {
        foreach ((string scope, JsonNode? objects) in part)
        {
            switch (objects)
            {
                case JsonObject table:
                    foreach ((string obj, JsonNode? functions) in table)
                    {
                        foreach (JsonNode? f in functions as JsonArray ?? [])
                        {
                            if (f is JsonValue v && v.TryGetValue(out string? function))
                            {
                                session.Grant(scope, obj, function);
                            }
                        }
                    }

                    break;
                case JsonArray list:
                    foreach (JsonNode? o in list)
                    {
                        if (o is JsonValue v && v.TryGetValue(out string? obj))
                        {
                            session.Grant(scope, obj, permission);
                        }
                    }

                    break;
            }
        }
    }
}
