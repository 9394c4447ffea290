using System.Text.Json;
using Dockerman.Tests.Support;
using Xunit;

namespace Dockerman.Tests.Integration;

/// <summary>
/// container/ttyd_start through the published binary. ttyd is not packaged for this machine, so a
/// stand-in script records the argv it was started with and waits, as ttyd would.
/// </summary>
[Collection(DaemonCollection.Name)]
public sealed class TtydStartTests : IDisposable
{
    private readonly DockerDaemon _daemon;
    private readonly string _dir = Paths.TempDir("ttyd");
    private readonly string _name = "ttyd-" + Guid.NewGuid().ToString("N")[..8];
    private readonly CgiRunner _cgi;

    public TtydStartTests(DockerDaemon daemon)
    {
        _daemon = daemon;
        string fake = Path.Combine(_dir, "ttyd");
        File.WriteAllText(fake, $"#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done > {_dir}/argv.tmp\nmv {_dir}/argv.tmp {_dir}/argv\nsleep 30\n");
        File.SetUnixFileMode(fake, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.WriteAllText(Path.Combine(_dir, "dockerman"),
            $"config dockerman 'main'\n\toption ttyd '{fake}'\n\toption jobs_dir '{_dir}/run/jobs'\n");
        _cgi = new CgiRunner(daemon.Host, _dir);
        daemon.CreateContainer(_name, ["/bin/sleep", "60"], start: true);
    }

    private string[] WaitForArgv()
    {
        string path = Path.Combine(_dir, "argv");
        for (int i = 0; i < 200 && !File.Exists(path); i++)
        {
            Thread.Sleep(20);
        }

        return File.ReadAllLines(path);
    }

    [Fact]
    public void TtydStart_ValidRequest_StartsDetachedWithArgvAndReportsPortAndPid()
    {
        CgiReply r = _cgi.Post($"container/ttyd_start/{_name}", "port=7799&uid=0&cmd=/bin/sh");
        Assert.True(r.Status == 200, r.ToString());
        using JsonDocument doc = JsonDocument.Parse(r.Body);
        Assert.Equal(7799, doc.RootElement.GetProperty("port").GetInt32());
        int pid = doc.RootElement.GetProperty("pid").GetInt32();
        Assert.True(pid > 1);
        Assert.Equal(
            ["-q", "-d", "2", "--once", "--writable", "-p", "7799", "/usr/bin/docker", "-H", _daemon.Host, "exec", "-it", "-u", "0", _name, "/bin/sh"],
            WaitForArgv());

        // Its own session: the web server's kill of the CGI does not reach it.
        string stat = File.ReadAllText($"/proc/{pid}/stat");
        string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        Assert.Equal(pid.ToString(System.Globalization.CultureInfo.InvariantCulture), fields[3]);
    }

    [Fact]
    public void TtydStart_TlsEndpoint_HandsTheDockerCliTheSameTlsFlags()
    {
        var cgi = Tls.TlsFolders.Runner(_daemon);
        cgi.BaseEnvironment["DOCKERMAN_CONFIG_DIR"] = _dir;

        CgiReply r = cgi.Post($"container/ttyd_start/{_name}");

        Assert.True(r.Status == 200, r.ToString());
        string[] argv = WaitForArgv();
        string certs = _daemon.CertDir;
        string[] cli = argv[7..Array.IndexOf(argv, "exec")];
        Assert.Equal(["/usr/bin/docker", "-H", _daemon.TlsHost, "--tlsverify", "--tlscacert", $"{certs}/ca.pem",
            "--tlscert", $"{certs}/cert.pem", "--tlskey", $"{certs}/key.pem"], cli);

        // The real docker CLI reaches the daemon with exactly these flags.
        var psi = new System.Diagnostics.ProcessStartInfo(cli[0]) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in cli[1..].Concat(["inspect", "-f", "{{.State.Running}}", _name]))
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment.Clear();
        using var docker = System.Diagnostics.Process.Start(psi)!;
        string output = docker.StandardOutput.ReadToEnd() + docker.StandardError.ReadToEnd();
        docker.WaitForExit();
        Assert.True(docker.ExitCode == 0, output);
        Assert.Equal("true", output.Trim());
    }

    [Fact]
    public void TtydStart_Again_StopsTheConsoleItStartedBefore()
    {
        CgiReply first = _cgi.Post($"container/ttyd_start/{_name}");
        int pid1 = JsonDocument.Parse(first.Body).RootElement.GetProperty("pid").GetInt32();
        WaitForArgv();
        CgiReply second = _cgi.Post($"container/ttyd_start/{_name}");
        Assert.Equal(200, second.Status);
        for (int i = 0; i < 100 && ProcessRunning(pid1); i++)
        {
            Thread.Sleep(20);
        }

        Assert.False(ProcessRunning(pid1), "the first console still runs");
    }

    private static bool ProcessRunning(int pid) =>
        File.Exists($"/proc/{pid}/stat") && !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal);

    [Theory]
    [InlineData("port=0")]
    [InlineData("port=65536")]
    [InlineData("port=80a")]
    [InlineData("cmd=sh%20-c%20id")]
    [InlineData("cmd=%2Fbin%2Fsh%3Bid")]
    [InlineData("cmd=..%2F..%2Fbin%2Fsh")]
    [InlineData("cmd=%24(id)")]
    [InlineData("uid=0%20-e")]
    [InlineData("uid=-u")]
    public void TtydStart_BadArgument_400AndNothingStarted(string query)
    {
        CgiReply r = _cgi.Post($"container/ttyd_start/{_name}", query);
        Assert.Equal(400, r.Status);
        Thread.Sleep(100);
        Assert.False(File.Exists(Path.Combine(_dir, "argv")));
    }

    [Fact]
    public void TtydStart_UnknownContainer_404FromDaemonAndNothingStarted()
    {
        CgiReply r = _cgi.Post("container/ttyd_start/no-such-container-x");
        Assert.Equal(404, r.Status);
        Assert.Contains("No such container", r.Text, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_dir, "argv")));
    }

    public void Dispose()
    {
        string pidFile = Path.Combine(_dir, "run", "ttyd.pid");
        if (File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile).Trim(), out int pid))
        {
            try
            {
                System.Diagnostics.Process.GetProcessById(pid).Kill();
            }
            catch (ArgumentException)
            {
            }
        }

        _daemon.RemoveContainer(_name);
        Directory.Delete(_dir, true);
    }
}
