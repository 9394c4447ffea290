/* dockerman's TLS shim over mbedTLS 2.28 (Debian's libmbedtls-dev): the program sees one opaque
 * handle and a few functions, so that no mbedTLS structure layout is ever assumed outside C.
 * Blocking I/O on a connected socket; a read timeout, when set, ends a wait with
 * MBEDTLS_ERR_SSL_TIMEOUT instead of retrying. */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mbedtls/ctr_drbg.h"
#include "mbedtls/entropy.h"
#include "mbedtls/net_sockets.h"
#include "mbedtls/pk.h"
#include "mbedtls/platform_util.h"
#include "mbedtls/ssl.h"
#include "mbedtls/x509_crt.h"

typedef struct dm_tls {
    mbedtls_ssl_context ssl;
    mbedtls_ssl_config conf;
    mbedtls_x509_crt ca;
    mbedtls_x509_crt cert;
    mbedtls_pk_context key;
    int fd;
    int io_errno;
    int received;        /* bytes read from the socket so far */
    unsigned char first[5]; /* the first bytes the peer sent: "HTTP/" means a plain HTTP server */
    int ip_len;          /* 4 or 16 when the host is an IP address, else 0 */
    unsigned char ip[16];
} dm_tls;

/* ECDHE key exchanges with AEAD ciphers only: forward secrecy, no CBC. mbedTLS 2.28 has no ARMv8
 * AES instructions, so on aarch64 ChaCha20-Poly1305 comes first (the faster one there); on x86-64
 * AES-GCM runs on AES-NI and PCLMUL. */
static const int ciphersuites[] = {
#if defined(__aarch64__)
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
    MBEDTLS_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
#endif
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
    MBEDTLS_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
    MBEDTLS_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
#if !defined(__aarch64__)
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
    MBEDTLS_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
#endif
    0
};

/* Key exchange groups: P-256, then P-384. Servers choose in their own order, and mbedTLS 2.28 does
 * P-256 with fast reduction and precomputed combs while its X25519 is generic bignum code (a few
 * ms more per handshake), so X25519 is not offered. */
static const mbedtls_ecp_group_id curves[] = { MBEDTLS_ECP_DP_SECP256R1, MBEDTLS_ECP_DP_SECP384R1, MBEDTLS_ECP_DP_NONE };

/* Hashes accepted in signatures: SHA-2 only. */
static const int sig_hashes[] = { MBEDTLS_MD_SHA256, MBEDTLS_MD_SHA384, MBEDTLS_MD_SHA512, MBEDTLS_MD_NONE };

/* One random generator for the process, seeded from the kernel on first use. */
static mbedtls_entropy_context entropy;
static mbedtls_ctr_drbg_context drbg;

static int dm_send(void *ctx, const unsigned char *buf, size_t len)
{
    dm_tls *t = ctx;
    for (;;) {
        ssize_t n = send(t->fd, buf, len, MSG_NOSIGNAL);
        if (n >= 0) {
            return (int) n;
        }
        if (errno != EINTR) {
            t->io_errno = errno;
            return errno == EPIPE || errno == ECONNRESET ? MBEDTLS_ERR_NET_CONN_RESET : MBEDTLS_ERR_NET_SEND_FAILED;
        }
    }
}

static int dm_recv_timeout(void *ctx, unsigned char *buf, size_t len, uint32_t timeout)
{
    dm_tls *t = ctx;
    if (timeout > 0) {
        struct pollfd p = { .fd = t->fd, .events = POLLIN };
        int r;
        do {
            r = poll(&p, 1, (int) timeout);
        } while (r < 0 && errno == EINTR);
        if (r == 0) {
            return MBEDTLS_ERR_SSL_TIMEOUT;
        }
        if (r < 0) {
            t->io_errno = errno;
            return MBEDTLS_ERR_NET_RECV_FAILED;
        }
    }
    for (;;) {
        ssize_t n = recv(t->fd, buf, len, 0);
        if (n >= 0) {
            for (ssize_t i = 0; i < n && t->received < (int) sizeof t->first; i++) {
                t->first[t->received++] = buf[i];
            }
            return (int) n;
        }
        if (errno != EINTR) {
            t->io_errno = errno;
            return errno == ECONNRESET ? MBEDTLS_ERR_NET_CONN_RESET : MBEDTLS_ERR_NET_RECV_FAILED;
        }
    }
}

