namespace Dockerman.StandIns.Uhttpd;

/// <summary>One HTTP request as the front reads it, and the answer it sends (always with Connection: close).</summary>
internal sealed record HttpRequestHead(string Method, string Target, byte[] Body);

internal sealed record HttpAnswer(int Status, string Reason, string ContentType, byte[] Body);
