using System.Runtime.InteropServices;

namespace Dockerman.Docker.Tls;

/// <summary>
/// The C shim over Debian's mbedTLS 2.28 (build/tls/dmtls.c), linked into the binary (DirectPInvoke): one opaque
/// handle per connection; every mbedTLS structure is allocated and laid out in C.
/// </summary>
internal static partial class TlsNative
{
    private const string Lib = "dmtls";

    [LibraryImport(Lib, EntryPoint = "dm_tls_new")]
    public static partial IntPtr New();

    [LibraryImport(Lib, EntryPoint = "dm_tls_ca")]
    public static unsafe partial int Ca(IntPtr t, byte* pem, nuint length);

    [LibraryImport(Lib, EntryPoint = "dm_tls_own")]
    public static unsafe partial int Own(IntPtr t, byte* cert, nuint certLength, byte* key, nuint keyLength);

    [LibraryImport(Lib, EntryPoint = "dm_tls_setup")]
    public static unsafe partial int Setup(IntPtr t, byte* host, int verify, int fd, uint timeoutMs);

    [LibraryImport(Lib, EntryPoint = "dm_tls_handshake")]
    public static partial int Handshake(IntPtr t);

    [LibraryImport(Lib, EntryPoint = "dm_tls_verify_result")]
    public static partial uint VerifyResult(IntPtr t);

    [LibraryImport(Lib, EntryPoint = "dm_tls_alert")]
    public static partial int Alert(IntPtr t);

    [LibraryImport(Lib, EntryPoint = "dm_tls_peer_is_http")]
    public static partial int PeerIsHttp(IntPtr t);

    [LibraryImport(Lib, EntryPoint = "dm_tls_cert_requested")]
    public static partial int CertRequested(IntPtr t);

    [LibraryImport(Lib, EntryPoint = "dm_tls_peer_version")]
    public static partial int PeerVersion(IntPtr t);

    [LibraryImport(Lib, EntryPoint = "dm_tls_own_dates")]
    public static partial int OwnDates(IntPtr t);

    [LibraryImport(Lib, EntryPoint = "dm_tls_errno")]
    public static partial int Errno(IntPtr t);

    [LibraryImport(Lib, EntryPoint = "dm_tls_version")]
    public static partial int Version(IntPtr t);

    [LibraryImport(Lib, EntryPoint = "dm_tls_set_timeout")]
    public static partial void SetTimeout(IntPtr t, uint timeoutMs);

    [LibraryImport(Lib, EntryPoint = "dm_tls_read")]
    public static unsafe partial int Read(IntPtr t, byte* buffer, nuint length);

    [LibraryImport(Lib, EntryPoint = "dm_tls_write")]
    public static unsafe partial int Write(IntPtr t, byte* buffer, nuint length);

    [LibraryImport(Lib, EntryPoint = "dm_tls_pending")]
    public static partial int Pending(IntPtr t);

    [LibraryImport(Lib, EntryPoint = "dm_tls_free")]
    public static partial void Free(IntPtr t);
}
