using Parkway.Threading;

namespace Parkway.Seccomp;

/// <summary>
/// <c>--seccomp on|log</c>: the process-wide filter on every thread, then one filter per thread kind
/// on each vCPU and device thread as it starts (through <see cref="ThreadConfinement"/>). Programs are
/// built once, up front, so a thread's start does no more than two system calls.
/// </summary>
public sealed class SeccompConfinement : IThreadConfiner
{
    private readonly SyscallTable _table;
    private readonly SockFilter[] _vcpu;
    private readonly SockFilter[] _device;

    private SeccompConfinement(SyscallTable table, uint defaultAction)
    {
        _table = table;
        _vcpu = BpfProgramBuilder.Build(table, ThreadAllowLists.Vcpu, defaultAction);
        _device = BpfProgramBuilder.Build(table, ThreadAllowLists.Device, defaultAction);
        Process = BpfProgramBuilder.Build(table, ThreadAllowLists.Process, defaultAction);
    }

    private SockFilter[] Process { get; }

    /// <summary>
    /// The action for a call outside the lists. <c>on</c>: kill the whole process (SIGSYS, the kernel
    /// writes an audit record naming the call and the thread); <c>log</c>: let it run, audit record only.
    /// </summary>
    public static uint DefaultAction(SeccompMode mode) => mode switch
    {
        SeccompMode.On => SeccompAbi.RetKillProcess,
        SeccompMode.Log => SeccompAbi.RetLog,
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "no filter in this mode"),
    };

    /// <summary>
    /// Confines the process as <paramref name="mode"/> says: the process-wide filter on every thread
    /// now, the per-kind filters on vCPU and device threads as they start. Call after the VM is built
    /// and before the guest runs, from a thread no filter has been installed on.
    /// </summary>
    public static void Apply(SeccompMode mode)
    {
        if (mode == SeccompMode.Off)
        {
            return;
        }

        var confinement = new SeccompConfinement(SyscallTable.Current, DefaultAction(mode));
        // The process filter first: TSYNC fails if any thread already has a filter of its own, which
        // a vCPU thread started by an early QMP plug would have once the confiner is installed.
        SeccompFilter.Install(confinement._table, confinement.Process, allThreads: true);
        ThreadConfinement.Install(confinement);
    }

    /// <inheritdoc />
    public void Confine(ThreadKind kind) => SeccompFilter.Install(_table, kind switch
    {
        ThreadKind.Vcpu => _vcpu,
        ThreadKind.Device => _device,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    }, allThreads: false);
}
