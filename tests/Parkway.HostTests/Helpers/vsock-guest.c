/*
 * vsock-guest: the test guest's end of the vsock host tests (the guest's busybox nc has no
 * AF_VSOCK). Built static for arm64 by the host tests and appended to the guest initramfs.
 *
 *   vsock-guest listen PORT              accept one connection on PORT and echo it
 *   vsock-guest connect CID PORT BYTES   connect to CID:PORT, send BYTES of the pattern, check the echo
 *
 * Output lines start with "PARKWAY-VSOCK" so they stand out on the guest console.
 */
#include <stdlib.h>
#include <sys/socket.h>
/* After sys/socket.h: the uapi header uses struct sockaddr without including it. */
#include <linux/vm_sockets.h>

#include "stream-check.h"

static int listen_and_echo(unsigned port)
{
    int listener = socket(AF_VSOCK, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_vm address = { .svm_family = AF_VSOCK, .svm_port = port, .svm_cid = VMADDR_CID_ANY };
    if (listener < 0 || bind(listener, (struct sockaddr *)&address, sizeof address) < 0 || listen(listener, 1) < 0) {
        printf("PARKWAY-VSOCK listen port=%u error=%s\n", port, strerror(errno));
        return 1;
    }
    /* The host test waits for this line before it connects. */
    printf("PARKWAY-VSOCK listening port=%u\n", port);
    fflush(stdout);
    int fd = accept(listener, NULL, NULL);
    if (fd < 0) {
        printf("PARKWAY-VSOCK accept error=%s\n", strerror(errno));
        return 1;
    }
    close(listener);
    int rc = echo_stream(fd, "PARKWAY-VSOCK guest-echo");
    close(fd);
    return rc;
}

static int connect_and_exchange(unsigned cid, unsigned port, unsigned long long bytes)
{
    int fd = socket(AF_VSOCK, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_vm address = { .svm_family = AF_VSOCK, .svm_port = port, .svm_cid = cid };
    if (fd < 0 || connect(fd, (struct sockaddr *)&address, sizeof address) < 0) {
        /* ECONNRESET is what a guest sees when the host side refuses (nobody at PATH_PORT). */
        printf("PARKWAY-VSOCK connect port=%u error=%s\n", port, strerror(errno));
        return 1;
    }
    int rc = exchange_stream(fd, bytes, "PARKWAY-VSOCK guest-sent");
    close(fd);
    return rc;
}

int main(int argc, char **argv)
{
    /* Never outlive a broken test: the guest would otherwise hold the session until its timeout. */
    alarm(180);
    if (argc == 3 && strcmp(argv[1], "listen") == 0)
        return listen_and_echo((unsigned)strtoul(argv[2], NULL, 10));
    if (argc == 5 && strcmp(argv[1], "connect") == 0)
        return connect_and_exchange((unsigned)strtoul(argv[2], NULL, 10), (unsigned)strtoul(argv[3], NULL, 10),
                                    strtoull(argv[4], NULL, 10));
    fprintf(stderr, "usage: vsock-guest listen PORT | connect CID PORT BYTES\n");
    return 2;
}
