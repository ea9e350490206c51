/*
 * hybrid-connect PATH PORT BYTES: the host side of a host → guest vsock connection in the hybrid
 * vsock protocol (Firecracker's and cloud-hypervisor's, which Parkway speaks): connect to the
 * VMM's Unix socket PATH, write "CONNECT PORT\n", expect "OK <host port>\n", then send BYTES of
 * the pattern and check the guest's echo. Runs in the arm64 test host next to parkway; built
 * static for arm64 by the host tests.
 *
 * Prints "vsock-host ok hostport=N" and the exchange line, or "vsock-host refused" when the
 * VMM closed the connection without an OK (nobody listens on PORT in the guest); exit 3 then.
 */
#include <stdlib.h>
#include <sys/un.h>

#include "stream-check.h"

/* Reads the reply line a byte at a time, so no echoed data after it is swallowed. */
static int read_reply(int fd, char *line, size_t size)
{
    size_t length = 0;
    while (length + 1 < size) {
        struct pollfd p = { .fd = fd, .events = POLLIN };
        if (poll(&p, 1, 10000) <= 0)
            return -1;
        ssize_t n = read(fd, line + length, 1);
        if (n <= 0)
            return -1;
        if (line[length] == '\n') {
            line[length] = 0;
            return 0;
        }
        length++;
    }
    return -1;
}

int main(int argc, char **argv)
{
    alarm(180);
    if (argc != 4) {
        fprintf(stderr, "usage: hybrid-connect PATH PORT BYTES\n");
        return 2;
    }
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un address = { .sun_family = AF_UNIX };
    strncpy(address.sun_path, argv[1], sizeof address.sun_path - 1);
    if (fd < 0 || connect(fd, (struct sockaddr *)&address, sizeof address) < 0) {
        printf("vsock-host connect-error=%s\n", strerror(errno));
        return 1;
    }
    char request[32], reply[64];
    int length = snprintf(request, sizeof request, "CONNECT %s\n", argv[2]);
    if (write_all(fd, (unsigned char *)request, (size_t)length) < 0) {
        printf("vsock-host write-error=%s\n", strerror(errno));
        return 1;
    }
    if (read_reply(fd, reply, sizeof reply) < 0) {
        printf("vsock-host refused\n");
        return 3;
    }
    if (strncmp(reply, "OK ", 3) != 0) {
        printf("vsock-host bad-reply=%s\n", reply);
        return 1;
    }
    printf("vsock-host ok hostport=%s\n", reply + 3);
    int rc = exchange_stream(fd, strtoull(argv[3], NULL, 10), "vsock-host sent");
    close(fd);
    return rc;
}
