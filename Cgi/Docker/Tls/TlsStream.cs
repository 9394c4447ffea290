using System.Text;
using Dockerman.Native;

namespace Dockerman.Docker.Tls;

/// <summary>
/// A TLS client connection over a connected, blocking socket (mbedTLS through <see cref="TlsNative"/>).
/// Nothing is sent to the daemon before its certificate has been checked. Reads block like the
/// socket's; a read timeout that runs out is an <see cref="IOException"/>, never a retry.
/// </summary>
internal sealed unsafe class TlsStream : Stream
{
    private readonly StreamSocket _socket;
    private readonly string? _cert;
    private IntPtr _tls;

    private TlsStream(StreamSocket socket, IntPtr tls, string? cert)
    {
        _socket = socket;
        _tls = tls;
        _cert = cert;
    }

    /// <summary>0x0303: TLS 1.2, the one version spoken.</summary>
    public int ProtocolVersion => TlsNative.Version(_tls);

    /// <summary>Decrypted bytes or a whole record are waiting: a read would not touch the socket.</summary>
    public bool HasPending => _tls != IntPtr.Zero && TlsNative.Pending(_tls) != 0;

    /// <summary>Shakes hands on <paramref name="socket"/> (which the stream then owns), checking the
    /// daemon's certificate against the CA and <paramref name="host"/>.</summary>
    public static TlsStream Open(StreamSocket socket, string host, TlsFiles files, int timeoutMs)
    {
        IntPtr tls = TlsNative.New();
        if (tls == IntPtr.Zero)
        {
            throw new IOException("TLS: out of memory");
        }

        try
        {
            Load(tls, files);
            byte[] hostZ = Encoding.UTF8.GetBytes(host + "\0");
            int fd = socket.Handle;
            fixed (byte* h = hostZ)
            {
                Check(TlsNative.Setup(tls, h, files.Verify ? 1 : 0, fd, (uint)timeoutMs), "TLS set-up");
            }

            int code = TlsNative.Handshake(tls);
            if (code != 0)
            {
                var facts = new HandshakeFacts(code, TlsNative.VerifyResult(tls), TlsNative.Alert(tls), TlsNative.PeerIsHttp(tls) != 0,
                    TlsNative.OwnDates(tls), TlsNative.CertRequested(tls) != 0, TlsNative.PeerVersion(tls));
                throw new IOException(TlsFailure.Handshake(facts, host, files, timeoutMs));
            }

            TlsNative.SetTimeout(tls, 0); // from here on the callers wait for input themselves
            return new TlsStream(socket, tls, files.Cert);
        }
        catch
        {
            TlsNative.Free(tls);
            throw;
        }
    }

    private static void Load(IntPtr tls, TlsFiles files)
    {
        if (files.Verify)
        {
            string ca = files.Ca ?? throw new EndpointException("TLS: no CA certificate is configured to check the daemon against (tlscacert)");
            byte[] pem = ReadPem("CA certificate", ca);
            fixed (byte* p = pem)
            {
                int code = TlsNative.Ca(tls, p, (nuint)pem.Length);
                if (code != 0)
                {
                    throw new EndpointException(TlsFailure.File("CA certificate", ca, code));
                }
            }
        }

        if (files.Cert != null && files.Key != null)
        {
            byte[] cert = ReadPem("client certificate", files.Cert);
            byte[] key = ReadPem("client key", files.Key);
            try
            {
                fixed (byte* c = cert)
                fixed (byte* k = key)
                {
                    int code = TlsNative.Own(tls, c, (nuint)cert.Length, k, (nuint)key.Length);
                    if (code != 0)
                    {
                        bool keyFault = code is <= -0x3880 and >= -0x3F80;
                        throw new EndpointException(keyFault
                            ? TlsFailure.File("client key", files.Key, code)
                            : TlsFailure.File("client certificate", files.Cert, code));
                    }
                }
            }
            finally
            {
                Array.Clear(key);
            }
        }
    }

    /// <summary>The file's bytes with the NUL mbedTLS wants after PEM text.</summary>
    private static byte[] ReadPem(string what, string path)
    {
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1);
            long length = file.Length;
            if (length > 1 << 20)
            {
                throw new EndpointException($"TLS: {what} {path} is larger than 1 MiB");
            }

            byte[] bytes = new byte[length + 1];
            file.ReadExactly(bytes, 0, (int)length);
            return bytes;
        }
        catch (FileNotFoundException)
        {
            throw new EndpointException($"TLS: {what} {path} does not exist");
        }
        catch (DirectoryNotFoundException)
        {
            throw new EndpointException($"TLS: {what} {path} does not exist");
        }
        catch (UnauthorizedAccessException)
        {
            throw new EndpointException($"TLS: {what} {path} cannot be read (permissions)");
        }
        catch (IOException e)
        {
            throw new EndpointException($"TLS: {what} {path} cannot be read: {e.Message}");
        }
    }

    private static void Check(int code, string step)
    {
        if (code != 0)
        {
            throw new IOException(step + ": " + TlsFailure.Transfer(code, -1, null));
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_tls == IntPtr.Zero, this);
        if (buffer.IsEmpty)
        {
            return 0;
        }

        int n;
        fixed (byte* p = buffer)
        {
            n = TlsNative.Read(_tls, p, (nuint)buffer.Length);
        }

        return n >= 0 ? n : throw new IOException(TlsFailure.Transfer(n, TlsNative.Alert(_tls), _cert));
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_tls == IntPtr.Zero, this);
        int code;
        fixed (byte* p = buffer)
        {
            code = TlsNative.Write(_tls, p, (nuint)buffer.Length);
        }

        if (code != 0)
        {
            throw new IOException(TlsFailure.Transfer(code, TlsNative.Alert(_tls), _cert));
        }
    }

    public override void Flush()
    {
    }

    protected override void Dispose(bool disposing)
    {
        if (_tls != IntPtr.Zero)
        {
            TlsNative.Free(_tls);
            _tls = IntPtr.Zero;
        }

        if (disposing)
        {
            _socket.Dispose();
        }

        base.Dispose(disposing);
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
