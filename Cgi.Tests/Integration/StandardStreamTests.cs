using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Dockerman.Tests.Support;
using Xunit;

namespace Dockerman.Tests.Integration;

/// <summary>The program's own stdout and stderr: what happens when the reader goes, and when both share one file.</summary>
public sealed class StandardStreamTests
{
    [Fact]
    public async Task Stdout_ClientGoesAwayMidBody_ExitsWithClientGone()
    {
        string dir = Paths.TempDir("std");
        string path = Path.Combine(dir, "docker.sock");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen(4);
        Task daemon = Task.Run(() => ServeEndlessExport(listener));

        var psi = new ProcessStartInfo(Paths.Binary) { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.Environment.Clear();
        psi.Environment["PATH"] = "/usr/bin:/bin";
        psi.Environment["REQUEST_METHOD"] = "GET";
        psi.Environment["PATH_INFO"] = "/admin/docker/container/export/web";
        psi.Environment["DOCKER_HOST"] = "unix://" + path;
        psi.Environment["DOCKERMAN_CONFIG_DIR"] = dir;
        using var process = Process.Start(psi)!;
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        byte[] buffer = new byte[256 * 1024];
        int got = 0;
        while (got < buffer.Length)
        {
            int n = await process.StandardOutput.BaseStream.ReadAsync(buffer.AsMemory(got));
            Assert.True(n > 0, "the reply ended before the client went away");
            got += n;
        }

        process.StandardOutput.Close(); // the client goes away mid-download
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);

        Assert.StartsWith("Status: 200 OK\r\n", Encoding.ASCII.GetString(buffer, 0, 16), StringComparison.Ordinal);
        Assert.Equal(4, process.ExitCode);
        listener.Dispose();
        await daemon.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.DoesNotContain("Unhandled", await stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void StdoutAndStderr_OneFile_BothKeptWhole()
    {
        // `dockerman >log 2>&1` by hand: both streams write through the one file offset.
        string dir = Paths.TempDir("std");
        string log = Path.Combine(dir, "log");
        var psi = new ProcessStartInfo("/bin/sh", ["-c", $"\"$0\" >'{log}' 2>&1", Paths.Binary]);
        psi.Environment.Clear();
        psi.Environment["PATH"] = "/usr/bin:/bin";
        psi.Environment["REQUEST_METHOD"] = "GET";
        psi.Environment["PATH_INFO"] = "/admin/docker/container/list";
        psi.Environment["DOCKER_HOST"] = "unix://" + Path.Combine(dir, "no-daemon.sock");
        psi.Environment["DOCKERMAN_CONFIG_DIR"] = dir;
        using var process = Process.Start(psi)!;
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(30)), "dockerman did not finish");

        string text = File.ReadAllText(log);
        Assert.Equal(1, process.ExitCode);
        Assert.Contains("dockerman: 502 cannot reach the Docker daemon", text, StringComparison.Ordinal);
        Assert.Contains("Status: 502 Bad Gateway\r\n", text, StringComparison.Ordinal);
        Assert.Contains("{\"message\":\"cannot reach the Docker daemon", text, StringComparison.Ordinal);
    }

    /// <summary>Answers one request with a body that would never end, until the reader stops reading.</summary>
    private static void ServeEndlessExport(Socket listener)
    {
        using Socket client = listener.Accept();
        byte[] request = new byte[4096];
        string head = "";
        while (!head.Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            int n = client.Receive(request);
            if (n == 0)
            {
                return;
            }

            head += Encoding.ASCII.GetString(request, 0, n);
        }

        client.Send("HTTP/1.1 200 OK\r\nContent-Type: application/x-tar\r\nContent-Length: 1099511627776\r\n\r\n"u8.ToArray());
        byte[] chunk = new byte[64 * 1024];
        try
        {
            while (true)
            {
                client.Send(chunk);
            }
        }
        catch (SocketException)
        {
            // dockerman closed the connection: it has stopped.
        }
    }
}
