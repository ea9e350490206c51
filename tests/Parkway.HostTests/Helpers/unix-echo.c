/*
 * unix-echo PATH: listens on the Unix socket PATH, accepts one connection, echoes it, removes
 * PATH. In the vsock host tests it is the host service a guest reaches by connecting to host
 * CID 2 port P, which the VMM turns into a connection to PATH = <vsock socket>_P. Runs in the
 * arm64 test host; built static for arm64 by the host tests.
 */
#include <stdlib.h>
#include <sys/un.h>

#include "stream-check.h"

int main(int argc, char **argv)
{
    alarm(540); /* started before the guest boots, which can take minutes on a loaded machine */
    if (argc != 2) {
        fprintf(stderr, "usage: unix-echo PATH\n");
        return 2;
    }
    int listener = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un address = { .sun_family = AF_UNIX };
    strncpy(address.sun_path, argv[1], sizeof address.sun_path - 1);
    if (listener < 0 || bind(listener, (struct sockaddr *)&address, sizeof address) < 0 || listen(listener, 1) < 0) {
        printf("unix-echo listen-error=%s\n", strerror(errno));
        return 1;
    }
    int fd = accept(listener, NULL, NULL);
    unlink(argv[1]);
    if (fd < 0) {
        printf("unix-echo accept-error=%s\n", strerror(errno));
        return 1;
    }
    int rc = echo_stream(fd, "unix-echo");
    close(fd);
    return rc;
}
