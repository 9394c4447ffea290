using System.Buffers.Binary;
using System.Net.Sockets;

namespace Dockerman.StandIns.Ubus;

/// <summary>
/// Messages over one connected Unix socket, either end: whole messages read (header, then the
/// root attribute's header, then its payload, the length checked against UBUS_MAX_MSGLEN before
/// anything is allocated) and written one at a time.
/// </summary>
internal sealed class UbusConnection(Socket socket) : IDisposable
{
    private readonly SemaphoreSlim _writing = new(1, 1);
    private readonly byte[] _head = new byte[UbusLimits.HeaderSize + UbusLimits.AttrHeaderSize];

    /// <summary>The next message, or null when the other end closed between two messages.</summary>
    public async Task<UbusMessage?> ReadAsync(CancellationToken cancel)
    {
        if (!await FillAsync(_head, allowEof: true, cancel))
        {
            return null;
        }

        if (_head[0] != UbusLimits.Version)
        {
            throw new BlobFormatException($"protocol version {_head[0]}");
        }

        uint root = BinaryPrimitives.ReadUInt32BigEndian(_head.AsSpan(UbusLimits.HeaderSize));
        int length = (int)(root & 0xff_ffff);
        if ((root & 0x7f00_0000) != 0 || length < UbusLimits.AttrHeaderSize || UbusLimits.HeaderSize + length > UbusLimits.MaxMessage)
        {
            throw new BlobFormatException($"a root attribute of {length} bytes (id {(root >> 24) & 0x7f})");
        }

        byte[] body = new byte[length - UbusLimits.AttrHeaderSize];
        await FillAsync(body, allowEof: false, cancel);
        return new UbusMessage((UbusMessageType)_head[1], BinaryPrimitives.ReadUInt16BigEndian(_head.AsSpan(2)),
            BinaryPrimitives.ReadUInt32BigEndian(_head.AsSpan(4)), body);
    }

    public async Task SendAsync(byte[] message, CancellationToken cancel)
    {
        await _writing.WaitAsync(cancel);
        try
        {
            await socket.SendAsync(message, SocketFlags.None, cancel);
        }
        finally
        {
            _writing.Release();
        }
    }

    private async Task<bool> FillAsync(Memory<byte> target, bool allowEof, CancellationToken cancel)
    {
        int filled = 0;
        while (filled < target.Length)
        {
            int n = await socket.ReceiveAsync(target[filled..], SocketFlags.None, cancel);
            if (n == 0)
            {
                if (allowEof && filled == 0)
                {
                    return false;
                }

                throw new BlobFormatException($"the connection closed {filled} bytes into {target.Length}");
            }

            filled += n;
        }

        return true;
    }

    public void Dispose()
    {
        socket.Dispose();
        _writing.Dispose();
    }
}
