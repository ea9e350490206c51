using Parkway.Interop;

namespace Parkway.Kvm;

/// <summary>
/// A view of one vCPU's shared <c>struct kvm_run</c> page. Exit data is read and written in place
/// (no copies, no allocation on the exit path). Offsets are those of include/uapi/linux/kvm.h.
/// Valid only while the owning <see cref="KvmVcpu"/> is alive.
/// </summary>
public readonly unsafe struct KvmRun
{
    private const int ImmediateExitOffset = 1;
    private const int ExitReasonOffset = 8;
    private const int ExitUnionOffset = 32;
    private const byte IoDirectionOut = 1;

    private readonly byte* _page;

    internal KvmRun(byte* page) => _page = page;

    /// <summary>Why KVM_RUN returned.</summary>
    public KvmExitReason ExitReason => (KvmExitReason)Volatile.Read(ref *(uint*)(_page + ExitReasonOffset));

    /// <summary>
    /// kvm_run.immediate_exit: when 1, KVM_RUN returns EINTR at once. Set by another thread to kick
    /// this vCPU (paired with a signal for a vCPU already inside KVM_RUN).
    /// </summary>
    public bool ImmediateExit
    {
        get => Volatile.Read(ref _page[ImmediateExitOffset]) != 0;
        set => Volatile.Write(ref _page[ImmediateExitOffset], value ? (byte)1 : (byte)0);
    }

    /// <summary>MMIO exit: guest physical address of the access.</summary>
    public ulong MmioPhysAddr => *(ulong*)(_page + ExitUnionOffset);

    /// <summary>MMIO exit: access size in bytes (1, 2, 4 or 8).</summary>
    public uint MmioLength => *(uint*)(_page + ExitUnionOffset + 16);

    /// <summary>MMIO exit: true for a guest store.</summary>
    public bool MmioIsWrite => _page[ExitUnionOffset + 20] != 0;

    /// <summary>MMIO exit: the data bytes (written by the guest, or to be filled for a load).</summary>
    public Span<byte> MmioData => new(_page + ExitUnionOffset + 8, (int)Math.Min(MmioLength, 8u));

    /// <summary>Port I/O exit (x86): true for a guest OUT, false for an IN (KVM_EXIT_IO_OUT / _IN).</summary>
    public bool IoIsWrite => _page[ExitUnionOffset] == IoDirectionOut;

    /// <summary>Port I/O exit: the access size in bytes (1, 2 or 4).</summary>
    public int IoSize => _page[ExitUnionOffset + 1];

    /// <summary>Port I/O exit: the port number.</summary>
    public ushort IoPort => *(ushort*)(_page + ExitUnionOffset + 2);

    /// <summary>Port I/O exit: how many accesses of <see cref="IoSize"/> (more than 1 for string I/O).</summary>
    public int IoCount => (int)*(uint*)(_page + ExitUnionOffset + 4);

    /// <summary>
    /// Port I/O exit: the <see cref="IoCount"/> × <see cref="IoSize"/> data bytes, which KVM places
    /// inside the kvm_run mapping at io.data_offset (written by the guest, or to be filled for an IN).
    /// </summary>
    public Span<byte> IoData => new(_page + *(ulong*)(_page + ExitUnionOffset + 8), IoSize * IoCount);

    /// <summary>System event exit: its type.</summary>
    public KvmSystemEventType SystemEventType => (KvmSystemEventType)(*(uint*)(_page + ExitUnionOffset));

    /// <summary>Hypercall exit: the SMCCC function id (arm64) or hypercall number.</summary>
    public ulong HypercallNumber => *(ulong*)(_page + ExitUnionOffset);

    /// <summary>Hypercall exit flags (arm64: bit 0 = SMC rather than HVC).</summary>
    public ulong HypercallFlags => *(ulong*)(_page + ExitUnionOffset + 64);

    /// <summary>FAIL_ENTRY exit: hardware_entry_failure_reason.</summary>
    public ulong FailEntryReason => *(ulong*)(_page + ExitUnionOffset);

    /// <summary>INTERNAL_ERROR exit: suberror.</summary>
    public uint InternalErrorSuberror => *(uint*)(_page + ExitUnionOffset);

    /// <summary>KVM_EXIT_ARM_NISV: the abort's ISS (ESR_EL2 without a valid instruction syndrome).</summary>
    public ulong ArmNisvEsrIss => *(ulong*)(_page + ExitUnionOffset);

    /// <summary>KVM_EXIT_ARM_NISV: the guest physical address of the access.</summary>
    public ulong ArmNisvFaultIpa => *(ulong*)(_page + ExitUnionOffset + 8);
}
