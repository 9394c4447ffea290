using System.Diagnostics;
using Dockerman.Tests.Support;
using Xunit;

namespace Dockerman.Tests.Orchestration;

/// <summary>By hand, an administrator redirects the output to a file shared with other commands.</summary>
public sealed class ShellRedirectTests
{
    [Fact]
    public void Stdout_RedirectedToAFileWithOthers_WritesAtTheSharedOffset()
    {
        string dir = Paths.TempDir("redir");
        string file = Path.Combine(dir, "out.txt");
        var psi = new ProcessStartInfo("/bin/sh",
            ["-c", $"{{ echo before; REQUEST_METHOD=GET PATH_INFO=/admin/docker/nope DOCKERMAN_CONFIG_DIR={dir} '{Paths.Binary}'; echo after; }} > '{file}'"]);
        using (Process p = Process.Start(psi)!)
        {
            p.WaitForExit();
        }

        string text = File.ReadAllText(file);
        Assert.StartsWith("before\nStatus: 404 Not Found\r\n", text, StringComparison.Ordinal);
        Assert.EndsWith("\"}\nafter\n", text, StringComparison.Ordinal);
        Directory.Delete(dir, true);
    }
}
