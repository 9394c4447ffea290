using System.Diagnostics;
using System.Formats.Tar;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Dockerman.Tests.Support;
using Xunit;

namespace Dockerman.Tests.Integration;

/// <summary>
/// A 1 GiB file through put_archive and back through get_archive, streamed on both sides (the
/// test never holds it either): it must come back byte-identical, and the CGI's memory must not
/// grow with the size.
/// </summary>
[Collection(DaemonCollection.Name)]
public sealed class LargeArchiveTests(DockerDaemon daemon, Xunit.Abstractions.ITestOutputHelper log) : IDisposable
{
    private const long Size = 1L << 30;

    /// <summary>The budget of design.md for peak memory whatever the size.</summary>
    private const long MaxRssKiB = 16 * 1024;

    private readonly string _name = "big-" + Guid.NewGuid().ToString("N")[..8];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void PutThenGetArchive_OneGiB_ByteIdenticalWithBoundedMemory(bool tls)
    {
        daemon.CreateContainer(_name, ["/bin/sleep", "600"]);
        var vars = new Dictionary<string, string>
        {
            ["DOCKER_HOST"] = tls ? daemon.TlsHost : daemon.Host,
            ["DOCKERMAN_CONFIG_DIR"] = Paths.TempDir("bigcfg"),
            ["REQUEST_METHOD"] = "PUT",
            ["PATH_INFO"] = $"/admin/docker/container/put_archive/{_name}",
            ["QUERY_STRING"] = "path=/tmp",
            ["CONTENT_TYPE"] = "application/x-tar",
            ["CONTENT_LENGTH"] = (512 + Size + 1024).ToString(CultureInfo.InvariantCulture),
        };

        if (tls)
        {
            vars["DOCKER_TLS_VERIFY"] = "1";
            vars["DOCKER_CERT_PATH"] = daemon.CertDir;
        }

        var clock = Stopwatch.StartNew();

        // Up: a tar of one 1 GiB entry, generated as it is written, hashed on the way.
        using var sentHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        (string putHead, long putRss) = RunStreaming(vars, stdin => WriteTar(stdin, sentHash), _ => { });
        Assert.StartsWith("Status: 200", putHead, StringComparison.Ordinal);

        // Down: the tar from get_archive, read entry by entry, hashed on the way.
        vars["REQUEST_METHOD"] = "GET";
        vars["PATH_INFO"] = $"/admin/docker/container/get_archive/{_name}";
        vars["QUERY_STRING"] = "path=/tmp/big.bin";
        vars.Remove("CONTENT_TYPE");
        vars.Remove("CONTENT_LENGTH");
        using var gotHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long gotLength = 0;
        (string getHead, long getRss) = RunStreaming(vars, _ => { }, body =>
        {
            using var reader = new TarReader(body, leaveOpen: true);
            TarEntry entry = reader.GetNextEntry() ?? throw new InvalidDataException("empty archive");
            Assert.Equal("big.bin", entry.Name);
            byte[] buffer = new byte[1 << 16];
            int n;
            while ((n = entry.DataStream!.Read(buffer)) > 0)
            {
                gotHash.AppendData(buffer, 0, n);
                gotLength += n;
            }
        });
        Assert.StartsWith("Status: 200", getHead, StringComparison.Ordinal);
        Assert.Contains("Content-Disposition: attachment; filename=\"big.bin.tar\"", getHead, StringComparison.Ordinal);
        Assert.Equal(Size, gotLength);
        Assert.Equal(Convert.ToHexString(sentHash.GetHashAndReset()), Convert.ToHexString(gotHash.GetHashAndReset()));
        log.WriteLine($"{(tls ? "TLS" : "socket")}: peak RSS put_archive {putRss} KiB, get_archive {getRss} KiB for {Size} bytes; {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.True(putRss < MaxRssKiB, $"put_archive peak RSS {putRss} KiB");
        Assert.True(getRss < MaxRssKiB, $"get_archive peak RSS {getRss} KiB");
    }

    private static void WriteTar(Stream stdin, IncrementalHash hash)
    {
        byte[] header = new byte[512];
        void Field(int offset, string value) => Encoding.ASCII.GetBytes(value).CopyTo(header, offset);
        Field(0, "big.bin");
        Field(100, "0000644\0");
        Field(108, "0000000\0");
        Field(116, "0000000\0");
        Field(124, Convert.ToString(Size, 8).PadLeft(11, '0') + "\0");
        Field(136, "00000000000\0");
        header[156] = (byte)'0';
        Field(257, "ustar\0");
        Field(263, "00");
        Array.Fill(header, (byte)' ', 148, 8);
        int sum = header.Sum(b => b);
        Field(148, Convert.ToString(sum, 8).PadLeft(6, '0') + "\0 ");
        stdin.Write(header);

        // Pseudo-random but cheap: a xorshift stream, so that nothing compresses or repeats by block.
        byte[] block = new byte[1 << 16];
        ulong x = 0x9E3779B97F4A7C15;
        for (long left = Size; left > 0; left -= block.Length)
        {
            for (int i = 0; i < block.Length; i += 8)
            {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                BitConverter.TryWriteBytes(block.AsSpan(i), x);
            }

            hash.AppendData(block);
            stdin.Write(block);
        }

        stdin.Write(new byte[1024]); // end of archive
    }

    /// <summary>Runs the binary with stdin written and stdout read as streams; returns the CGI head
    /// and the highest VmHWM (peak resident set, KiB) seen while it ran.</summary>
    private static (string Head, long PeakRssKiB) RunStreaming(Dictionary<string, string> vars, Action<Stream> writeStdin, Action<Stream> readBody)
    {
        using Process p = Process.Start(CgiRunner.StartInfo(vars))!;
        long peak = 0;
        using var stop = new CancellationTokenSource();
        Task watch = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    foreach (string line in File.ReadLines($"/proc/{p.Id}/status"))
                    {
                        if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                        {
                            peak = Math.Max(peak, long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture));
                        }
                    }
                }
                catch (IOException)
                {
                }

                Thread.Sleep(50);
            }
        });
        Task<string> err = p.StandardError.ReadToEndAsync();
        Task writer = Task.Run(() =>
        {
            writeStdin(p.StandardInput.BaseStream);
            p.StandardInput.Close();
        });
        Stream stdout = p.StandardOutput.BaseStream;
        var head = new StringBuilder();
        int b;
        while ((b = stdout.ReadByte()) >= 0)
        {
            head.Append((char)b);
            if (head.Length >= 4 && head.ToString(head.Length - 4, 4) == "\r\n\r\n")
            {
                break;
            }
        }

        readBody(stdout);
        stdout.CopyTo(Stream.Null);
        writer.GetAwaiter().GetResult();
        p.WaitForExit();
        stop.Cancel();
        watch.GetAwaiter().GetResult();
        Assert.True(p.ExitCode == 0, $"exit {p.ExitCode}: {err.GetAwaiter().GetResult()}");
        return (head.ToString(), peak);
    }

    public void Dispose() => daemon.RemoveContainer(_name);
}
