using System.Diagnostics;
using System.Text;

namespace Dockerman.Tests.Support;

/// <summary>
/// A long-running program started for a test (a server, a daemon) with its stdout and stderr
/// drained all along into one log, so that a full pipe never stalls it, and stopped by its own pid.
/// </summary>
public sealed class LoggedProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();

    public LoggedProcess(string program, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var psi = new ProcessStartInfo(program)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment.Clear();
        psi.Environment["PATH"] = "/usr/sbin:/usr/bin:/sbin:/bin";
        foreach ((string key, string value) in environment ?? new Dictionary<string, string>())
        {
            psi.Environment[key] = value;
        }

        Name = Path.GetFileName(program);
        _process = Process.Start(psi) ?? throw new InvalidOperationException($"{program} did not start");
        DataReceivedEventHandler append = (_, e) =>
        {
            if (e.Data != null)
            {
                lock (_log)
                {
                    _log.AppendLine(e.Data);
                }
            }
        };
        _process.ErrorDataReceived += append;
        _process.OutputDataReceived += append;
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
    }

    public string Name { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>What the program wrote so far, for failure messages.</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>Kills this process (by its pid, never its children or others by name) and waits for it.</summary>
    public void Stop()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
            }

            _process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    public void Dispose()
    {
        Stop();
        _process.Dispose();
    }
}
