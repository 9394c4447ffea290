using System.Text.Json;
using System.Text.Json.Nodes;
using Dockerman.StandIns.Ubus;

namespace Dockerman.StandIns.Rpcd;

/// <summary>
/// An executable in rpcd's plugin folder, an object on the bus named as its file. When rpcd
/// starts it runs <c>&lt;plugin&gt; list</c>, whose stdout is one JSON object
/// <c>{method: {argument: template}}</c>: each member a method, each template's JSON type the
/// argument's type (string: STRING, integer: INT32, other number: DOUBLE, boolean: BOOL, object:
/// TABLE, array: ARRAY). A call runs <c>&lt;plugin&gt; call &lt;method&gt;</c> with the arguments as
/// JSON on stdin and answers with the JSON object on its stdout (NO_DATA when it wrote none); over
/// <see cref="ExecLimits.MaxOutput"/> the answer is NOT_SUPPORTED, past the exec timeout TIMEOUT.
/// </summary>
internal sealed class ExecPlugin(string path, IReadOnlyList<UbusMethod> methods, RpcdExecSettings settings, StandInLog log)
{
    public string Name { get; } = System.IO.Path.GetFileName(path);

    public IReadOnlyList<UbusMethod> Methods { get; } = methods;

    /// <summary>The plugins of <paramref name="folder"/> whose <c>list</c> answered, in name order.</summary>
    public static async Task<List<ExecPlugin>> ListFolderAsync(string folder, RpcdExecSettings settings, StandInLog log, CancellationToken cancel)
    {
        var plugins = new List<ExecPlugin>();
        if (!Directory.Exists(folder))
        {
            return plugins;
        }

        foreach (string path in Directory.GetFileSystemEntries(folder).Order(StringComparer.Ordinal))
        {
            if (!IsExecutable(path))
            {
                continue;
            }

            ExecResult listed = await ExecRun.RunAsync(path, ["list"], null, settings.Timeout, settings.Environment, cancel);
            if (listed.End == ExecEnd.Exited && Parse(listed.Stdout) is List<UbusMethod> methods)
            {
                plugins.Add(new ExecPlugin(path, methods, settings, log));
            }
            else
            {
                log.Line($"rpcd: {path} list: {listed.End}, not an object of methods: {listed.Stdout}{listed.Stderr}");
            }
        }

        return plugins;
    }

    private static bool IsExecutable(string path)
    {
        try
        {
            var info = new FileInfo(path);
            FileSystemInfo target = info.LinkTarget != null ? info.ResolveLinkTarget(returnFinalTarget: true) ?? info : info;
            return target is FileInfo { Exists: true } file &&
                (file.UnixFileMode & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static List<UbusMethod>? Parse(string json)
    {
        JsonObject? list;
        try
        {
            list = JsonNode.Parse(json) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }

        if (list == null)
        {
            return null;
        }

        var methods = new List<UbusMethod>();
        foreach ((string method, JsonNode? template) in list)
        {
            var args = new List<KeyValuePair<string, BlobmsgType>>();
            foreach ((string arg, JsonNode? example) in template as JsonObject ?? [])
            {
                args.Add(new(arg, TypeOf(example)));
            }

            methods.Add(new UbusMethod(method, args));
        }

        return methods;
    }

    private static BlobmsgType TypeOf(JsonNode? example) => example?.GetValueKind() switch
    {
        JsonValueKind.String => BlobmsgType.String,
        JsonValueKind.Number => example.AsValue().TryGetValue(out int _) ? BlobmsgType.Int32 : BlobmsgType.Double,
        JsonValueKind.True or JsonValueKind.False => BlobmsgType.Bool,
        JsonValueKind.Object => BlobmsgType.Table,
        JsonValueKind.Array => BlobmsgType.Array,
        _ => BlobmsgType.Unspec,
    };

    public async Task<UbusReply> CallAsync(string method, JsonObject args, CancellationToken cancel)
    {
        ExecResult run = await ExecRun.RunAsync(path, ["call", method], args.ToJsonString(), settings.Timeout, settings.Environment, cancel);
        if (run.Stderr.Length > 0)
        {
            log.Line($"rpcd: {Name} call {method}: {run.Stderr.TrimEnd('\n')}");
        }

        switch (run.End)
        {
            case ExecEnd.OverCap:
                log.Line($"rpcd: {Name} call {method}: more than {ExecLimits.MaxOutput} bytes of output");
                return new UbusReply(UbusStatus.NotSupported);
            case ExecEnd.TimedOut:
                log.Line($"rpcd: {Name} call {method}: killed after {settings.Timeout.TotalSeconds} s");
                return new UbusReply(UbusStatus.Timeout);
            case ExecEnd.NotStarted:
                return new UbusReply(UbusStatus.NotFound);
        }

        try
        {
            return JsonNode.Parse(run.Stdout) is JsonObject reply ? UbusReply.Ok(reply) : new UbusReply(UbusStatus.NoData);
        }
        catch (JsonException)
        {
            return new UbusReply(UbusStatus.NoData);
        }
    }
}
