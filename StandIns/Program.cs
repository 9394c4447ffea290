using System.Runtime.InteropServices;

namespace Dockerman.StandIns;

/// <summary>The stand-ins as a program of their own, for make bench (and anything else that wants a router's bus).</summary>
internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        if (CommandLine.Parse(args, out string error) is not StandInOptions options)
        {
            Console.Error.WriteLine($"dockerman-standins: {error}\n{CommandLine.Usage}");
            return 2;
        }

        var stop = new TaskCompletionSource();
        using PosixSignalRegistration term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => Stop(c, stop));
        using PosixSignalRegistration interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => Stop(c, stop));
        using StandInHost host = await StandInHost.StartAsync(options, CancellationToken.None);
        Console.Out.WriteLine($"ready ubus={host.UbusSocket} http={host.Http?.ToString() ?? "none"}");
        Console.Out.Flush();
        await stop.Task;
        return 0;
    }

    private static void Stop(PosixSignalContext context, TaskCompletionSource stop)
    {
        context.Cancel = true;
        stop.TrySetResult();
    }
}
