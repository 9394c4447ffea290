using System.Text.Json.Nodes;

namespace Dockerman.StandIns.Ubus;

/// <summary>One method of an object and the types of its arguments (its signature, as LOOKUP tells).</summary>
internal sealed record UbusMethod(string Name, IReadOnlyList<KeyValuePair<string, BlobmsgType>> Args);

/// <summary>What a method answers: a status and, with it or without, one table of data.</summary>
internal sealed record UbusReply(UbusStatus Status, JsonObject? Data = null)
{
    public static UbusReply Ok(JsonObject? data = null) => new(UbusStatus.Ok, data);
}

/// <summary>Runs one call of a method: its name and arguments (the INVOKE's DATA table).</summary>
internal delegate Task<UbusReply> UbusHandler(string method, JsonObject args, CancellationToken cancel);

/// <summary>An object on the bus: its path, its methods, what answers them, and the id ubusd gave it.</summary>
internal sealed class UbusObject(string path, IReadOnlyList<UbusMethod> methods, UbusHandler handler)
{
    public string Path { get; } = path;

    public IReadOnlyList<UbusMethod> Methods { get; } = methods;

    public UbusHandler Handler { get; } = handler;

    public uint Id { get; set; }

    public bool Has(string method) => Methods.Any(m => m.Name == method);
}
