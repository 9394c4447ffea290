using System.Buffers.Binary;
using Dockerman.Native;

namespace Dockerman.Auth.Ubus;

/// <summary>
/// A minimal native ubus client: connect (the daemon greets with HELLO), LOOKUP an object, INVOKE
/// a method and collect its DATA until the STATUS of the same sequence number. Every read is
/// bounded by one deadline for the whole exchange.
/// </summary>
internal sealed class UbusClient : IDisposable
{
    private readonly StreamSocket _socket;
    private readonly Func<long> _now;
    private readonly long _deadline;
    private readonly byte[] _input = new byte[4096];
    private int _filled;
    private int _used;
    private ushort _seq;
    private bool _greeted;

    private UbusClient(StreamSocket socket, Func<long> now, long deadline)
    {
        _socket = socket;
        _now = now;
        _deadline = deadline;
    }

    /// <summary>Connects; the HELLO ubusd greets with is read with the reply to the first request,
    /// which goes out without waiting for it (one wait for ubusd fewer).</summary>
    public static UbusClient Connect(string path, Func<long> now)
    {
        long deadline = now() + UbusConstants.TimeoutMs;
        return new UbusClient(StreamSocket.ConnectUnix(path, UbusConstants.TimeoutMs), now, deadline);
    }

    /// <summary>The id of the object at <paramref name="path"/>.</summary>
    public uint Lookup(string path)
    {
        ushort seq = ++_seq;
        (int status, byte[]? id) = Exchange(
            BlobWriter.Message(UbusMessageType.Lookup, seq, 0, w => w.String((int)UbusAttr.ObjPath, path)), seq, UbusAttr.ObjId, first: true);
        if (status != UbusStatus.Ok || id == null)
        {
            throw new UbusCallException(status == UbusStatus.Ok ? UbusStatus.NotFound : status, $"lookup {path}");
        }

        return (uint)BlobAttr.Int32Of(id);
    }

    /// <summary>Calls a method; returns the reply's DATA table payload (blobmsg attributes), or
    /// throws <see cref="UbusCallException"/> with the status when it is not OK.</summary>
    public byte[] Invoke(uint objectId, string method, Action<BlobWriter> args)
    {
        ushort seq = ++_seq;
        (int status, byte[]? reply) = Exchange(BlobWriter.Message(UbusMessageType.Invoke, seq, objectId, w =>
        {
            w.Int32((int)UbusAttr.ObjId, (int)objectId);
            w.String((int)UbusAttr.Method, method);
            int data = w.Begin((int)UbusAttr.Data);
            args(w);
            w.End(data);
        }), seq, UbusAttr.Data, first: false);
        if (status != UbusStatus.Ok)
        {
            throw new UbusCallException(status, method);
        }

        return reply ?? [];
    }

    /// <summary>Sends <paramref name="message"/> and reads the replies to it (other sequence numbers
    /// are passed over) up to its STATUS: returns that status and the value of <paramref name="attr"/>
    /// in the DATA replies, the first or the last one seen.</summary>
    private (int Status, byte[]? Value) Exchange(byte[] message, ushort seq, UbusAttr attr, bool first)
    {
        Send(message);
        if (!_greeted)
        {
            (UbusMessageType hello, _, _, _) = Receive();
            if (hello != UbusMessageType.Hello)
            {
                throw new UbusException($"expected HELLO, got message type {(int)hello}");
            }

            _greeted = true;
        }

        byte[]? value = null;
        while (true)
        {
            (UbusMessageType type, ushort rseq, _, byte[] body) = Receive();
            if (rseq != seq)
            {
                continue;
            }

            if (type == UbusMessageType.Data)
            {
                var reader = new BlobReader(body);
                while (reader.Next(out BlobAttr a))
                {
                    if (a.Id == (int)attr && (value == null || !first))
                    {
                        value = a.Value.ToArray();
                    }
                }
            }
            else if (type == UbusMessageType.Status)
            {
                return (StatusOf(body), value);
            }
        }
    }

    private static int StatusOf(byte[] body)
    {
        var reader = new BlobReader(body);
        while (reader.Next(out BlobAttr a))
        {
            if (a.Id == (int)UbusAttr.Status)
            {
                return a.AsInt32();
            }
        }

        throw new UbusException("STATUS without a status");
    }

    private void Send(byte[] message)
    {
        _socket.Send(message);
    }

    /// <summary>One message: the header and the root attribute's payload.</summary>
    private (UbusMessageType Type, ushort Seq, uint Peer, byte[] Body) Receive()
    {
        Span<byte> head = stackalloc byte[UbusConstants.HeaderSize + UbusConstants.AttrHeaderSize];
        ReadExactly(head);
        if (head[0] != 0)
        {
            throw new UbusException($"unknown protocol version {head[0]}");
        }

        uint rootHeader = BinaryPrimitives.ReadUInt32BigEndian(head[UbusConstants.HeaderSize..]);
        int rootLength = (int)(rootHeader & 0xffffff);
        if (rootLength < UbusConstants.AttrHeaderSize || rootLength + UbusConstants.HeaderSize > UbusConstants.MaxMessageBytes)
        {
            throw new UbusException("message length out of bounds");
        }

        // libubus sends the root's raw length (its children are padded, so it is a multiple of 4).
        byte[] body = new byte[rootLength - UbusConstants.AttrHeaderSize];
        ReadExactly(body);
        return ((UbusMessageType)head[1], BinaryPrimitives.ReadUInt16BigEndian(head[2..]),
            BinaryPrimitives.ReadUInt32BigEndian(head[4..]), body);
    }

    /// <summary>Fills <paramref name="destination"/> from what has arrived, reading the socket in
    /// blocks: ubusd's replies (HELLO, DATA, STATUS) come a few at a time, each a header and a body.</summary>
    private void ReadExactly(Span<byte> destination)
    {
        while (!destination.IsEmpty)
        {
            if (_filled == _used)
            {
                long left = _deadline - _now();
                if (left <= 0 || !_socket.Poll((int)Math.Min(left, int.MaxValue)))
                {
                    throw new TimeoutException("ubus did not answer in time");
                }

                _filled = _socket.Receive(_input);
                _used = 0;
                if (_filled == 0)
                {
                    throw new UbusException("ubus closed the connection");
                }
            }

            int n = Math.Min(destination.Length, _filled - _used);
            _input.AsSpan(_used, n).CopyTo(destination);
            _used += n;
            destination = destination[n..];
        }
    }

    public void Dispose() => _socket.Dispose();
}

/// <summary>A call that ubus answered with a status other than OK.</summary>
internal sealed class UbusCallException(int status, string what) : Exception($"ubus {what}: status {status}")
{
    public int Status { get; } = status;
}
