/* A fake ubusd with rpcd's session object behind it, for measuring the cost of a LuCI session
 * check: it speaks the ubus framing (8-byte header, blob_attr tree, blobmsg tables), greets
 * with HELLO, answers LOOKUP "session" with an object id and every INVOKE with
 * {"access": true} and status 0, as rpcd does for a session that has the right.
 *   fakeubusd SOCKET_PATH    (foreground, one client at a time, until killed) */
#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

enum { HELLO = 0, STATUS = 1, DATA = 2, LOOKUP = 4, INVOKE = 5 };
enum { A_STATUS = 1, A_OBJPATH = 2, A_OBJID = 3, A_OBJTYPE = 5, A_DATA = 7 };
enum { BM_BOOL = 7 };
#define OBJ 0x2a5e55u
#define PEER 0x1234u

struct msg { uint8_t b[512]; size_t n; };

static void put32(uint8_t *p, uint32_t v) { v = htonl(v); memcpy(p, &v, 4); }
static void pad(struct msg *m) { while (m->n % 4) m->b[m->n++] = 0; }
static size_t begin(struct msg *m, uint32_t id, const char *name) {
    size_t at = m->n;
    put32(m->b + at, (id & 0x7f) << 24 | (name ? 0x80000000u : 0));
    m->n += 4;
    if (name) {
        size_t l = strlen(name);
        m->b[m->n] = (uint8_t)(l >> 8);
        m->b[m->n + 1] = (uint8_t)l;
        memcpy(m->b + m->n + 2, name, l + 1);
        m->n += 2 + l + 1;
        pad(m);
    }
    return at;
}
static void end(struct msg *m, size_t at) {
    uint32_t h;
    memcpy(&h, m->b + at, 4);
    put32(m->b + at, (ntohl(h) & 0xff000000u) | (uint32_t)(m->n - at));
    pad(m);
}
static void i32(struct msg *m, uint32_t id, uint32_t v) {
    size_t a = begin(m, id, NULL);
    put32(m->b + m->n, v);
    m->n += 4;
    end(m, a);
}
static void str(struct msg *m, uint32_t id, const char *s) {
    size_t a = begin(m, id, NULL);
    memcpy(m->b + m->n, s, strlen(s) + 1);
    m->n += strlen(s) + 1;
    end(m, a);
}
static size_t head(struct msg *m, int type, uint16_t seq) {
    m->b[0] = 0;
    m->b[1] = (uint8_t)type;
    m->b[2] = (uint8_t)(seq >> 8);
    m->b[3] = (uint8_t)seq;
    put32(m->b + 4, PEER);
    m->n = 8;
    return begin(m, 0, NULL);
}
static int sendmsg_(int c, struct msg *m) { return write(c, m->b, m->n) == (ssize_t)m->n ? 0 : -1; }
static int status(int c, uint16_t seq, uint32_t st) {
    struct msg m;
    size_t r = head(&m, STATUS, seq);
    i32(&m, A_STATUS, st);
    end(&m, r);
    return sendmsg_(c, &m);
}
static int readn(int c, uint8_t *p, size_t n) {
    while (n) {
        ssize_t k = read(c, p, n);
        if (k <= 0) return -1;
        p += k;
        n -= (size_t)k;
    }
    return 0;
}

static void serve(int c) {
    struct msg m;
    size_t r = head(&m, HELLO, 0);
    end(&m, r);
    if (sendmsg_(c, &m)) return;
    uint8_t hdr[12], body[65536];
    for (;;) {
        if (readn(c, hdr, sizeof hdr)) return;
        uint32_t len;
        memcpy(&len, hdr + 8, 4);
        len = ntohl(len) & 0xffffff;
        if (len < 4 || len - 4 > sizeof body || readn(c, body, len - 4)) return;
        int type = hdr[1];
        uint16_t seq = (uint16_t)(hdr[2] << 8 | hdr[3]);
        if (type == LOOKUP) {
            r = head(&m, DATA, seq);
            str(&m, A_OBJPATH, "session");
            i32(&m, A_OBJID, OBJ);
            i32(&m, A_OBJTYPE, 0x77);
            end(&m, r);
            if (sendmsg_(c, &m) || status(c, seq, 0)) return;
        } else if (type == INVOKE) {
            r = head(&m, DATA, seq);
            i32(&m, A_OBJID, OBJ);
            size_t d = begin(&m, A_DATA, NULL);
            size_t b = begin(&m, BM_BOOL, "access");
            m.b[m.n++] = 1;
            end(&m, b);
            end(&m, d);
            end(&m, r);
            if (sendmsg_(c, &m) || status(c, seq, 0)) return;
        } else {
            if (status(c, seq, 0)) return;
        }
    }
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s SOCKET_PATH\n", argv[0]);
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    int s = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    strncpy(a.sun_path, argv[1], sizeof a.sun_path - 1);
    unlink(argv[1]);
    if (bind(s, (struct sockaddr *)&a, sizeof a) != 0 || listen(s, 64) != 0) {
        perror("fakeubusd: bind/listen");
        return 1;
    }
    for (;;) {
        int c = accept(s, NULL, NULL);
        if (c < 0) {
            if (errno == EINTR) continue;
            perror("fakeubusd: accept");
            return 1;
        }
        serve(c);
        close(c);
    }
}
