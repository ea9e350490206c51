/*
 * seccomp-harness PROGRAM ACTION: installs the classic BPF program in file PROGRAM (raw struct
 * sock_filter array, as Parkway builds it) on itself with seccomp(2), then makes the one call
 * ACTION names and exits: 0 when the call succeeded, 100 + errno when it failed. A call the filter
 * kills ends the process with SIGSYS instead. Built for the machine running the tests by
 * FilterInKernelTests, so the kernel itself judges Parkway's filters.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

static long act(const char *action)
{
    char buffer[1];
    if (strcmp(action, "none") == 0)
        return 0;
    if (strncmp(action, "ioctl:", 6) == 0)
        return ioctl(-1, (unsigned long)strtoul(action + 6, NULL, 0), 0);
    if (strcmp(action, "socket") == 0)
        return socket(AF_INET, SOCK_STREAM, 0);
    if (strcmp(action, "unix-socket") == 0)
        return socket(AF_UNIX, SOCK_STREAM, 0) >= 0 ? 0 : -1;
    if (strcmp(action, "pread") == 0)
        return syscall(SYS_pread64, -1, buffer, 1, 0);
    if (strcmp(action, "fork") == 0)
        return syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
    if (strcmp(action, "clone3") == 0)
        return syscall(SYS_clone3, NULL, 0);
    if (strcmp(action, "execve") == 0) {
        char *argv[] = { "/bin/true", NULL };
        return syscall(SYS_execve, "/bin/true", argv, NULL);
    }
    if (strcmp(action, "prctl-name") == 0)
        return prctl(PR_SET_NAME, "harness", 0, 0, 0);
    if (strcmp(action, "prctl-dumpable") == 0)
        return prctl(PR_GET_DUMPABLE, 0, 0, 0, 0);
#ifdef __x86_64__
    if (strcmp(action, "x32-getpid") == 0)
        return syscall(0x40000000 | SYS_getpid);
    if (strcmp(action, "i386-getpid") == 0) {
        long result;
        __asm__ volatile("int $0x80" : "=a"(result) : "a"(20) : "memory");
        return result;
    }
#endif
    fprintf(stderr, "seccomp-harness: unknown action %s\n", action);
    exit(2);
}

int main(int argc, char **argv)
{
    static struct sock_filter instructions[4096];
    if (argc != 3) {
        fprintf(stderr, "usage: seccomp-harness PROGRAM ACTION\n");
        return 2;
    }

    FILE *file = fopen(argv[1], "rb");
    if (file == NULL) {
        perror("seccomp-harness: open program");
        return 2;
    }

    size_t count = fread(instructions, sizeof instructions[0], 4096, file);
    fclose(file);
    struct sock_fprog program = { .len = (unsigned short)count, .filter = instructions };
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 || syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &program) != 0) {
        perror("seccomp-harness: install");
        return 3;
    }

    long result = act(argv[2]);
    syscall(SYS_exit_group, result >= 0 ? 0 : 100 + (errno > 55 ? 55 : errno));
    return 1;
}
