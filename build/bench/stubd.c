/* A stub Docker daemon for measuring the client's own cost: listens on a Unix socket and
 * answers every request at once with the same small reply, then closes the connection.
 *   stubd SOCKET_PATH        (runs in the foreground until killed)
 * Any request body is read and thrown away up to the end of the head; the canned reply is
 * what GET /containers/json gives on an empty daemon. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static const char reply[] =
    "HTTP/1.1 200 OK\r\n"
    "Api-Version: 1.41\r\n"
    "Content-Type: application/json\r\n"
    "Docker-Experimental: false\r\n"
    "Ostype: linux\r\n"
    "Server: Docker/20.10.24+dfsg1 (linux)\r\n"
    "Date: Thu, 01 Jan 2026 00:00:00 GMT\r\n"
    "Content-Length: 3\r\n"
    "\r\n"
    "[]\n";

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
        perror("stubd: bind/listen");
        return 1;
    }
    char buf[16384];
    for (;;) {
        int c = accept(s, NULL, NULL);
        if (c < 0) {
            if (errno == EINTR) continue;
            perror("stubd: accept");
            return 1;
        }
        /* Read until the blank line that ends the request head. */
        size_t have = 0;
        for (;;) {
            ssize_t n = read(c, buf + have, sizeof buf - 1 - have);
            if (n <= 0) break;
            have += (size_t)n;
            buf[have] = 0;
            if (strstr(buf, "\r\n\r\n") || have == sizeof buf - 1) break;
        }
        (void)!write(c, reply, sizeof reply - 1);
        close(c);
    }
}
