/* dockerman's TLS shim over mbedTLS: the program sees one opaque handle and a few functions, so
 * that no mbedTLS structure layout is ever assumed outside C. Blocking I/O on a connected socket;
 * a read timeout, when set, ends a wait with DM_TLS_TIMEOUT instead of retrying. */
#define MBEDTLS_ALLOW_PRIVATE_ACCESS
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mbedtls/ssl.h"
#include "mbedtls/x509_crt.h"
#include "mbedtls/pk.h"
#include "mbedtls/psa_util.h"
#include "mbedtls/net_sockets.h"
#include "mbedtls/platform_util.h"
#include "psa/crypto.h"

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
} dm_tls;

/* Signature algorithms we accept, PKCS#1 before PSS: with TLS 1.2, servers that would pick
 * RSA-PSS for their key exchange signature otherwise fail the handshake. */
static const uint16_t sig_algs[] = {
    MBEDTLS_TLS1_3_SIG_ECDSA_SECP256R1_SHA256,
    MBEDTLS_TLS1_3_SIG_ECDSA_SECP384R1_SHA384,
    MBEDTLS_TLS1_3_SIG_ECDSA_SECP521R1_SHA512,
    MBEDTLS_TLS1_3_SIG_RSA_PKCS1_SHA256,
    MBEDTLS_TLS1_3_SIG_RSA_PKCS1_SHA384,
    MBEDTLS_TLS1_3_SIG_RSA_PKCS1_SHA512,
    MBEDTLS_TLS1_3_SIG_RSA_PSS_RSAE_SHA256,
    MBEDTLS_TLS1_3_SIG_RSA_PSS_RSAE_SHA384,
    MBEDTLS_TLS1_3_SIG_RSA_PSS_RSAE_SHA512,
    MBEDTLS_TLS1_3_SIG_NONE
};

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
    static int psa_ready;
    if (!psa_ready) {
        if (psa_crypto_init() != PSA_SUCCESS) {
            return NULL;
        }
        psa_ready = 1;
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
    ret = mbedtls_pk_parse_key(&t->key, key, key_len, NULL, 0, mbedtls_psa_get_random, MBEDTLS_PSA_RANDOM_STATE);
    if (ret != 0) {
        return ret;
    }
    return mbedtls_pk_check_pair(&t->cert.pk, &t->key, mbedtls_psa_get_random, MBEDTLS_PSA_RANDOM_STATE);
}

/* host: the name or IP address the server's certificate must carry (NUL-terminated). */
int dm_tls_setup(dm_tls *t, const char *host, int verify, int fd, uint32_t timeout_ms)
{
    int ret = mbedtls_ssl_config_defaults(&t->conf, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM,
                                          MBEDTLS_SSL_PRESET_DEFAULT);
    if (ret != 0) {
        return ret;
    }
    mbedtls_ssl_conf_min_tls_version(&t->conf, MBEDTLS_SSL_VERSION_TLS1_2);
    mbedtls_ssl_conf_max_tls_version(&t->conf, MBEDTLS_SSL_VERSION_TLS1_3);
    mbedtls_ssl_conf_authmode(&t->conf, verify ? MBEDTLS_SSL_VERIFY_REQUIRED : MBEDTLS_SSL_VERIFY_NONE);
    mbedtls_ssl_conf_rng(&t->conf, mbedtls_psa_get_random, MBEDTLS_PSA_RANDOM_STATE);
    mbedtls_ssl_conf_sig_algs(&t->conf, sig_algs);
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
    ret = mbedtls_ssl_set_hostname(&t->ssl, host);
    if (ret != 0) {
        return ret;
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

/* 1 when the peer's first bytes were "HTTP/": a plain HTTP server answering our ClientHello. */
int dm_tls_peer_is_http(dm_tls *t)
{
    return t->received >= 5 && memcmp(t->first, "HTTP/", 5) == 0;
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

/* 0x0303 for TLS 1.2, 0x0304 for TLS 1.3. */
int dm_tls_version(dm_tls *t)
{
    return (int) mbedtls_ssl_get_version_number(&t->ssl);
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
