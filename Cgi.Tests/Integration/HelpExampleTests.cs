using System.Text.RegularExpressions;
using Dockerman.Tests.Support;
using Xunit;

namespace Dockerman.Tests.Integration;

/// <summary>The examples in --help are meant to be pasted: they must work against a real daemon.</summary>
[Collection(DaemonCollection.Name)]
public sealed class HelpExampleTests(DockerDaemon daemon)
{
    [Fact]
    public void HelpLogsExample_OnFinishedContainer_PrintsItsOutputAsText()
    {
        string help = CgiRunner.Exec([], null, TimeSpan.FromSeconds(10), "--help").Text;
        Match example = Regex.Match(help, @"PATH_INFO=/admin/docker/container/logs/\S+ QUERY_STRING='([^']*)'");
        Assert.True(example.Success, help);

        string name = $"dmhelp-{Guid.NewGuid():N}"[..15];
        try
        {
            daemon.CreateContainer(name, ["echo", "hi from the help"], start: true);
            Assert.Equal(200, daemon.Status("POST", $"/containers/{name}/wait"));

            CgiReply reply = new CgiRunner(daemon.Host).Get($"container/logs/{name}", example.Groups[1].Value);
            Assert.True(reply.Status == 200, reply.ToString());
            Assert.Equal("hi from the help\n", reply.Text);
        }
        finally
        {
            daemon.RemoveContainer(name);
        }
    }
}
