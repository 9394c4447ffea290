using System.Globalization;

namespace Dockerman.Docker.Tls;

/// <summary>
/// mbedTLS 2.28 error codes (its ssl.h, x509.h, net_sockets.h, pk.h, pem.h) as sentences that say which side failed and why. Only codes and flags go
/// in: nothing secret can reach a message.
/// </summary>
internal static class TlsFailure
{
    private const int CertVerifyFailed = -0x2700;
    private const int FatalAlert = -0x7780;
    private const int Timeout = -0x6800;
    private const int ConnEof = -0x7280;
    private const int InvalidRecord = -0x7200;
    private const int BadProtocolVersion = -0x6E80;
    private const int NoUsableCiphersuite = -0x6980;
    private const int ProtocolVersionAlert = 70;
    private const int HandshakeFailureAlert = 40;
    private const int NetRecvFailed = -0x004C;
    private const int NetSendFailed = -0x004E;
    private const int NetConnReset = -0x0050;

    private const uint BadCertExpired = 0x01;
    private const uint BadCertNameMismatch = 0x04;
    private const uint BadCertNotTrusted = 0x08;
    private const uint BadCertFuture = 0x0200;
    private const uint BadCertKeyUsage = 0x0800 | 0x1000 | 0x2000;
    private const uint BadCertWeak = 0x4000 | 0x8000 | 0x010000;

    /// <summary>Why a handshake failed.</summary>
    public static string Handshake(HandshakeFacts f, string host, TlsFiles files, int timeoutMs)
    {
        if (f.PeerIsHttp)
        {
            return "TLS: the daemon answered in plain HTTP: it does not use TLS (use tcp://host:2375 without TLS)";
        }

        bool refused = f.Code is FatalAlert or ConnEof or NetConnReset or NetSendFailed;
        if (refused && f.OwnDates is 1 or 2)
        {
            return $"TLS: the daemon refused our client certificate {files.Cert}: it {(f.OwnDates == 1 ? "has expired" : "is not valid yet")}";
        }

        if (refused && files.Cert == null && f.CertRequested)
        {
            return NoClientCertificate;
        }

        if (f.Code is ConnEof or NetConnReset or NetSendFailed)
        {
            return files.Cert != null
                ? $"TLS: the daemon closed the connection during the handshake: it did not accept our client certificate {files.Cert} (not from a CA it trusts?)"
                : "TLS: the daemon closed the connection during the handshake: it may require a client certificate (cert.pem, key.pem)";
        }

        return f.Code switch
        {
            CertVerifyFailed => "TLS: the daemon's certificate was refused: " + VerifyReason(f.VerifyFlags, host, files),
            FatalAlert when f.Alert == ProtocolVersionAlert => OnlyTls12 + ": the daemon refused it (it offers only TLS 1.0/1.1, or only TLS 1.3)",
            FatalAlert when f.Alert == HandshakeFailureAlert && f.PeerVersion is 0x0301 or 0x0302 => OnlyOlderTls(f.PeerVersion),
            FatalAlert => Alert(f.Alert, files.Cert),
            Timeout => $"TLS: no handshake from the daemon within {timeoutMs / 1000.0:0.#} s",
            BadProtocolVersion when f.PeerVersion is 0x0301 or 0x0302 => OnlyOlderTls(f.PeerVersion),
            InvalidRecord or BadProtocolVersion => OnlyTls12 + ": the daemon does not speak it there",
            NoUsableCiphersuite => "TLS: no cipher or key exchange in common with the daemon (ECDHE with AES-GCM or ChaCha20-Poly1305)",
            _ => "TLS: handshake failed (" + Code(f.Code) + ")",
        };
    }

    private const string OnlyTls12 = "TLS: dockerman speaks TLS 1.2";

    private static string OnlyOlderTls(int version) =>
        $"{OnlyTls12}: the daemon offers only TLS 1.{version - 0x0301}, which is no longer safe";

    private const string NoClientCertificate =
        "TLS: the daemon requires a client certificate and none is configured (cert.pem, key.pem)";

    public const string PlainRequestToTls =
        "use https://, or tcp://host:2376, or set DOCKER_TLS_VERIFY (and the certificate files)";

    /// <summary>Go's TLS server answers a plain HTTP request with this 400 page.</summary>
    public static bool IsPlainRequestToTls(int status, ReadOnlySpan<byte> body) =>
        status == 400 && body.IndexOf("Client sent an HTTP request to an HTTPS server"u8) >= 0;

    /// <summary>Why a read or write failed after the handshake.</summary>
    public static string Transfer(int code, int alert, string? cert) => code switch
    {
        FatalAlert => Alert(alert, cert),
        Timeout => "TLS: no data from the daemon in time",
        NetConnReset => "TLS: the daemon reset the connection",
        NetRecvFailed or NetSendFailed => "TLS: the connection to the daemon failed",
        _ => "TLS: " + Code(code),
    };

    /// <summary>A PEM file mbedTLS could not take.</summary>
    public static string File(string what, string path, int code) =>
        code is -0x3B80 or -0x3C00 or -0x1300 or -0x1380
            ? $"TLS: {what} {path} is encrypted: give it without a passphrase"
            : code == -0x3F00 || code == -0x3E80
                ? $"TLS: {what} {path} does not belong to the certificate"
                : $"TLS: {what} {path} is not a valid PEM file ({Code(code)})";

    private static string VerifyReason(uint flags, string host, TlsFiles files)
    {
        var reasons = new List<string>(4);
        if ((flags & BadCertNotTrusted) != 0)
        {
            reasons.Add($"not signed by the CA in {files.Ca}");
        }

        if ((flags & BadCertExpired) != 0)
        {
            reasons.Add("expired");
        }

        if ((flags & BadCertFuture) != 0)
        {
            reasons.Add("not valid yet");
        }

        if ((flags & BadCertNameMismatch) != 0)
        {
            reasons.Add($"issued for another name than {host}");
        }

        if ((flags & BadCertKeyUsage) != 0)
        {
            reasons.Add("not meant for a TLS server");
        }

        if ((flags & BadCertWeak) != 0)
        {
            reasons.Add("signed with a weak algorithm or key");
        }

        return reasons.Count == 0 ? "flags " + flags.ToString("x", CultureInfo.InvariantCulture) : string.Join(", ", reasons);
    }

    /// <summary>An alert the daemon sent: usually about our own certificate.</summary>
    private static string Alert(int alert, string? cert) => alert switch
    {
        116 or 42 when cert == null => NoClientCertificate,
        42 or 43 or 48 => $"TLS: the daemon refused our client certificate {cert} (not from a CA it trusts)",
        44 => $"TLS: the daemon refused our client certificate {cert} (revoked)",
        45 => $"TLS: the daemon refused our client certificate {cert} (expired)",
        40 => "TLS: the daemon refused the handshake (no parameters in common, or our certificate was not acceptable)",
        70 => "TLS: the daemon refused the protocol version",
        _ => "TLS: the daemon sent alert " + alert.ToString(CultureInfo.InvariantCulture),
    };

    private static string Code(int code) => "mbedTLS -0x" + (-code).ToString("x4", CultureInfo.InvariantCulture);
}
