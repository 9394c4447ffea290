namespace Dockerman.Tests.Support.Router;

/// <summary>
/// A login session made by rpcd's <c>session.login</c> (through <c>/ubus</c>), with the
/// CSRF token LuCI keeps in the session's values (<c>token</c>), and the cookie LuCI sets.
/// </summary>
public sealed record LuciSession(string Username, string Sid, string Token)
{
    /// <summary>The cookie header LuCI's browser sends (LuCI names it sysauth_http on plain HTTP).</summary>
    public string Cookie => "sysauth_http=" + Sid;
}
