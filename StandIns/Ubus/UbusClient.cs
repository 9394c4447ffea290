using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace Dockerman.StandIns.Ubus;

/// <summary>What LOOKUP says of one object: its path, its id and its methods' signatures.</summary>
internal sealed record UbusObjectInfo(string Path, uint Id, IReadOnlyList<UbusMethod> Methods);

/// <summary>
/// A bus client, one request at a time: connects and reads ubusd's HELLO, then LOOKUP and INVOKE,
/// each read until the STATUS of its sequence number. uhttpd's /ubus is one (<c>Uhttpd/</c>), and
/// so is the <c>ubus</c> command of a router's root shell, for the tests (no ACL applies).
/// </summary>
internal sealed class UbusClient : IDisposable
{
    private readonly UbusConnection _connection;
    private ushort _seq;

    private UbusClient(UbusConnection connection, uint peer)
    {
        _connection = connection;
        Peer = peer;
    }

    /// <summary>The id ubusd gave this client in its HELLO.</summary>
    public uint Peer { get; }

    public static async Task<UbusClient> ConnectAsync(string socketPath, CancellationToken cancel)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancel);
            var connection = new UbusConnection(socket);
            UbusMessage hello = await connection.ReadAsync(cancel) ?? throw new IOException("ubusd closed the connection before HELLO");
            if (hello.Type != UbusMessageType.Hello)
            {
                throw new BlobFormatException($"message type {hello.Type} where HELLO comes first");
            }

            return new UbusClient(connection, hello.Peer);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>The objects at <paramref name="path"/> (a trailing <c>*</c> for all it starts; null for all).</summary>
    public async Task<IReadOnlyList<UbusObjectInfo>> LookupAsync(string? path, CancellationToken cancel)
    {
        var found = new List<UbusObjectInfo>();
        UbusStatus status = await ExchangeAsync(UbusMessageType.Lookup, 0, w =>
        {
            if (path != null)
            {
                w.String((int)UbusAttr.ObjPath, path);
            }
        }, data => found.Add(Info(data)), cancel);
        return status is UbusStatus.Ok or UbusStatus.NotFound ? found : throw new IOException($"LOOKUP answered {status}");
    }

    /// <summary>A call: its status and its DATA table, if it sent one.</summary>
    public async Task<(UbusStatus Status, JsonObject? Data)> InvokeAsync(uint objectId, string method, JsonObject args, CancellationToken cancel)
    {
        JsonObject? reply = null;
        UbusStatus status = await ExchangeAsync(UbusMessageType.Invoke, objectId, w =>
        {
            w.Int32((int)UbusAttr.ObjId, (int)objectId);
            w.String((int)UbusAttr.Method, method);
            int data = w.Begin((int)UbusAttr.Data);
            BlobmsgJson.WriteFields(w, args);
            w.End(data);
        }, m => reply = m.Attr(UbusAttr.Data) is byte[] table ? BlobmsgJson.ToObject(table) : reply, cancel);
        return (status, reply);
    }

    /// <summary>Looks the object up by path and calls it; NOT_FOUND when there is no such object.</summary>
    public async Task<(UbusStatus Status, JsonObject? Data)> CallAsync(string path, string method, JsonObject args, CancellationToken cancel)
    {
        IReadOnlyList<UbusObjectInfo> found = await LookupAsync(path, cancel);
        UbusObjectInfo? target = found.FirstOrDefault(o => o.Path == path);
        return target == null ? (UbusStatus.NotFound, null) : await InvokeAsync(target.Id, method, args, cancel);
    }

    private async Task<UbusStatus> ExchangeAsync(UbusMessageType type, uint peer, Action<BlobWriter> attrs, Action<UbusMessage> onData,
        CancellationToken cancel)
    {
        ushort seq = ++_seq;
        await _connection.SendAsync(UbusMessage.Build(type, seq, peer, attrs), cancel);
        while (true)
        {
            UbusMessage m = await _connection.ReadAsync(cancel) ?? throw new IOException("ubusd closed the connection");
            if (m.Seq != seq)
            {
                continue;
            }

            if (m.Type == UbusMessageType.Data)
            {
                onData(m);
            }
            else if (m.Type == UbusMessageType.Status)
            {
                return (UbusStatus)(m.Int32(UbusAttr.Status) ?? throw new BlobFormatException("a STATUS without its status"));
            }
        }
    }

    private static UbusObjectInfo Info(UbusMessage data)
    {
        string path = data.String(UbusAttr.ObjPath) ?? throw new BlobFormatException("a LOOKUP reply without OBJPATH");
        uint id = (uint)(data.Int32(UbusAttr.ObjId) ?? throw new BlobFormatException("a LOOKUP reply without OBJID"));
        var methods = new List<UbusMethod>();
        if (data.Attr(UbusAttr.Signature) is byte[] signature)
        {
            foreach ((string name, JsonNode? args) in BlobmsgJson.ToObject(signature))
            {
                methods.Add(new UbusMethod(name, [.. (args as JsonObject ?? []).Select(a =>
                    new KeyValuePair<string, BlobmsgType>(a.Key, (BlobmsgType)a.Value!.GetValue<int>()))]));
            }
        }

        return new UbusObjectInfo(path, id, methods);
    }

    public void Dispose() => _connection.Dispose();
}
