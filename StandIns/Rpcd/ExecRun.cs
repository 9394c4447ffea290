using System.Diagnostics;
using System.Text;

namespace Dockerman.StandIns.Rpcd;

/// <summary>How a plugin's run ended.</summary>
internal enum ExecEnd
{
    /// <summary>It closed stdout and stderr and exited within the bounds.</summary>
    Exited,

    /// <summary>It wrote more than <see cref="ExecLimits.MaxOutput"/> to stdout or stderr.</summary>
    OverCap,

    /// <summary>It ran past the exec timeout.</summary>
    TimedOut,

    /// <summary>It could not be started.</summary>
    NotStarted,
}

/// <summary>What one run of a plugin gave.</summary>
internal sealed record ExecResult(ExecEnd End, string Stdout, string Stderr);

/// <summary>
/// One run of an exec plugin as rpcd makes it: the executable by its path in the plugin folder
/// (so it sees the name it was linked as), the arguments as JSON on stdin, stdout and stderr read
/// as they come, each up to <see cref="ExecLimits.MaxOutput"/>; the answer once both are closed
/// and the process has exited. Over the cap or past the timeout the process is SIGKILLed (it alone,
/// not what it started) and the answer is given at once.
/// </summary>
internal static class ExecRun
{
    public static async Task<ExecResult> RunAsync(string path, string[] args, string? stdin, TimeSpan timeout,
        IReadOnlyDictionary<string, string>? environment, CancellationToken cancel)
    {
        var psi = new ProcessStartInfo(path)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = "/",
        };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        if (environment != null)
        {
            psi.Environment.Clear();
            foreach ((string k, string v) in environment)
            {
                psi.Environment[k] = v;
            }
        }

        Process process;
        try
        {
            process = Process.Start(psi)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return new ExecResult(ExecEnd.NotStarted, "", e.Message);
        }

        using (process)
        using (var bounds = CancellationTokenSource.CreateLinkedTokenSource(cancel))
        {
            bounds.CancelAfter(timeout);
            var overCap = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Task<string> stdout = ReadCappedAsync(process.StandardOutput.BaseStream, overCap);
            Task<string> stderr = ReadCappedAsync(process.StandardError.BaseStream, overCap);
            Task feed = FeedAsync(process.StandardInput, stdin ?? "");
            Task finished = Task.WhenAll(stdout, stderr, process.WaitForExitAsync(CancellationToken.None), feed);
            var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using CancellationTokenRegistration deadline = bounds.Token.Register(() => stopped.TrySetResult());
            Task first = await Task.WhenAny(finished, overCap.Task, stopped.Task);
            if (first == finished && !overCap.Task.IsCompleted)
            {
                return new ExecResult(ExecEnd.Exited, await stdout, await stderr);
            }

            Kill(process);
            return new ExecResult(first == overCap.Task || overCap.Task.IsCompleted ? ExecEnd.OverCap : ExecEnd.TimedOut,
                "", "");
        }
    }

    private static async Task FeedAsync(StreamWriter input, string text)
    {
        try
        {
            await input.WriteAsync(text);
            await input.FlushAsync();
            input.Close();
        }
        catch (IOException)
        {
            // The plugin did not read its arguments: as with rpcd, only its output counts.
        }
    }

    private static async Task<string> ReadCappedAsync(Stream stream, TaskCompletionSource overCap)
    {
        var buffer = new byte[ExecLimits.MaxOutput + 1];
        int filled = 0;
        while (true)
        {
            int n = await stream.ReadAsync(buffer.AsMemory(filled, buffer.Length - filled));
            if (n == 0)
            {
                return Encoding.UTF8.GetString(buffer, 0, filled);
            }

            filled += n;
            if (filled > ExecLimits.MaxOutput)
            {
                overCap.TrySetResult();
                return "";
            }
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: false);
        }
        catch (InvalidOperationException)
        {
            // It exited on its own meanwhile.
        }
    }
}
