namespace Dockerman.Tests.Support.Router;

/// <summary>
/// One <c>config login</c> section of rpcd's UCI file: a user, a password (stored as
/// <c>openssl passwd -1</c> makes it, as on a router) and the ACL groups it may read and write
/// (<c>*</c> = every group the ACL files define).
/// </summary>
public sealed record RpcdLogin(string Username, string Password, IReadOnlyList<string> Read, IReadOnlyList<string> Write)
{
    /// <summary>Every group read and write, as OpenWrt gives root.</summary>
    public static RpcdLogin Admin { get; } = new("admin", "admin-secret-1", ["*"], ["*"]);

    /// <summary>Only reads of the pages' group: can look, cannot change.</summary>
    public static RpcdLogin Viewer { get; } = new("viewer", "viewer-secret-2", ["luci-app-dockerman"], []);
}
