using Parkway.Interop;
using Parkway.Kvm;

namespace Parkway.Machine.Arm64;

/// <summary>
/// The in-kernel GICv3 (Documentation/virt/kvm/devices/arm-vgic-v3.rst). Created after every
/// possible vCPU exists, sized for all of them, then initialised: from that moment KVM refuses new
/// vCPUs (EBUSY), and each CPU's redistributor and its GICR_TYPER are fixed for the VM's life.
/// </summary>
public sealed partial class VgicV3 : IDisposable
{
    /// <summary>KVM_DEV_TYPE_ARM_VGIC_V3.</summary>
    public const uint DeviceType = 7;

    internal const uint GroupAddress = 0, GroupNrIrqs = 3, GroupControl = 4, GroupRedistributorRegisters = 5;
    private const ulong AddressTypeDistributor = 2, AddressTypeRedistributorRegion = 5;
    private const ulong ControlInit = 0;
    private const ulong GicrTyperOffset = 0x8;

    private readonly KvmDevice _device;

    private VgicV3(KvmDevice device) => _device = device;

    /// <summary>
    /// Creates the vGIC, places the distributor and the redistributor regions, sets the interrupt
    /// count. Does not initialise it (<see cref="Initialize"/>).
    /// </summary>
    public static VgicV3 Create(KvmVm vm, IReadOnlyList<RedistributorRegion> regions, uint interruptCount)
    {
        KvmDevice device = vm.CreateDevice(DeviceType)!;
        try
        {
            ulong distributor = VirtMemoryMap.GicDistributorBase;
            device.SetAttribute(GroupAddress, AddressTypeDistributor, ref distributor, "KVM_SET_DEVICE_ATTR(VGIC distributor address)");
            for (int index = 0; index < regions.Count; index++)
            {
                // KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION: count[63:52] | base[51:16] | flags[15:12] | index[11:0].
                ulong encoded = ((ulong)regions[index].Count << 52) | (regions[index].Base & 0x000F_FFFF_FFFF_0000) | (uint)index;
                device.SetAttribute(GroupAddress, AddressTypeRedistributorRegion, ref encoded, "KVM_SET_DEVICE_ATTR(VGIC redistributor region)");
            }

            uint count = interruptCount;
            device.SetAttribute(GroupNrIrqs, 0, ref count, "KVM_SET_DEVICE_ATTR(VGIC NR_IRQS)");
            return new VgicV3(device) { _interruptCount = interruptCount };
        }
        catch
        {
            device.Dispose();
            throw;
        }
    }

    /// <summary>KVM_DEV_ARM_VGIC_CTRL_INIT: must follow the creation of every vCPU.</summary>
    public void Initialize() => _device.SetAttribute(GroupControl, ControlInit, "KVM_SET_DEVICE_ATTR(VGIC CTRL_INIT)");

    /// <summary>
    /// Reads GICR_TYPER of the redistributor that belongs to the CPU with <paramref name="mpidr"/>
    /// (two 32-bit halves: processor number and Last in the low word, affinity in the high word).
    /// Only valid while no vCPU is inside KVM_RUN (KVM locks all vCPUs for the access).
    /// </summary>
    public ulong ReadRedistributorTyper(ulong mpidr)
    {
        ulong affinity = ((mpidr >> 32 & 0xFF) << 24) | (mpidr & 0xFF_FFFF);
        ulong attribute = affinity << 32;
        uint low = _device.GetAttribute<uint>(GroupRedistributorRegisters, attribute | GicrTyperOffset, "KVM_GET_DEVICE_ATTR(GICR_TYPER)");
        uint high = _device.GetAttribute<uint>(GroupRedistributorRegisters, attribute | (GicrTyperOffset + 4), "KVM_GET_DEVICE_ATTR(GICR_TYPER+4)");
        return ((ulong)high << 32) | low;
    }

    /// <inheritdoc />
    public void Dispose() => _device.Dispose();
}

/// <summary>Decodes GICR_TYPER (GICv3 architecture spec, §12.11.37).</summary>
public readonly record struct GicrTyper(ulong Value)
{
    /// <summary>Affinity_Value[63:32]: Aff3.Aff2.Aff1.Aff0 of the CPU this redistributor serves.</summary>
    public uint Affinity => (uint)(Value >> 32);

    /// <summary>Processor_Number[23:8].</summary>
    public uint ProcessorNumber => (uint)(Value >> 8) & 0xFFFF;

    /// <summary>Last[4]: the final redistributor of its region.</summary>
    public bool Last => (Value & (1 << 4)) != 0;

    /// <summary>The affinity word an MPIDR corresponds to.</summary>
    public static uint AffinityOf(ulong mpidr) => (uint)((mpidr >> 32 & 0xFF) << 24 | (mpidr & 0xFF_FFFF));
}
