using Dockerman.Tests.Support;
using Xunit;

namespace Dockerman.Tests.Integration;

[Collection(DaemonCollection.Name)]
public sealed class SmokeTests(DockerDaemon daemon)
{
    private readonly CgiRunner _cgi = new(daemon.Host);

    [Fact]
    public void Version_ByHand_ReturnsDaemonVersion()
    {
        CgiReply reply = _cgi.Get("version");
        Assert.Equal(200, reply.Status);
        Assert.Equal("200 OK", reply.StatusLine);
        Assert.Equal(0, reply.ExitCode);
        Assert.Contains("\"ApiVersion\"", reply.Text, StringComparison.Ordinal);
        Assert.Equal(reply.Body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), reply.Header("Content-Length"));
    }
}
