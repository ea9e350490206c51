namespace Parkway.Interop;

/// <summary>
/// Every KVM ioctl number Parkway uses, in one place. Encoded as the kernel's _IOC macro does
/// (asm-generic/ioctl.h: nr in bits 0-7, type 0xAE in 8-15, size in 16-29, direction in 30-31),
/// which is the same on x86_64 and arm64. The sizes are those of the structs in this folder;
/// KvmAbiTests checks both against the arm64 uapi headers.
/// </summary>
public static class KvmIoctls
{
    private const uint KvmType = 0xAE;
    private const uint DirNone = 0, DirWrite = 1, DirRead = 2;

    private static uint Ioc(uint direction, uint number, uint size) =>
        (direction << 30) | (size << 16) | (KvmType << 8) | number;

    // System (/dev/kvm) ioctls.
    /// <summary>KVM_GET_API_VERSION: always 12 on supported kernels.</summary>
    public static readonly uint GetApiVersion = Ioc(DirNone, 0x00, 0);
    /// <summary>KVM_CREATE_VM: argument is the machine type (arm64: IPA size, 0 = default 40 bits).</summary>
    public static readonly uint CreateVm = Ioc(DirNone, 0x01, 0);
    /// <summary>KVM_CHECK_EXTENSION: argument is a KVM_CAP_* number; returns 0 when absent.</summary>
    public static readonly uint CheckExtension = Ioc(DirNone, 0x03, 0);
    /// <summary>KVM_GET_VCPU_MMAP_SIZE: size of the kvm_run mapping.</summary>
    public static readonly uint GetVcpuMmapSize = Ioc(DirNone, 0x04, 0);

    // VM ioctls.
    /// <summary>KVM_CREATE_VCPU: argument is the vCPU id.</summary>
    public static readonly uint CreateVcpu = Ioc(DirNone, 0x41, 0);
    /// <summary>KVM_SET_USER_MEMORY_REGION (struct kvm_userspace_memory_region, 32 bytes).</summary>
    public static readonly uint SetUserMemoryRegion = Ioc(DirWrite, 0x46, 32);
    /// <summary>KVM_IRQ_LINE (struct kvm_irq_level, 8 bytes).</summary>
    public static readonly uint IrqLine = Ioc(DirWrite, 0x61, 8);
    /// <summary>KVM_IRQFD (struct kvm_irqfd, 32 bytes): an eventfd write injects an interrupt.</summary>
    public static readonly uint Irqfd = Ioc(DirWrite, 0x76, 32);
    /// <summary>KVM_IOEVENTFD (struct kvm_ioeventfd, 64 bytes): a guest store signals an eventfd without an exit to userspace.</summary>
    public static readonly uint Ioeventfd = Ioc(DirWrite, 0x79, 64);
    /// <summary>KVM_ENABLE_CAP (struct kvm_enable_cap, 104 bytes), on the VM fd.</summary>
    public static readonly uint EnableCap = Ioc(DirWrite, 0xA3, 104);
    /// <summary>KVM_ARM_PREFERRED_TARGET (struct kvm_vcpu_init, 32 bytes), on the VM fd.</summary>
    public static readonly uint ArmPreferredTarget = Ioc(DirRead, 0xAF, 32);
    /// <summary>KVM_CREATE_DEVICE (struct kvm_create_device, 12 bytes).</summary>
    public static readonly uint CreateDevice = Ioc(DirRead | DirWrite, 0xE0, 12);
    /// <summary>KVM_SET_DEVICE_ATTR (struct kvm_device_attr, 24 bytes): device fds and, for the SMCCC filter, the VM fd.</summary>
    public static readonly uint SetDeviceAttr = Ioc(DirWrite, 0xE1, 24);
    /// <summary>KVM_GET_DEVICE_ATTR.</summary>
    public static readonly uint GetDeviceAttr = Ioc(DirWrite, 0xE2, 24);
    /// <summary>KVM_HAS_DEVICE_ATTR.</summary>
    public static readonly uint HasDeviceAttr = Ioc(DirWrite, 0xE3, 24);

    // vCPU ioctls.
    /// <summary>KVM_RUN.</summary>
    public static readonly uint Run = Ioc(DirNone, 0x80, 0);
    /// <summary>KVM_SET_SIGNAL_MASK (struct kvm_signal_mask header, 4 bytes + the mask).</summary>
    public static readonly uint SetSignalMask = Ioc(DirWrite, 0x8B, 4);
    /// <summary>KVM_GET_MP_STATE (struct kvm_mp_state, 4 bytes).</summary>
    public static readonly uint GetMpState = Ioc(DirRead, 0x98, 4);
    /// <summary>KVM_SET_MP_STATE.</summary>
    public static readonly uint SetMpState = Ioc(DirWrite, 0x99, 4);
    /// <summary>KVM_SET_VCPU_EVENTS (arm64 struct kvm_vcpu_events, 64 bytes): pending SError / external data abort.</summary>
    public static readonly uint SetVcpuEvents = Ioc(DirWrite, 0xA0, 64);
    /// <summary>KVM_GET_ONE_REG (struct kvm_one_reg, 16 bytes).</summary>
    public static readonly uint GetOneReg = Ioc(DirWrite, 0xAB, 16);
    /// <summary>KVM_SET_ONE_REG.</summary>
    public static readonly uint SetOneReg = Ioc(DirWrite, 0xAC, 16);
    /// <summary>KVM_ARM_VCPU_INIT (struct kvm_vcpu_init, 32 bytes).</summary>
    public static readonly uint ArmVcpuInit = Ioc(DirWrite, 0xAE, 32);
    /// <summary>KVM_GET_REG_LIST (struct kvm_reg_list: a u64 count, then the ids).</summary>
    public static readonly uint GetRegList = Ioc(DirRead | DirWrite, 0xB0, 8);
}

