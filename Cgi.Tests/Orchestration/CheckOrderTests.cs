using System.Text;
using Dockerman.Tests.Support;
using Xunit;

namespace Dockerman.Tests.Orchestration;

/// <summary>
/// Every check of a request comes before the daemon is asked anything: a daemon that would
/// answer any request with 200 is never even connected to when the request is bad.
/// </summary>
public sealed class CheckOrderTests
{
    public static TheoryData<string, string, string, string?, string?> BadRequests => new()
    {
        // container/ttyd_start's own options, in the query or in a form body.
        { "POST", "container/ttyd_start/web", "port=0", null, null },
        { "POST", "container/ttyd_start/web", "port=65536", null, null },
        { "POST", "container/ttyd_start/web", "port=22a", null, null },
        { "POST", "container/ttyd_start/web", "cmd=../../bin/sh", null, null },
        { "POST", "container/ttyd_start/web", "cmd=/bin/sh%20-c%20id", null, null },
        { "POST", "container/ttyd_start/web", "uid=%24(id)", null, null },
        { "POST", "container/ttyd_start/web", "uid=-u", null, null },
        { "POST", "container/ttyd_start/web", "", "application/x-www-form-urlencoded", "port=99999" },
        // ids, query values, the log format, bodies.
        { "GET", "container/inspect/..", "", null, null },
        { "GET", "container/list", "all=maybe", null, null },
        { "GET", "container/list", "limit=1&limit=2", null, null },
        { "GET", "container/logs/web", "format=html", null, null },
        { "POST", "container/create", "", "application/json", "{\"Image\":" },
        { "POST", "container/create", "", "application/json", "[]" },
        { "PUT", "container/put_archive/web", "path=/tmp", "multipart/form-data", "--x\r\n" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public void BadRequest_Any_400AndDaemonNeverConnected(string method, string path, string query, string? contentType, string? body)
    {
        bool connected = false;
        using var daemon = new FakeDaemon(c =>
        {
            connected = true;
            c.ReadRequest();
            c.Reply(200, "OK", "application/json", "{\"Id\":\"web\",\"State\":{\"Running\":true}}");
        });

        CgiReply reply = new CgiRunner(daemon.Host).Run(method, path, query,
            body == null ? null : Encoding.UTF8.GetBytes(body), contentType: contentType);

        Assert.True(reply.Status == 400, reply.ToString());
        Assert.Equal(1, reply.ExitCode);
        Assert.NotEmpty(DaemonFailureTests.Message(reply));
        Assert.False(connected, "the daemon was connected to");
        Assert.Null(daemon.Request);
    }
}
