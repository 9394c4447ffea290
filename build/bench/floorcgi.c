/* The least a CGI program can do, to show what a web server's CGI handling costs on its own,
 * whatever the program:
 *   (no PATH_INFO)  print a fixed reply and exit: fork, exec and pipes;
 *   /sink           read the request body to its end and throw it away: the server's upload relay;
 *   /source/N       write N MiB of zeros: the server's download relay.
 * For uploads it asks for the same 1 MiB stdin pipe dockerman asks for. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char buf[64 * 1024];

static int put(const char *s, size_t n) {
    while (n > 0) {
        ssize_t w = write(1, s, n);
        if (w <= 0)
            return 1;
        s += w;
        n -= (size_t)w;
    }
    return 0;
}

int main(void) {
    const char *path = getenv("PATH_INFO");
    if (path && strcmp(path, "/sink") == 0) {
        long long total = 0;
        ssize_t n;
        fcntl(0, F_SETPIPE_SZ, 1024 * 1024);
        while ((n = read(0, buf, sizeof buf)) > 0)
            total += n;
        int len = snprintf(buf, sizeof buf, "Status: 200 OK\r\nContent-Type: text/plain\r\n\r\n%lld\n", total);
        return put(buf, (size_t)len);
    }
    if (path && strncmp(path, "/source/", 8) == 0) {
        long long left = atoll(path + 8) * 1024 * 1024;
        static const char head[] = "Status: 200 OK\r\nContent-Type: application/x-tar\r\n\r\n";
        if (put(head, sizeof head - 1))
            return 1;
        memset(buf, 0, sizeof buf);
        for (; left > 0; left -= (long long)sizeof buf)
            if (put(buf, left < (long long)sizeof buf ? (size_t)left : sizeof buf))
                return 1;
        return 0;
    }
    static const char reply[] =
        "Status: 200 OK\r\nContent-Type: application/json\r\nContent-Length: 3\r\n\r\n[]\n";
    return put(reply, sizeof reply - 1);
}