dm_tls *dm_tls_new(void)
{
    static int seeded;
    if (!seeded) {
        mbedtls_entropy_init(&entropy);
        mbedtls_ctr_drbg_init(&drbg);
        if (mbedtls_ctr_drbg_seed(&drbg, mbedtls_entropy_func, &entropy, (const unsigned char *) "dockerman", 9) != 0) {
            return NULL;
        }
        seeded = 1;
    }
    dm_tls *t = calloc(1, sizeof *t);
    if (t == NULL) {
        return NULL;
    }
    mbedtls_ssl_init(&t->ssl);
    mbedtls_ssl_config_init(&t->conf);
    mbedtls_x509_crt_init(&t->ca);
    mbedtls_x509_crt_init(&t->cert);
    mbedtls_pk_init(&t->key);
    t->fd = -1;
    return t;
}

/* PEM text, NUL included in len. */
int dm_tls_ca(dm_tls *t, const unsigned char *pem, size_t len)
{
    return mbedtls_x509_crt_parse(&t->ca, pem, len);
}

int dm_tls_own(dm_tls *t, const unsigned char *cert, size_t cert_len, const unsigned char *key, size_t key_len)
{
    int ret = mbedtls_x509_crt_parse(&t->cert, cert, cert_len);
    if (ret != 0) {
        return ret;
    }
    ret = mbedtls_pk_parse_key(&t->key, key, key_len, NULL, 0);
    if (ret != 0) {
        return ret;
    }
    return mbedtls_pk_check_pair(&t->cert.pk, &t->key);
}

/* mbedTLS 2.28 matches host names only, and compares every alternative name with the host as
 * text: for an IP address the check is ours. The server's certificate must carry the address as
 * an iPAddress alternative name (RFC 2818 3.1). */
static int dm_verify(void *ctx, mbedtls_x509_crt *crt, int depth, uint32_t *flags)
{
    dm_tls *t = ctx;
    if (depth != 0 || t->ip_len == 0) {
        return 0;
    }
    for (const mbedtls_x509_sequence *san = &crt->subject_alt_names; san != NULL; san = san->next) {
        if (san->buf.tag == (MBEDTLS_ASN1_CONTEXT_SPECIFIC | 7) && san->buf.len == (size_t) t->ip_len
            && memcmp(san->buf.p, t->ip, t->ip_len) == 0) {
            return 0;
        }
    }
    *flags |= MBEDTLS_X509_BADCERT_CN_MISMATCH;
    return 0;
}

/* host: the name or IP address the server's certificate must carry (NUL-terminated). */
int dm_tls_setup(dm_tls *t, const char *host, int verify, int fd, uint32_t timeout_ms)
{
    int ret = mbedtls_ssl_config_defaults(&t->conf, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM,
                                          MBEDTLS_SSL_PRESET_DEFAULT);
    if (ret != 0) {
        return ret;
    }
    mbedtls_ssl_conf_min_version(&t->conf, MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_3);
    mbedtls_ssl_conf_max_version(&t->conf, MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_3);
    mbedtls_ssl_conf_authmode(&t->conf, verify ? MBEDTLS_SSL_VERIFY_REQUIRED : MBEDTLS_SSL_VERIFY_NONE);
    mbedtls_ssl_conf_rng(&t->conf, mbedtls_ctr_drbg_random, &drbg);
    mbedtls_ssl_conf_ciphersuites(&t->conf, ciphersuites);
    mbedtls_ssl_conf_sig_hashes(&t->conf, sig_hashes);
    mbedtls_ssl_conf_curves(&t->conf, curves);
    mbedtls_ssl_conf_renegotiation(&t->conf, MBEDTLS_SSL_RENEGOTIATION_DISABLED);
    mbedtls_ssl_conf_verify(&t->conf, dm_verify, t);
    mbedtls_ssl_conf_read_timeout(&t->conf, timeout_ms);
    if (t->ca.raw.p != NULL) {
        mbedtls_ssl_conf_ca_chain(&t->conf, &t->ca, NULL);
    }
    if (t->cert.raw.p != NULL) {
        ret = mbedtls_ssl_conf_own_cert(&t->conf, &t->cert, &t->key);
        if (ret != 0) {
            return ret;
        }
    }
    ret = mbedtls_ssl_setup(&t->ssl, &t->conf);
    if (ret != 0) {
        return ret;
    }
    if (inet_pton(AF_INET, host, t->ip) == 1) {
        t->ip_len = 4;
    } else if (inet_pton(AF_INET6, host, t->ip) == 1) {
        t->ip_len = 16;
    } else {
        /* A name: checked by mbedTLS against the certificate, and sent as SNI. */
        ret = mbedtls_ssl_set_hostname(&t->ssl, host);
        if (ret != 0) {
            return ret;
        }
    }
    t->fd = fd;
    mbedtls_ssl_set_bio(&t->ssl, t, dm_send, NULL, dm_recv_timeout);
    return 0;
}

