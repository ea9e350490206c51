/*
 * runas UID GID COMMAND [ARGS...]: runs COMMAND as user UID with group GID and no supplementary
 * groups, no capabilities left (what `setpriv --reuid --regid --clear-groups` does; the test host's
 * busybox setpriv lacks those options). Built static for arm64 by the host tests.
 */
#define _GNU_SOURCE
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: runas UID GID COMMAND [ARGS...]\n");
        return 2;
    }

    gid_t gid = (gid_t)strtoul(argv[2], NULL, 10);
    uid_t uid = (uid_t)strtoul(argv[1], NULL, 10);
    if (setgroups(0, NULL) != 0 || setresgid(gid, gid, gid) != 0 || setresuid(uid, uid, uid) != 0) {
        perror("runas");
        return 2;
    }

    execvp(argv[3], argv + 3);
    perror("runas: exec");
    return 127;
}
