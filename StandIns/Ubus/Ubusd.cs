using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace Dockerman.StandIns.Ubus;

/// <summary>
/// The bus (ubusd): a Unix socket whose clients are greeted with HELLO (peer = the id given to the
/// client), then send LOOKUP (objects by path, a trailing <c>*</c> matching every path it starts;
/// no path: all) and INVOKE (a method of an object by id). A LOOKUP is answered with one DATA
/// per object — OBJPATH, OBJID, OBJTYPE, SIGNATURE — and a STATUS (NOT_FOUND when nothing
/// matched); an INVOKE with the method's DATA, if any, and its STATUS, all with the request's
/// sequence number. A client that sends something malformed or over UBUS_MAX_MSGLEN is
/// disconnected. The objects live in this process (rpcd's, registered by <see cref="Rpcd"/>).
/// </summary>
internal sealed class Ubusd : IDisposable
{
    private readonly ConcurrentDictionary<uint, UbusObject> _objects = new();
    private readonly ConcurrentDictionary<uint, UbusConnection> _clients = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly StandInLog _log;
    private readonly Socket _listener;
    private Task _accepting = Task.CompletedTask;

    public Ubusd(string socketPath, StandInLog log)
    {
        SocketPath = socketPath;
        _log = log;
        if (File.Exists(socketPath))
        {
            File.Delete(socketPath); // a socket left by an earlier run that was killed
        }

        _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _listener.Bind(new UnixDomainSocketEndPoint(socketPath));
        _listener.Listen(128);
    }

    public string SocketPath { get; }

    public void Start() => _accepting = AcceptAsync();

    /// <summary>Puts <paramref name="obj"/> on the bus under a new id.</summary>
    public void Add(UbusObject obj)
    {
        if (_objects.Values.Any(o => o.Path == obj.Path))
        {
            throw new InvalidOperationException($"an object '{obj.Path}' is on the bus already");
        }

        obj.Id = NewId(_objects.ContainsKey);
        _objects[obj.Id] = obj;
    }

    private static uint NewId(Func<uint, bool> taken)
    {
        uint id;
        do
        {
            id = BitConverter.ToUInt32(RandomNumberGenerator.GetBytes(4)) & 0x7fff_ffff;
        }
        while (id == 0 || taken(id));

        return id;
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            _ = ServeAsync(new UbusConnection(socket));
        }
    }

    private async Task ServeAsync(UbusConnection client)
    {
        uint peer = NewId(_clients.ContainsKey);
        _clients[peer] = client;
        try
        {
            await client.SendAsync(UbusMessage.Build(UbusMessageType.Hello, 0, peer, null), _stop.Token);
            while (await client.ReadAsync(_stop.Token) is UbusMessage m)
            {
                switch (m.Type)
                {
                    case UbusMessageType.Hello:
                        break;
                    case UbusMessageType.Lookup:
                        await LookupAsync(client, m);
                        break;
                    case UbusMessageType.Invoke:
                        await InvokeAsync(client, m);
                        break;
                    default:
                        await StatusAsync(client, m.Seq, peer, UbusStatus.InvalidCommand, null);
                        break;
                }
            }
        }
        catch (BlobFormatException e)
        {
            _log.Line($"ubusd: client {peer:x8} dropped: {e.Message}");
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException or IOException)
        {
        }
        finally
        {
            _clients.TryRemove(peer, out _);
            client.Dispose();
        }
    }

    private async Task LookupAsync(UbusConnection client, UbusMessage m)
    {
        string? path = m.String(UbusAttr.ObjPath);
        UbusObject[] found = [.. _objects.Values.Where(o => Matches(path, o.Path)).OrderBy(o => o.Path, StringComparer.Ordinal)];
        foreach (UbusObject o in found)
        {
            await client.SendAsync(UbusMessage.Build(UbusMessageType.Data, m.Seq, m.Peer, w =>
            {
                w.String((int)UbusAttr.ObjPath, o.Path);
                w.Int32((int)UbusAttr.ObjId, (int)o.Id);
                w.Int32((int)UbusAttr.ObjType, (int)o.Id);
                int signature = w.Begin((int)UbusAttr.Signature);
                foreach (UbusMethod method in o.Methods)
                {
                    int table = w.BeginField(BlobmsgType.Table, method.Name);
                    foreach ((string arg, BlobmsgType type) in method.Args)
                    {
                        w.FieldInt32(arg, (int)type);
                    }

                    w.End(table);
                }

                w.End(signature);
            }), _stop.Token);
        }

        await StatusAsync(client, m.Seq, m.Peer, found.Length == 0 ? UbusStatus.NotFound : UbusStatus.Ok, null);
    }

    private static bool Matches(string? pattern, string path) =>
        string.IsNullOrEmpty(pattern) || pattern == path ||
        (pattern.EndsWith('*') && path.StartsWith(pattern[..^1], StringComparison.Ordinal));

    private async Task InvokeAsync(UbusConnection client, UbusMessage m)
    {
        uint id = m.Int32(UbusAttr.ObjId) is int given ? (uint)given : m.Peer;
        string? method = m.String(UbusAttr.Method);
        bool reply = m.Attr(UbusAttr.NoReply) is not byte[] noReply || noReply.Length < 1 || noReply.All(b => b == 0);
        UbusReply answer;
        if (!_objects.TryGetValue(id, out UbusObject? obj))
        {
            answer = new UbusReply(UbusStatus.NotFound);
        }
        else if (method == null)
        {
            answer = new UbusReply(UbusStatus.InvalidArgument);
        }
        else if (!obj.Has(method))
        {
            answer = new UbusReply(UbusStatus.MethodNotFound);
        }
        else
        {
            JsonObject args = m.Attr(UbusAttr.Data) is byte[] data ? BlobmsgJson.ToObject(data) : [];
            answer = await obj.Handler(method, args, _stop.Token);
        }

        if (!reply)
        {
            return;
        }

        if (answer.Data != null)
        {
            byte[] data;
            try
            {
                data = UbusMessage.Build(UbusMessageType.Data, m.Seq, id, w =>
                {
                    w.Int32((int)UbusAttr.ObjId, (int)id);
                    int table = w.Begin((int)UbusAttr.Data);
                    BlobmsgJson.WriteFields(w, answer.Data);
                    w.End(table);
                });
            }
            catch (UbusMessageTooLargeException e)
            {
                _log.Line($"ubusd: {obj?.Path}.{method}: {e.Message}");
                await StatusAsync(client, m.Seq, id, UbusStatus.UnknownError, id);
                return;
            }

            await client.SendAsync(data, _stop.Token);
        }

        await StatusAsync(client, m.Seq, id, answer.Status, id);
    }

    private Task StatusAsync(UbusConnection client, ushort seq, uint peer, UbusStatus status, uint? objectId) =>
        client.SendAsync(UbusMessage.Build(UbusMessageType.Status, seq, peer, w =>
        {
            w.Int32((int)UbusAttr.Status, (int)status);
            if (objectId is uint id)
            {
                w.Int32((int)UbusAttr.ObjId, (int)id);
            }
        }), _stop.Token);

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Dispose();
        foreach (UbusConnection c in _clients.Values)
        {
            c.Dispose();
        }

        try
        {
            _accepting.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }

        File.Delete(SocketPath);
        _stop.Dispose();
    }
}
