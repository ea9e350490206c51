/*
 * Shared by the vsock test helpers (guest and test-host side): a reproducible byte pattern, a
 * checksum, and the two ends of an echo exchange over a connected stream socket.
 *
 * Why an echo: one connection then carries data both ways at once, so the VMM's credit
 * accounting is exercised in both directions while each side both sends and receives. The
 * receiver checks every byte against the pattern (so it knows which offset went wrong) and both
 * ends print an FNV-1a sum the test compares across the VMM.
 */
#ifndef STREAM_CHECK_H
#define STREAM_CHECK_H

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define CHUNK 65536
/* A stalled transfer fails instead of hanging the test host session. */
#define STALL_MS 60000

/* FNV-1a, 64 bit: order-sensitive, so a lost, repeated or reordered chunk changes the sum. */
#define FNV_START 0xcbf29ce484222325ULL
static inline uint64_t fnv_update(uint64_t hash, const unsigned char *data, size_t length)
{
    for (size_t i = 0; i < length; i++) {
        hash ^= data[i];
        hash *= 0x100000001b3ULL;
    }
    return hash;
}

/* The byte at stream offset i: a hash of the offset, so no short period can hide a slip. */
static inline unsigned char pattern_byte(uint64_t i)
{
    uint64_t x = (i + 1) * 0x9e3779b97f4a7c15ULL;
    x ^= x >> 29;
    return (unsigned char)(x >> 24);
}

/* Writes all of data to a blocking fd. */
static inline int write_all(int fd, const unsigned char *data, size_t length)
{
    while (length > 0) {
        ssize_t n = write(fd, data, length);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        data += n;
        length -= (size_t)n;
    }
    return 0;
}

/*
 * The echo side: sends back everything it reads until end of file, then closes its sending side.
 * Prints "<label> echoed=<bytes> fnv=<sum>". Returns 0 when the stream ended cleanly.
 */
static inline int echo_stream(int fd, const char *label)
{
    static unsigned char buffer[CHUNK];
    uint64_t hash = FNV_START, total = 0;
    int rc = 0;
    for (;;) {
        ssize_t n = read(fd, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            printf("%s read-error=%s\n", label, strerror(errno));
            rc = 1;
            break;
        }
        if (n == 0)
            break;
        hash = fnv_update(hash, buffer, (size_t)n);
        total += (uint64_t)n;
        if (write_all(fd, buffer, (size_t)n) < 0) {
            printf("%s write-error=%s\n", label, strerror(errno));
            rc = 1;
            break;
        }
    }
    shutdown(fd, SHUT_WR);
    printf("%s echoed=%llu fnv=%016llx\n", label, (unsigned long long)total, (unsigned long long)hash);
    fflush(stdout);
    return rc;
}

/*
 * The sending side: writes `bytes` of the pattern, half-closes, and reads the echo back until end
 * of file, both at once (poll on a non-blocking fd: writing everything first would deadlock
 * once both directions' buffers are full). Prints "<label> sent=<n> sent-fnv=<sum>
 * received=<n> received-fnv=<sum> mismatches=<bytes unlike the pattern>". Returns 0 when the
 * echo came back whole and unchanged.
 */
static inline int exchange_stream(int fd, uint64_t bytes, const char *label)
{
    static unsigned char out[CHUNK], in[CHUNK];
    uint64_t sent = 0, received = 0, mismatches = 0;
    uint64_t sent_hash = FNV_START, received_hash = FNV_START;
    int reading = 1, rc = 0;
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    if (bytes == 0)
        shutdown(fd, SHUT_WR);
    while (reading) {
        struct pollfd p = { .fd = fd, .events = POLLIN | (sent < bytes ? POLLOUT : 0) };
        int ready = poll(&p, 1, STALL_MS);
        if (ready < 0 && errno == EINTR)
            continue;
        if (ready <= 0) {
            printf("%s stalled sent=%llu received=%llu\n", label, (unsigned long long)sent, (unsigned long long)received);
            rc = 1;
            break;
        }
        if (sent < bytes && (p.revents & POLLOUT)) {
            size_t length = bytes - sent < CHUNK ? (size_t)(bytes - sent) : CHUNK;
            for (size_t i = 0; i < length; i++)
                out[i] = pattern_byte(sent + i);
            ssize_t n = write(fd, out, length);
            if (n > 0) {
                sent_hash = fnv_update(sent_hash, out, (size_t)n);
                sent += (uint64_t)n;
                if (sent == bytes)
                    shutdown(fd, SHUT_WR);
            } else if (n < 0 && errno != EAGAIN && errno != EINTR) {
                printf("%s write-error=%s\n", label, strerror(errno));
                rc = 1;
                break;
            }
        }
        if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
            ssize_t n = read(fd, in, sizeof in);
            if (n > 0) {
                for (ssize_t i = 0; i < n; i++)
                    mismatches += in[i] != pattern_byte(received + (uint64_t)i);
                received_hash = fnv_update(received_hash, in, (size_t)n);
                received += (uint64_t)n;
            } else if (n == 0) {
                reading = 0;
            } else if (errno != EAGAIN && errno != EINTR) {
                printf("%s read-error=%s\n", label, strerror(errno));
                rc = 1;
                break;
            }
        }
    }
    printf("%s sent=%llu sent-fnv=%016llx received=%llu received-fnv=%016llx mismatches=%llu\n", label,
           (unsigned long long)sent, (unsigned long long)sent_hash, (unsigned long long)received,
           (unsigned long long)received_hash, (unsigned long long)mismatches);
    fflush(stdout);
    return rc || sent != bytes || received != bytes || mismatches != 0;
}

#endif
