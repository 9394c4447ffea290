namespace Dockerman.Docker.Tls;

/// <summary>
/// What the shim knows after a failed handshake: the mbedTLS error code, the certificate
/// verification flags, the alert the daemon sent (or -1), whether it answered in plain HTTP, our
/// client certificate's dates (0 valid, 1 expired, 2 not yet valid, -1 none), whether the daemon
/// asked for a client certificate, and the protocol version in the header of its first record (0
/// before one): a server of TLS 1.0 or 1.1 only answers in its own version.
/// </summary>
internal readonly record struct HandshakeFacts(int Code, uint VerifyFlags, int Alert, bool PeerIsHttp, int OwnDates,
    bool CertRequested, int PeerVersion);
