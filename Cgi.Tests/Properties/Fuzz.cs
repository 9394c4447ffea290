using System.Runtime.CompilerServices;
using System.Text;
using CsCheck;

namespace Dockerman.Tests.Properties;

/// <summary>
/// Runs a property over generated cases. <c>make test</c> runs <see cref="DefaultCases"/> per
/// property; <c>make fuzz</c> sets <c>DOCKERMAN_FUZZ_CASES</c> (a million or more) and
/// <c>DOCKERMAN_FUZZ_REPORT</c>, a file that gets one line per property: its name, the cases run,
/// and on failure CsCheck's shrunk input.
/// </summary>
internal static class Fuzz
{
    public const long DefaultCases = 1000;

    public static long Cases { get; } =
        long.TryParse(Environment.GetEnvironmentVariable("DOCKERMAN_FUZZ_CASES"), out long n) && n > 0 ? n : DefaultCases;

    private static readonly string? Report = Environment.GetEnvironmentVariable("DOCKERMAN_FUZZ_REPORT");

    private static readonly Lock ReportLock = new();

    public static void Check<T>(Gen<T> gen, Action<T> property, Func<T, string>? print = null,
        [CallerFilePath] string file = "", [CallerMemberName] string name = "")
    {
        string id = $"{Path.GetFileNameWithoutExtension(file)}.{name}";
        var started = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            gen.Sample(property, iter: Cases, print: print);
        }
        catch (Exception e)
        {
            Write($"{id}\t{Cases}\tFAILED\t{started.Elapsed.TotalSeconds:F1}s\t{e.Message.ReplaceLineEndings(" | ")}");
            throw;
        }

        Write($"{id}\t{Cases}\tok\t{started.Elapsed.TotalSeconds:F1}s");
    }

    private static void Write(string line)
    {
        if (string.IsNullOrEmpty(Report))
        {
            return;
        }

        lock (ReportLock)
        {
            File.AppendAllText(Report, line + "\n");
        }
    }

    /// <summary>Bytes as a C#-like literal, so a shrunk case can be pasted into a table test.</summary>
    public static string Show(byte[] bytes)
    {
        var sb = new StringBuilder("\"");
        foreach (byte b in bytes)
        {
            sb.Append(b switch
            {
                (byte)'\r' => "\\r",
                (byte)'\n' => "\\n",
                (byte)'"' => "\\\"",
                (byte)'\\' => "\\\\",
                >= 0x20 and < 0x7f => ((char)b).ToString(),
                _ => $"\\x{b:X2}",
            });
        }

        return sb.Append('"').ToString();
    }

    public static string Show(string s) => Show(Encoding.UTF8.GetBytes(s)) + $" ({s.Length} chars)";

    /// <summary>Bytes that are mostly <paramref name="alphabet"/>, with an occasional arbitrary byte:
    /// random data alone rarely gets past a parser's first check.</summary>
    public static Gen<byte[]> BytesOf(string alphabet, int maxLength) =>
        Gen.Frequency(
            (8, Gen.OneOf(Encoding.Latin1.GetBytes(alphabet))),
            (1, Gen.Byte)).Array[0, maxLength];

    /// <summary>A valid input with a few bytes replaced, inserted or removed.</summary>
    public static Gen<byte[]> Mutated(Gen<byte[]> valid) =>
        Gen.Select(valid, Gen.Select(Gen.Int[0, 2], Gen.Int[0, int.MaxValue], Gen.Byte).Array[1, 4], (input, edits) =>
        {
            var bytes = new List<byte>(input);
            foreach ((int op, int at, byte b) in edits)
            {
                int i = bytes.Count == 0 ? 0 : at % bytes.Count;
                switch (op)
                {
                    case 0 when bytes.Count > 0: bytes[i] = b; break;
                    case 1: bytes.Insert(i, b); break;
                    case 2 when bytes.Count > 0: bytes.RemoveAt(i); break;
                }
            }

            return bytes.ToArray();
        });

    /// <summary>Cut points for feeding an input in pieces.</summary>
    public static Gen<int[]> Splits => Gen.Int[1, 64].Array[1, 8];

    public static IEnumerable<byte[]> Pieces(byte[] input, int[] sizes)
    {
        int at = 0;
        for (int k = 0; at < input.Length; k++)
        {
            int n = Math.Min(sizes[k % sizes.Length], input.Length - at);
            yield return input[at..(at + n)];
            at += n;
        }
    }
}
