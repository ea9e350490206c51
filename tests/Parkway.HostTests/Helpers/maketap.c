/*
 * maketap NAME [UID]: creates a persistent tap device NAME (IFF_TAP | IFF_NO_PI | IFF_VNET_HDR),
 * owned by UID when given (TUNSETOWNER: that user may attach to it without CAP_NET_ADMIN), and
 * exits, so a later `parkway run --net tap=NAME` can attach to it. The arm64 test host's busybox
 * has no `ip tuntap`; this is the two ioctls that command makes. Built static for arm64 by the
 * host tests (aarch64-linux-gnu-gcc -static).
 */
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3 || strlen(argv[1]) >= IFNAMSIZ) {
        fprintf(stderr, "usage: maketap NAME [UID]\n");
        return 2;
    }

    int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        perror("maketap: open /dev/net/tun");
        return 1;
    }

    struct ifreq request;
    memset(&request, 0, sizeof request);
    strncpy(request.ifr_name, argv[1], IFNAMSIZ - 1);
    request.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
    if (ioctl(fd, TUNSETIFF, &request) < 0) {
        perror("maketap: TUNSETIFF");
        return 1;
    }

    if (argc == 3 && ioctl(fd, TUNSETOWNER, strtoul(argv[2], NULL, 10)) < 0) {
        perror("maketap: TUNSETOWNER");
        return 1;
    }

    if (ioctl(fd, TUNSETPERSIST, 1) < 0) {
        perror("maketap: TUNSETPERSIST");
        return 1;
    }

    close(fd);
    return 0;
}
