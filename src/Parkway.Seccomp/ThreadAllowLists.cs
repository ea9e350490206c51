using Parkway.Interop;
using static Parkway.Seccomp.SyscallRule;

namespace Parkway.Seccomp;

/// <summary>
/// What each kind of Parkway thread may call once the guest runs, found by running the test-host
/// scenarios with <c>--seccomp log</c> and reading the kernel's audit records (docs/reliability.md,
/// "Seccomp"). Names are the kernel's; a name an architecture lacks is skipped by the builder.
/// </summary>
public static class ThreadAllowLists
{
    // prctl options: PR_SET_NAME (the runtime and the vCPU threads name their threads),
    // PR_SET_NO_NEW_PRIVS (set again before each per-kind filter is installed).
    private const uint PrSetName = 15, PrSetNoNewPrivs = SeccompAbi.PrSetNoNewPrivs;

    // ENOSYS for clone3 makes glibc fall back to clone(2), whose flags a filter can read (clone3
    // passes them in memory), so only thread creation (CLONE_THREAD) is let through.
    private const ushort Enosys = 38;

    // Terminal ioctls the runtime's console code issues on stdin/stdout/stderr: TCGETS, TIOCGWINSZ.
    private const uint Tcgets = 0x5401, Tiocgwinsz = 0x5413;

    // socket(2)'s domain for the vsock host side's Unix stream sockets.
    private const uint AfUnix = 1;

    /// <summary>
    /// Every thread, whatever its kind: the .NET runtime (allocation, GC suspension by signal,
    /// futex waits, thread creation and naming) and the thread pool, which runs the QMP server
    /// (accept, socket reads and writes through epoll), timers and logging. A thread pool worker
    /// may be created by any thread that queues work, a vCPU thread raising a QMP event included,
    /// and inherits that thread's filter, so every per-kind list includes this one.
    /// </summary>
    public static SyscallAllowList Common { get; } = new("common",
    [
        // Waiting, waking, yielding; time (clock_gettime normally goes through the vDSO).
        new Always("futex"), new Always("sched_yield"), new Always("nanosleep"), new Always("clock_nanosleep"),
        new Always("clock_gettime"), new Always("gettimeofday"), new Always("sched_getaffinity"),
        // Memory: the GC and the allocator map, protect, advise and unmap.
        new Always("mmap"), new Always("munmap"), new Always("mprotect"), new Always("madvise"), new Always("mremap"),
        new Always("membarrier"),
        // Signals: the runtime suspends threads for GC with a signal and returns from its handler.
        new Always("rt_sigreturn"), new Always("rt_sigprocmask"), new Always("sigaltstack"), new Always("tgkill"),
        new Always("restart_syscall"), new Always("gettid"), new Always("getpid"),
        // The thread pool's gate thread samples the process's CPU use.
        new Always("getrusage"),
        // The GC asks how much physical memory is free (sysinfo) while it collects, on whichever
        // thread's allocation set the collection off, so any thread may call it: a thread-pool
        // worker in the soak (found with --seccomp log, and traced to the libc call; the likely
        // cause of the soak's kill under on at its first set-vcpus). It only reads figures.
        new Always("sysinfo"),
        // A thread-pool worker reads a resource limit (prlimit64 with no new limit: a query) when
        // QMP clients come and go mid-command (found by the soak under --seccomp log).
        new ArgumentIn("prlimit64", 2, [0]),
        // Threads: created (thread flag only), named, ended.
        new ArgumentHasBits("clone", 0, SeccompAbi.CloneThread), new Fails("clone3", Enosys),
        new Always("set_robust_list"), new Always("rseq"), new ArgumentIn("prctl", 0, [PrSetName]),
        new Always("exit"), new Always("exit_group"),
        // Descriptors: log lines to stderr, eventfds and sockets read and written, closed. A
        // FileStream on a regular file writes with pwrite at its own offset: the --serial file (from
        // vCPU threads for the PL011) and the --metrics file (from a thread-pool timer).
        new Always("write"), new Always("read"), new Always("close"), new Always("fcntl"), new Always("pwrite64"),
        // FileStream asks whether its file can seek before the first write (lseek), and a handle
        // opened with a FileShare lock releases it when closed (flock LOCK_UN): disks, console and
        // metrics files at shutdown.
        new Always("lseek"), new Always("flock"),
        // The GC reads MemAvailable from /proc/meminfo when it collects, on whichever thread's
        // allocation set the collection off (traced in the soak: ten opens on thread-pool workers
        // after the filters; a vCPU or device thread can be that thread too). Everything else the
        // runtime and Parkway open is opened before the filters (docs/reliability.md). So every
        // thread may open (exec, fork and network sockets stay refused).
        new Always("openat"),
        // The QMP server on the thread pool: accept, socket I/O, the runtime's epoll loop; the socket
        // file is removed at shutdown.
        new Always("epoll_wait"), new Always("epoll_pwait"), new Always("epoll_ctl"),
        new Always("accept4"), new Always("recvfrom"), new Always("sendto"), new Always("recvmsg"), new Always("sendmsg"),
        new Always("shutdown"), new Always("unlink"), new Always("unlinkat"),
        new Always("newfstatat"), new Always("fstat"), new Always("statx"),
        new ArgumentIn("ioctl", 1, [Tcgets, Tiocgwinsz]),
    ]);

