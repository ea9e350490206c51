/*
 * netbench: TCP bulk throughput for scripts/bench-devices, the same static arm64 binary in the test
 * guest (its initramfs) and in the arm64 test host. busybox nc moves 1 KiB per read/write and
 * polls between them, which is slow enough inside an emulated CPU to hide the VMM; this moves
 * 256 KiB per system call so the measure is the virtio-net path.
 *
 *   netbench recv PORT              accept one connection on PORT, read to end of stream, print
 *                                   "bytes=N us=T" (T: accept -> end of stream, CLOCK_MONOTONIC)
 *   netbench send ADDR PORT MIB     connect (retrying refused connections for 30 s), send MIB MiB of
 *                                   zeros, half-close, wait for the receiver to close, print
 *                                   "bytes=N us=T"
 * The receiver's time is the one to use: the sender's ends when its data sits in socket buffers.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define CHUNK (256 * 1024)

static char buffer[CHUNK];

static long long now_us(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

static int parse_port(const char *text)
{
    char *end;
    long port = strtol(text, &end, 10);
    if (*end != '\0' || port < 1 || port > 65535) {
        fprintf(stderr, "netbench: bad port '%s'\n", text);
        exit(2);
    }
    return (int)port;
}

static int receive(int port)
{
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = htons(port) };
    if (bind(listener, (struct sockaddr *)&address, sizeof address) != 0 || listen(listener, 1) != 0) {
        perror("netbench: bind/listen");
        return 1;
    }

    int connection = accept(listener, NULL, NULL);
    if (connection < 0) {
        perror("netbench: accept");
        return 1;
    }

    long long start = now_us(), bytes = 0;
    for (;;) {
        ssize_t n = read(connection, buffer, sizeof buffer);
        if (n == 0)
            break;
        if (n < 0) {
            if (errno == EINTR)
                continue;
            perror("netbench: read");
            return 1;
        }
        bytes += n;
    }

    long long elapsed = now_us() - start;
    close(connection);
    printf("bytes=%lld us=%lld\n", bytes, elapsed);
    return 0;
}

static int send_zeros(const char *host, int port, long mib)
{
    struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = htons(port) };
    if (inet_pton(AF_INET, host, &address.sin_addr) != 1) {
        fprintf(stderr, "netbench: bad IPv4 address '%s'\n", host);
        return 2;
    }

    int connection = -1;
    for (int attempt = 0; attempt < 600; attempt++) {
        connection = socket(AF_INET, SOCK_STREAM, 0);
        if (connect(connection, (struct sockaddr *)&address, sizeof address) == 0)
            break;
        if (errno != ECONNREFUSED) {
            perror("netbench: connect");
            return 1;
        }
        close(connection);
        connection = -1;
        usleep(50000);
    }
    if (connection < 0) {
        fprintf(stderr, "netbench: connection refused for 30 s\n");
        return 1;
    }

    long long start = now_us(), bytes = 0, total = (long long)mib * 1048576;
    while (bytes < total) {
        size_t want = total - bytes < CHUNK ? (size_t)(total - bytes) : CHUNK;
        ssize_t n = write(connection, buffer, want);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            perror("netbench: write");
            return 1;
        }
        bytes += n;
    }

    shutdown(connection, SHUT_WR);
    while (read(connection, buffer, sizeof buffer) > 0) {
    }
    printf("bytes=%lld us=%lld\n", bytes, now_us() - start);
    close(connection);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "recv") == 0)
        return receive(parse_port(argv[2]));
    if (argc == 5 && strcmp(argv[1], "send") == 0)
        return send_zeros(argv[2], parse_port(argv[3]), strtol(argv[4], NULL, 10));
    fprintf(stderr, "usage: netbench recv PORT | netbench send ADDR PORT MIB\n");
    return 2;
}