int dm_tls_handshake(dm_tls *t)
{
    int ret;
    do {
        ret = mbedtls_ssl_handshake(&t->ssl);
    } while (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE);
    return ret;
}

/* After a failed verification: the MBEDTLS_X509_BADCERT_* flags. */
uint32_t dm_tls_verify_result(dm_tls *t)
{
    return mbedtls_ssl_get_verify_result(&t->ssl);
}

/* The alert the peer sent, after MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE. */
int dm_tls_alert(dm_tls *t)
{
    return t->ssl.in_msg != NULL && t->ssl.in_msgtype == MBEDTLS_SSL_MSG_ALERT ? t->ssl.in_msg[1] : -1;
}

/* 1 when the server asked for a client certificate during the handshake. */
int dm_tls_cert_requested(dm_tls *t)
{
    return t->ssl.client_auth != 0;
}

/* 1 when the peer's first bytes were "HTTP/": a plain HTTP server answering our ClientHello. */
int dm_tls_peer_is_http(dm_tls *t)
{
    return t->received >= 5 && memcmp(t->first, "HTTP/", 5) == 0;
}

/* The protocol version in the header of the peer's first record (a handshake or an alert), or 0. */
int dm_tls_peer_version(dm_tls *t)
{
    if (t->received < 5 || (t->first[0] != MBEDTLS_SSL_MSG_HANDSHAKE && t->first[0] != MBEDTLS_SSL_MSG_ALERT)) {
        return 0;
    }
    return (t->first[1] << 8) | t->first[2];
}

/* Our client certificate's dates: 0 valid now, 1 expired, 2 not valid yet, -1 none. */
int dm_tls_own_dates(dm_tls *t)
{
    if (t->cert.raw.p == NULL) {
        return -1;
    }
    return mbedtls_x509_time_is_past(&t->cert.valid_to) ? 1 : mbedtls_x509_time_is_future(&t->cert.valid_from) ? 2 : 0;
}

int dm_tls_errno(dm_tls *t)
{
    return t->io_errno;
}

/* 0x0303 for TLS 1.2. */
int dm_tls_version(dm_tls *t)
{
    return (t->ssl.major_ver << 8) | t->ssl.minor_ver;
}

void dm_tls_set_timeout(dm_tls *t, uint32_t timeout_ms)
{
    mbedtls_ssl_conf_read_timeout(&t->conf, timeout_ms);
}

/* Bytes read, 0 at the end (close_notify or the socket closed), or a negative error. */
int dm_tls_read(dm_tls *t, unsigned char *buf, size_t len)
{
    int ret;
    do {
        ret = mbedtls_ssl_read(&t->ssl, buf, len);
    } while (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE);
    if (ret == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY || ret == MBEDTLS_ERR_SSL_CONN_EOF) {
        return 0;
    }
    return ret;
}

/* 0 when all of buf went out, else a negative error. */
int dm_tls_write(dm_tls *t, const unsigned char *buf, size_t len)
{
    while (len > 0) {
        int ret = mbedtls_ssl_write(&t->ssl, buf, len);
        if (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE) {
            continue;
        }
        if (ret < 0) {
            return ret;
        }
        buf += ret;
        len -= (size_t) ret;
    }
    return 0;
}

/* 1 when a read would not need the socket: decrypted bytes or a whole record already here. */
int dm_tls_pending(dm_tls *t)
{
    return mbedtls_ssl_get_bytes_avail(&t->ssl) > 0 || mbedtls_ssl_check_pending(&t->ssl);
}

/* Frees everything; keys and session secrets are zeroed by mbedTLS on the way. */
void dm_tls_free(dm_tls *t)
{
    if (t == NULL) {
        return;
    }
    mbedtls_ssl_free(&t->ssl);
    mbedtls_ssl_config_free(&t->conf);
    mbedtls_x509_crt_free(&t->ca);
    mbedtls_x509_crt_free(&t->cert);
    mbedtls_pk_free(&t->key);
    mbedtls_platform_zeroize(t, sizeof *t);
    free(t);
}