    /// <summary>
    /// vCPU threads: their KVM vCPU ioctls (run, registers, MP state, reset, signal mask), the
    /// PL011's interrupt line on the VM fd, the virtio transports' register work (device activation
    /// sets the tap's offloads and creates the worker's stop eventfd), and kick bookkeeping.
    /// </summary>
    public static SyscallAllowList Vcpu { get; } = SyscallAllowList.Union("vcpu", new SyscallAllowList("vcpu-only",
    [
        new ArgumentIn("ioctl", 1,
        [
            KvmIoctls.Run, KvmIoctls.GetOneReg, KvmIoctls.SetOneReg, KvmIoctls.GetMpState, KvmIoctls.SetMpState,
            KvmIoctls.ArmVcpuInit, KvmIoctls.SetSignalMask, KvmIoctls.IrqLine, TunIoctls.SetOffload,
            // An MMIO access KVM cannot decode (no syndrome) becomes an external data abort for the guest.
            KvmIoctls.SetVcpuEvents,
            // A snapshot lists every register of the vCPU it saves.
            KvmIoctls.GetRegList,
        ]),
        new Always("rt_sigtimedwait"), new Always("eventfd2"),
    ]), Common);

    /// <summary>
    /// Device threads: poll on the queue eventfds, disk I/O (positioned reads and writes, flush,
    /// hole punching), tap frames, the host's random bytes.
    /// </summary>
    public static SyscallAllowList Device { get; } = SyscallAllowList.Union("device", new SyscallAllowList("device-only",
    [
        new Always("poll"), new Always("ppoll"), new Always("pread64"), new Always("pwrite64"), new Always("preadv"),
        new Always("pwritev"), new Always("readv"), new Always("writev"), new Always("fdatasync"), new Always("fallocate"),
        new Always("getrandom"),
        // virtio-vsock's hybrid host side: a guest connection to host port P is a new Unix stream
        // socket connected to PATH_P (socket(AF_UNIX) only); the runtime sets it non-blocking and
        // asks for the connect's outcome and the endpoints' names.
        new ArgumentIn("socket", 0, [AfUnix]), new Always("connect"), new Always("getsockopt"), new Always("setsockopt"),
        new Always("getsockname"), new Always("getpeername"),
    ]), Common);

    /// <summary>
    /// Every thread of the process, installed first (TSYNC) under the per-kind filters: whatever
    /// any kind needs, plus what the main thread does while the guest runs and at exit.
    /// </summary>
    public static SyscallAllowList Process { get; } = SyscallAllowList.Union("process", Vcpu, Device, new SyscallAllowList("main",
    [
        // Installing each vCPU and device thread's own filter (adding a filter can only narrow).
        new ArgumentIn("prctl", 0, [PrSetNoNewPrivs]), new ArgumentIn("seccomp", 0, [SeccompAbi.SetModeFilter]),
        // Shutdown on the main thread: the signal handlers restored, the virtio eventfds' KVM
        // registrations removed (KVM_IOEVENTFD / KVM_IRQFD with the DEASSIGN flag).
        new Always("rt_sigaction"), new ArgumentIn("ioctl", 1, [KvmIoctls.Ioeventfd, KvmIoctls.Irqfd]),
        // A machine reset on the main thread: each vCPU re-initialised (KVM_ARM_VCPU_INIT, in the
        // vCPU list), its PMU and stolen-time attributes set again or read back, and the vGIC's
        // registers written back to their power-on values (KVM_SET_DEVICE_ATTR on the GIC device).
        new ArgumentIn("ioctl", 1, [KvmIoctls.SetDeviceAttr, KvmIoctls.GetDeviceAttr, KvmIoctls.HasDeviceAttr]),
        // A snapshot (QMP migrate file:PATH, on the thread pool) creates its file and sizes it
        // before writing the sparse memory image. Only the process list has these: vCPU and device
        // threads still cannot open anything (their own filters lack openat).
        new Always("ftruncate"), new Always("geteuid"),
    ]));

    /// <summary>The list for a thread of <paramref name="kind"/>.</summary>
    public static SyscallAllowList For(Threading.ThreadKind kind) => kind switch
    {
        Threading.ThreadKind.Vcpu => Vcpu,
        Threading.ThreadKind.Device => Device,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}
