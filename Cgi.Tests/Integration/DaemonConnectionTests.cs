using System.Net.Sockets;
using System.Text;
using Dockerman.Tests.Support;
using Xunit;

namespace Dockerman.Tests.Integration;

/// <summary>
/// The one connection to the daemon, seen from the daemon's end of a Unix socket: how the program
/// connects, and what kind of socket it reads the reply from.
/// </summary>
public sealed class DaemonConnectionTests
{
    private const int SolSocket = 1;
    private const int SoPeerCred = 17;
    private const int ONonBlock = 0x800; // 04000 octal

    [Fact]
    public async Task DaemonSocket_WhileWaitingForTheReply_IsBlocking()
    {
        // A socket that was ever non-blocking stays so in .NET, and every read that must wait then
        // goes through the epoll thread and the thread pool: the socket must be blocking throughout.
        string dir = Paths.TempDir("conn");
        string path = Path.Combine(dir, "docker.sock");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen(4);
        var cgi = new CgiRunner("unix://" + path);
        Task<CgiReply> run = Task.Run(() => cgi.Get("container/list"));

        using Socket daemon = listener.Accept();
        ReadHead(daemon);
        int pid = PeerPid(daemon);
        List<(string Fd, int Flags)> sockets = SocketFlags(pid);
        daemon.Send("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 3\r\n\r\n[]\n"u8.ToArray());
        daemon.Shutdown(SocketShutdown.Send);
        CgiReply reply = await run.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(200, reply.Status);
        Assert.Equal("[]\n", reply.Text);
        Assert.NotEmpty(sockets);
        Assert.All(sockets, s => Assert.True((s.Flags & ONonBlock) == 0,
            $"fd {s.Fd} is non-blocking (flags {Convert.ToString(s.Flags, 8)})"));
    }

    [Fact]
    public void Connect_DaemonNotAccepting_Answers502()
    {
        // A listen queue that is full and never drained: connect(2) would wait for good.
        string dir = Paths.TempDir("conn");
        string path = Path.Combine(dir, "docker.sock");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen(0);
        var fillers = new List<Socket>();
        try
        {
            while (fillers.Count < 16)
            {
                var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified) { Blocking = false };
                fillers.Add(s);
                try
                {
                    s.Connect(new UnixDomainSocketEndPoint(path));
                }
                catch (SocketException e) when (e.SocketErrorCode is SocketError.WouldBlock or SocketError.InProgress)
                {
                    break; // the queue is full
                }
            }

            CgiReply reply = new CgiRunner("unix://" + path).Run("GET", "container/list", timeout: TimeSpan.FromSeconds(30));

            Assert.Equal(502, reply.Status);
            Assert.Equal(1, reply.ExitCode);
            Assert.Contains("no connection within", reply.Text, StringComparison.Ordinal);
        }
        finally
        {
            fillers.ForEach(s => s.Dispose());
        }
    }

    private static void ReadHead(Socket s)
    {
        var head = new StringBuilder();
        byte[] buffer = new byte[4096];
        while (!head.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            int n = s.Receive(buffer);
            if (n == 0)
            {
                throw new IOException("the program closed the connection before its request was complete");
            }

            head.Append(Encoding.ASCII.GetString(buffer, 0, n));
        }
    }

    /// <summary>The process at the other end of a Unix socket (SO_PEERCRED: pid, uid, gid).</summary>
    private static int PeerPid(Socket s)
    {
        byte[] cred = new byte[12];
        s.GetRawSocketOption(SolSocket, SoPeerCred, cred);
        return BitConverter.ToInt32(cred, 0);
    }

    /// <summary>The open-file flags of every socket the process holds, from /proc.</summary>
    private static List<(string Fd, int Flags)> SocketFlags(int pid)
    {
        var result = new List<(string, int)>();
        foreach (string fd in Directory.GetFiles($"/proc/{pid}/fd"))
        {
            string? target = new FileInfo(fd).LinkTarget;
            if (target == null || !target.StartsWith("socket:", StringComparison.Ordinal))
            {
                continue;
            }

            string name = Path.GetFileName(fd);
            string flags = File.ReadLines($"/proc/{pid}/fdinfo/{name}")
                .First(l => l.StartsWith("flags:", StringComparison.Ordinal))["flags:".Length..].Trim();
            result.Add((name, Convert.ToInt32(flags, 8)));
        }

        return result;
    }
}
