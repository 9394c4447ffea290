using System.Diagnostics;
using System.Text;
using Dockerman.Tests.Support;
using Xunit;

namespace Dockerman.Tests.Orchestration;

/// <summary>
/// A stream whose daemon has nothing to say yet (a quiet container's followed logs, events with
/// none happening): the reply's head goes out at once, so the client knows the request was taken
/// and can show it, instead of waiting for the first line or the first heartbeat.
/// </summary>
public sealed class StreamHeadTests
{
    public static TheoryData<string, string, string> QuietStreams => new()
    {
        // route, query, the daemon's head
        { "events", "", "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" },
        { "container/logs/quiet", "follow=1&stdout=1", "HTTP/1.1 200 OK\r\nContent-Type: application/vnd.docker.multiplexed-stream\r\nTransfer-Encoding: chunked\r\n\r\n" },
        { "container/logs/quiet", "follow=1&stdout=1&format=text", "HTTP/1.1 200 OK\r\nContent-Type: application/vnd.docker.multiplexed-stream\r\nTransfer-Encoding: chunked\r\n\r\n" },
    };

    [Theory]
    [MemberData(nameof(QuietStreams))]
    public async Task Stream_DaemonQuietAfterItsHead_HeadReachesTheClientAtOnce(string route, string query, string head)
    {
        using var daemon = new FakeDaemon(c =>
        {
            c.ReadRequest();
            c.Send(head);
            c.StallUntilClosed();
        });
        // No heartbeat within the test's wait: only the head itself can arrive.
        var cgi = new CgiRunner(daemon.Host, DaemonFailureTests.ConfigDir(("stream_deadline", "30"), ("heartbeat", "60")));
        var vars = new Dictionary<string, string>(cgi.BaseEnvironment, StringComparer.Ordinal)
        {
            ["REQUEST_METHOD"] = "GET",
            ["PATH_INFO"] = "/admin/docker/" + route,
            ["QUERY_STRING"] = query,
        };
        using Process process = Process.Start(CgiRunner.StartInfo(vars))!;
        process.StandardInput.Close();
        try
        {
            var received = new MemoryStream();
            var buffer = new byte[4096];
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            while (!Encoding.ASCII.GetString(received.ToArray()).Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                int n = await process.StandardOutput.BaseStream.ReadAsync(buffer, wait.Token);
                Assert.True(n > 0, $"the output ended before a head: {Encoding.ASCII.GetString(received.ToArray())}");
                received.Write(buffer, 0, n);
            }

            string text = Encoding.ASCII.GetString(received.ToArray());
            Assert.StartsWith("Status: 200 OK\r\n", text, StringComparison.Ordinal);
            Assert.EndsWith("\r\n\r\n", text, StringComparison.Ordinal); // the head alone: the daemon sent no line
            Assert.False(process.HasExited);
        }
        finally
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
    }
}