/// <summary>KVM_CAP_* numbers (include/uapi/linux/kvm.h).</summary>
public static class KvmCapability
{
    /// <summary>KVM_CAP_USER_MEMORY.</summary>
    public const int UserMemory = 3;
    /// <summary>KVM_CAP_NR_VCPUS: the recommended maximum.</summary>
    public const int NrVcpus = 9;
    /// <summary>KVM_CAP_MAX_VCPUS: the hard maximum number of vCPUs per VM.</summary>
    public const int MaxVcpus = 66;
    /// <summary>KVM_CAP_IRQFD.</summary>
    public const int Irqfd = 32;
    /// <summary>KVM_CAP_IOEVENTFD.</summary>
    public const int Ioeventfd = 36;
    /// <summary>KVM_CAP_ARM_PSCI.</summary>
    public const int ArmPsci = 87;
    /// <summary>KVM_CAP_DEVICE_CTRL.</summary>
    public const int DeviceCtrl = 89;
    /// <summary>KVM_CAP_ARM_PSCI_0_2.</summary>
    public const int ArmPsci02 = 102;
    /// <summary>KVM_CAP_MAX_VCPU_ID.</summary>
    public const int MaxVcpuId = 128;
    /// <summary>KVM_CAP_IMMEDIATE_EXIT.</summary>
    public const int ImmediateExit = 136;
    /// <summary>KVM_CAP_ARM_NISV_TO_USER: data aborts without a valid syndrome exit to userspace (KVM_EXIT_ARM_NISV) instead of failing KVM_RUN.</summary>
    public const int ArmNisvToUser = 177;
    /// <summary>KVM_CAP_ARM_INJECT_EXT_DABT: userspace can make an external data abort pending (KVM_SET_VCPU_EVENTS).</summary>
    public const int ArmInjectExtDabt = 178;
}

/// <summary>KVM_EXIT_* reasons found in kvm_run.exit_reason.</summary>
public enum KvmExitReason : uint
{
    /// <summary>KVM_EXIT_UNKNOWN.</summary>
    Unknown = 0,
    /// <summary>KVM_EXIT_IO (x86 port I/O).</summary>
    Io = 2,
    /// <summary>KVM_EXIT_HYPERCALL (arm64: an SMCCC call forwarded by the SMCCC filter).</summary>
    Hypercall = 3,
    /// <summary>KVM_EXIT_DEBUG.</summary>
    Debug = 4,
    /// <summary>KVM_EXIT_HLT.</summary>
    Hlt = 5,
    /// <summary>KVM_EXIT_MMIO.</summary>
    Mmio = 6,
    /// <summary>KVM_EXIT_SHUTDOWN.</summary>
    Shutdown = 8,
    /// <summary>KVM_EXIT_FAIL_ENTRY.</summary>
    FailEntry = 9,
    /// <summary>KVM_EXIT_INTR: a signal interrupted KVM_RUN.</summary>
    Intr = 10,
    /// <summary>KVM_EXIT_INTERNAL_ERROR.</summary>
    InternalError = 17,
    /// <summary>KVM_EXIT_SYSTEM_EVENT (PSCI SYSTEM_OFF / SYSTEM_RESET ...).</summary>
    SystemEvent = 24,
    /// <summary>KVM_EXIT_ARM_NISV: a data abort outside memory with no instruction syndrome (e.g. a load pair on MMIO).</summary>
    ArmNisv = 28,
}

/// <summary>kvm_run.system_event.type values.</summary>
public enum KvmSystemEventType : uint
{
    /// <summary>KVM_SYSTEM_EVENT_SHUTDOWN (PSCI SYSTEM_OFF).</summary>
    Shutdown = 1,
    /// <summary>KVM_SYSTEM_EVENT_RESET (PSCI SYSTEM_RESET).</summary>
    Reset = 2,
    /// <summary>KVM_SYSTEM_EVENT_CRASH.</summary>
    Crash = 3,
    /// <summary>KVM_SYSTEM_EVENT_WAKEUP.</summary>
    Wakeup = 4,
    /// <summary>KVM_SYSTEM_EVENT_SUSPEND.</summary>
    Suspend = 5,
}

/// <summary>KVM_MP_STATE_* values accepted on arm64.</summary>
public enum KvmMpState : uint
{
    /// <summary>KVM_MP_STATE_RUNNABLE.</summary>
    Runnable = 0,
    /// <summary>KVM_MP_STATE_STOPPED: powered off (PSCI).</summary>
    Stopped = 5,
    /// <summary>KVM_MP_STATE_SUSPENDED.</summary>
    Suspended = 10,
}
