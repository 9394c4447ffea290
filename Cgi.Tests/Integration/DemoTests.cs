using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Dockerman.Tests.Support;
using Xunit;

namespace Dockerman.Tests.Integration;

/// <summary>
/// <c>make demo</c>'s script (build/demo.sh) as a new user runs it, against the test daemon: it
/// prints the console's address and a login, and commands meant to be pasted; pasted into bash
/// they must work, and Ctrl-C stops everything it started.
/// </summary>
[Collection(DaemonCollection.Name)]
public sealed partial class DemoTests(DockerDaemon daemon)
{
    [GeneratedRegex(@"the console:\s+(http://127\.0\.0\.1:(\d+)/dockerman/)\s+user (\S+), password ([0-9a-f]+)")]
    private static partial Regex ConsoleLines();

    [GeneratedRegex(@"Paste these into a shell:\n\n(.*?)\n\n", RegexOptions.Singleline)]
    private static partial Regex PasteBlock();

    [GeneratedRegex(@"container/create\?name=(demo-[0-9a-f]+)")]
    private static partial Regex ExampleName();

    [Fact]
    public async Task Demo_PrintsConsoleAndCommands_PastedTheyWork_CtrlCStopsTheStack()
    {
        // As from a terminal, where Ctrl-C's SIGINT has its default action: a test run started in the
        // background of a shell without job control (as CI may start it) has SIGINT ignored, and a
        // shell started with SIGINT ignored cannot trap it. python3 puts the default back, then execs.
        var start = new ProcessStartInfo("python3",
            ["-c", "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execvp('bash', ['bash', sys.argv[1]])",
                Path.Combine(Paths.RepoRoot, "build", "demo.sh")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["DOCKER_HOST"] = daemon.Host;
        start.Environment["DOCKERMAN_BIN"] = Paths.Binary;
        start.Environment["DOCKERMAN_STANDINS"] = Path.Combine(AppContext.BaseDirectory, "dockerman-standins");
        start.Environment["DEMO_PORT"] = "18080";
        start.Environment["DEMO_IMAGE"] = DockerDaemon.Image;
        using Process demo = Process.Start(start)!;
        var output = new StringBuilder();
        var errors = new StringBuilder();
        var ready = new TaskCompletionSource();
        demo.OutputDataReceived += (_, e) =>
        {
            if (e.Data == null)
            {
                return;
            }

            lock (output)
            {
                output.Append(e.Data).Append('\n');
            }

            if (e.Data.StartsWith("Press Ctrl-C", StringComparison.Ordinal))
            {
                ready.TrySetResult();
            }
        };
        demo.ErrorDataReceived += (_, e) =>
        {
            lock (errors)
            {
                errors.Append(e.Data).Append('\n');
            }
        };
        demo.BeginOutputReadLine();
        demo.BeginErrorReadLine();
        string name = "";
        try
        {
            await Task.WhenAny(ready.Task, demo.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(90)));
            string text;
            lock (output)
            {
                text = output.ToString();
            }

            Assert.True(ready.Task.IsCompleted, $"the demo did not get ready:\n{text}\n{errors}");

            // The console: its page at the address printed.
            Match console = ConsoleLines().Match(text);
            Assert.True(console.Success, text);
            Assert.Equal("admin", console.Groups[3].Value);
            using var http = new HttpClient();
            string page = await http.GetStringAsync(console.Groups[1].Value);
            Assert.Contains("<meta name=\"dockerman-api\" content=\"/cgi-bin/dockerman/admin/docker/\">", page, StringComparison.Ordinal);

            // The commands, pasted as they are: the login's session carries every call after it.
            Match block = PasteBlock().Match(text);
            Assert.True(block.Success, text);
            name = ExampleName().Match(block.Groups[1].Value).Groups[1].Value;
            (int code, string pasted) = Bash(block.Groups[1].Value);
            Assert.True(code == 0, pasted);
            Assert.Contains("HTTP/1.1 401", pasted, StringComparison.Ordinal);
            Assert.Contains("\"ApiVersion\"", pasted, StringComparison.Ordinal);
            Assert.Contains("HTTP/1.1 204", pasted, StringComparison.Ordinal);
            Assert.Contains($"hello from {name}", pasted, StringComparison.Ordinal);
            Assert.Equal(404, daemon.Status("GET", $"/containers/{name}/json")); // the last command removed it

            // Ctrl-C: the script ends and so does the web server it started.
            using (Process.Start("kill", ["-INT", demo.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
            }

            Assert.True(demo.WaitForExit(TimeSpan.FromSeconds(30)), "the demo did not stop on SIGINT");
            using var probe = new TcpClient();
            Assert.ThrowsAny<SocketException>(() => probe.Connect("127.0.0.1", int.Parse(console.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture)));
        }
        finally
        {
            if (!demo.HasExited)
            {
                demo.Kill(entireProcessTree: true);
            }

            if (name.Length > 0)
            {
                daemon.RemoveContainer(name);
            }
        }
    }

    private static (int Code, string Output) Bash(string script)
    {
        var start = new ProcessStartInfo("bash", ["-c", script])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using Process bash = Process.Start(start)!;
        Task<string> err = bash.StandardError.ReadToEndAsync();
        string text = bash.StandardOutput.ReadToEnd();
        Assert.True(bash.WaitForExit(TimeSpan.FromSeconds(60)), text);
        return (bash.ExitCode, text + err.Result);
    }
}
