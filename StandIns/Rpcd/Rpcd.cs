using System.Diagnostics;
using System.Text.Json.Nodes;
using Dockerman.StandIns.Ubus;

namespace Dockerman.StandIns.Rpcd;

/// <summary>
/// rpcd: the <c>session</c> object and one object per exec plugin, put on the bus when it starts
/// (the plugin folder is listed then, once). <see cref="Pause"/> makes it stop answering, as a
/// stopped rpcd would, while ubusd goes on greeting and looking up: calls wait until
/// <see cref="Resume"/>.
/// </summary>
internal sealed class Rpcd(Ubusd bus, RpcdFolders folders, RpcdExecSettings exec, StandInLog log)
{
    private readonly object _gateLock = new();
    private TaskCompletionSource _open = Opened();

    public SessionStore Sessions { get; } = new(() => Stopwatch.GetTimestamp() * 1000 / Stopwatch.Frequency);

    public async Task StartAsync(CancellationToken cancel)
    {
        var session = new SessionObject(Sessions, folders, log);
        session.CreateAnonymous();
        bus.Add(new UbusObject("session", SessionObject.Methods, Gated(session.CallAsync)));
        foreach (ExecPlugin plugin in await ExecPlugin.ListFolderAsync(folders.Plugins, exec, log, cancel))
        {
            bus.Add(new UbusObject(plugin.Name, plugin.Methods, Gated(plugin.CallAsync)));
        }
    }

    public void Pause()
    {
        lock (_gateLock)
        {
            if (_open.Task.IsCompleted)
            {
                _open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    public void Resume()
    {
        lock (_gateLock)
        {
            _open.TrySetResult();
        }
    }

    private static TaskCompletionSource Opened()
    {
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        open.SetResult();
        return open;
    }

    private UbusHandler Gated(UbusHandler handler) => async (string method, JsonObject args, CancellationToken cancel) =>
    {
        Task open;
        lock (_gateLock)
        {
            open = _open.Task;
        }

        await open.WaitAsync(cancel);
        return await handler(method, args, cancel);
    };
}
