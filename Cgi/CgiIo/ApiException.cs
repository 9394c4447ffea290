namespace Dockerman.CgiIo;

/// <summary>An error of our own, answered before any output, as <c>{"message": …}</c> with its status.</summary>
internal sealed class ApiException(int status, string message, string? allow = null) : Exception(message)
{
    public int Status { get; } = status;

    /// <summary>The Allow header of a 405.</summary>
    public string? Allow { get; } = allow;

    public static ApiException BadRequest(string message) => new(400, message);
}
