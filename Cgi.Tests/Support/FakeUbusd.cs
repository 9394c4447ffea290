using System.Buffers.Binary;
using System.Net.Sockets;
using Dockerman.Auth.Ubus;

namespace Dockerman.Tests.Support;

/// <summary>How the fake ubusd behaves on a connection.</summary>
public enum UbusdMode
{
    /// <summary>Like ubusd with rpcd's session object behind it.</summary>
    Normal,

    /// <summary>Accepts and never says anything.</summary>
    Stall,

    /// <summary>Sends bytes that are not a ubus message.</summary>
    Garbage,

    /// <summary>Sends the first bytes of its hello message, then nothing more.</summary>
    StallMidMessage,
}

/// <summary>A session as rpcd keeps it: the rights of one ACL group and the CSRF token.</summary>
public sealed record FakeSession(string Group, bool Read, bool Write, string? Token);

/// <summary>
/// A fake ubusd on a Unix socket that speaks the real framing (8-byte header, blob_attr tree,
/// blobmsg tables) and answers <c>session.access</c> and <c>session.get</c> like rpcd: status 4 for
/// an unknown session, <c>{"access": bool}</c>, <c>{"values": {"token": …}}</c>.
/// </summary>
public sealed class FakeUbusd : IDisposable
{
    private const uint SessionObjectId = 0x2a5e55;
    private readonly Socket _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Socket> _clients = [];
    private int _connections;

    public FakeUbusd(UbusdMode mode = UbusdMode.Normal)
    {
        Mode = mode;
        Dir = Paths.TempDir("ubus");
        SocketPath = Path.Combine(Dir, "ubus.sock");
        _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _listener.Bind(new UnixDomainSocketEndPoint(SocketPath));
        _listener.Listen(16);
        _ = Task.Run(AcceptLoop);
    }

    public UbusdMode Mode { get; }

    public string Dir { get; }

    public string SocketPath { get; }

    public Dictionary<string, FakeSession> Sessions { get; } = new(StringComparer.Ordinal);

    /// <summary>Every method invoked, as "method sid function".</summary>
    public List<string> Calls { get; } = [];

    public int Connections => Volatile.Read(ref _connections);

    private async Task AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(_stop.Token);
            }
            catch (Exception)
            {
                return;
            }

            Interlocked.Increment(ref _connections);
            lock (_clients)
            {
                _clients.Add(client);
            }

            _ = Task.Run(() => Serve(client));
        }
    }

    private void Serve(Socket client)
    {
        try
        {
            switch (Mode)
            {
                case UbusdMode.Stall:
                    return; // the socket stays open until Dispose
                case UbusdMode.Garbage:
                    client.Send("HTTP/1.1 200 OK\r\n\r\nnot ubus at all"u8.ToArray());
                    return;
                case UbusdMode.StallMidMessage:
                    client.Send(BlobWriter.Message(UbusMessageType.Hello, 0, 0x1234, _ => { }).AsSpan(0, 10));
                    return;
            }

            client.Send(BlobWriter.Message(UbusMessageType.Hello, 0, 0x1234, _ => { }));
            while (true)
            {
                byte[] head = new byte[12];
                if (!ReadExactly(client, head))
                {
                    return;
                }

                int length = (int)(BinaryPrimitives.ReadUInt32BigEndian(head.AsSpan(8)) & 0xffffff);
                byte[] body = new byte[length - 4];
                if (!ReadExactly(client, body))
                {
                    return;
                }

                var type = (UbusMessageType)head[1];
                ushort seq = BinaryPrimitives.ReadUInt16BigEndian(head.AsSpan(2));
                if (type == UbusMessageType.Lookup)
                {
                    client.Send(BlobWriter.Message(UbusMessageType.Data, seq, 0x1234, w =>
                    {
                        w.String((int)UbusAttr.ObjPath, "session");
                        w.Int32((int)UbusAttr.ObjId, (int)SessionObjectId);
                        w.Int32((int)UbusAttr.ObjType, 0x77);
                    }));
                    client.Send(Status(seq, 0));
                }
                else if (type == UbusMessageType.Invoke)
                {
                    Invoke(client, seq, body);
                }
            }
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private void Invoke(Socket client, ushort seq, byte[] body)
    {
        string method = "";
        var args = new Dictionary<string, string>(StringComparer.Ordinal);
        var reader = new BlobReader(body);
        while (reader.Next(out BlobAttr a))
        {
            if (a.Id == (int)UbusAttr.Method)
            {
                method = a.AsString();
            }
            else if (a.Id == (int)UbusAttr.Data)
            {
                var table = new BlobReader(a.Value);
                while (table.Next(out BlobAttr arg))
                {
                    args[System.Text.Encoding.UTF8.GetString(arg.Name)] = arg.AsString();
                }
            }
        }

        string sid = args.GetValueOrDefault("ubus_rpc_session", "");
        lock (Calls)
        {
            Calls.Add($"{method} {sid} {args.GetValueOrDefault("function", "")}".TrimEnd());
        }

        if (!Sessions.TryGetValue(sid, out FakeSession? session))
        {
            client.Send(Status(seq, UbusStatus.NotFound));
            return;
        }

        if (method == "access")
        {
            bool granted = args.GetValueOrDefault("scope") == "access-group" && args.GetValueOrDefault("object") == session.Group &&
                           (args.GetValueOrDefault("function") == "read" ? session.Read : args.GetValueOrDefault("function") == "write" && session.Write);
            client.Send(BlobWriter.Message(UbusMessageType.Data, seq, 0x1234, w =>
            {
                w.Int32((int)UbusAttr.ObjId, (int)SessionObjectId);
                int data = w.Begin((int)UbusAttr.Data);
                w.Bool("access", granted);
                w.End(data);
            }));
            client.Send(Status(seq, 0));
        }
        else if (method == "get")
        {
            client.Send(BlobWriter.Message(UbusMessageType.Data, seq, 0x1234, w =>
            {
                w.Int32((int)UbusAttr.ObjId, (int)SessionObjectId);
                int data = w.Begin((int)UbusAttr.Data);
                int values = w.Begin((int)BlobMsgType.Table, "values");
                w.MsgString("username", "root");
                if (session.Token != null)
                {
                    w.MsgString("token", session.Token);
                }

                w.End(values);
                w.End(data);
            }));
            client.Send(Status(seq, 0));
        }
        else
        {
            client.Send(Status(seq, 3)); // UBUS_STATUS_METHOD_NOT_FOUND
        }
    }

    private static byte[] Status(ushort seq, int status) =>
        BlobWriter.Message(UbusMessageType.Status, seq, 0x1234, w => w.Int32((int)UbusAttr.Status, status));

    private static bool ReadExactly(Socket s, byte[] buffer)
    {
        int got = 0;
        while (got < buffer.Length)
        {
            int n = s.Receive(buffer, got, buffer.Length - got, SocketFlags.None);
            if (n == 0)
            {
                return false;
            }

            got += n;
        }

        return true;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Dispose();
        lock (_clients)
        {
            foreach (Socket c in _clients)
            {
                c.Dispose();
            }
        }

        try
        {
            Directory.Delete(Dir, true);
        }
        catch (IOException)
        {
        }
    }
}
