/* The least a CGI program can do: print a fixed reply and exit. Under a web server it shows
 * what that server's CGI handling costs on its own (fork, exec, pipes), whatever the program. */
#include <unistd.h>

int main(void) {
    static const char reply[] =
        "Status: 200 OK\r\nContent-Type: application/json\r\nContent-Length: 3\r\n\r\n[]\n";
    return write(1, reply, sizeof reply - 1) == sizeof reply - 1 ? 0 : 1;
}
