using Parkway.Interop;
using Parkway.Kvm;
using Parkway.Machine.Snapshot;

namespace Parkway.Machine.Arm64;

/// <summary>
/// The vGICv3's state for snapshots, through KVM's userspace register access
/// (Documentation/virt/kvm/devices/arm-vgic-v3.rst): distributor registers, every CPU's
/// redistributor (parked CPUs' too: their redistributors exist for the VM's life) and ICC system
/// registers, and the SPI line levels. No ITS is created, so there are no LPIs and no pending tables
/// to flush. Only valid while no vCPU is inside KVM_RUN (KVM takes every vCPU's lock for each access).
/// </summary>
public sealed partial class VgicV3
{
    // KVM_DEV_ARM_VGIC_GRP_DIST_REGS, _CPU_SYSREGS, _LEVEL_INFO; KVM_DEV_ARM_VGIC_LINE_LEVEL_INFO_SHIFT;
    // VGIC_LEVEL_INFO_LINE_LEVEL (checked against the uapi headers by KvmAbiTests).
    internal const uint GroupDistributorRegisters = 1, GroupCpuSystemRegisters = 6, GroupLevelInfo = 7;
    internal const int LevelInfoShift = 10;
    internal const uint LevelInfoLineLevel = 0;
    private const uint SgiFrame = 0x1_0000;

    // Per-interrupt registers, 1 bit per interrupt, in QEMU's restore order: group, group modifier,
    // then the set-registers whose clear twin sits 0x80 above (pending, active, enable last).
    private const uint Igroupr = 0x080, Isenabler = 0x100, Ispendr = 0x200, Isactiver = 0x300, Igrpmodr = 0xD00;
    private const uint Ipriorityr = 0x400, Icfgr = 0xC00, Irouter = 0x6000;
    private const uint ClearTwinDistance = 0x80;

    /// <summary>The ICC registers of one CPU interface, as KVM_DEV_ARM_VGIC_SYSREG(op0, op1, CRn, CRm, op2), restore order.</summary>
    private static readonly ulong[] CpuInterfaceRegisters =
    [
        SystemRegister(12, 12, 5), // ICC_SRE_EL1
        SystemRegister(12, 12, 4), // ICC_CTLR_EL1
        SystemRegister(12, 12, 6), // ICC_IGRPEN0_EL1
        SystemRegister(12, 12, 7), // ICC_IGRPEN1_EL1
        SystemRegister(4, 6, 0),   // ICC_PMR_EL1
        SystemRegister(12, 8, 3),  // ICC_BPR0_EL1
        SystemRegister(12, 12, 3), // ICC_BPR1_EL1
    ];

    /// <summary>ICC_AP0R0..3_EL1 then ICC_AP1R0..3_EL1: how many exist depends on the priority bits; absent ones are refused.</summary>
    private static readonly ulong[] ActivePriorityRegisters =
    [
        SystemRegister(12, 8, 4), SystemRegister(12, 8, 5), SystemRegister(12, 8, 6), SystemRegister(12, 8, 7),
        SystemRegister(12, 9, 0), SystemRegister(12, 9, 1), SystemRegister(12, 9, 2), SystemRegister(12, 9, 3),
    ];

    /// <summary>Interrupt ids the distributor serves: 32 (first SPI) up to this (set at creation).</summary>
    private uint _interruptCount;

    /// <summary>Reads the whole interrupt controller for the CPUs with <paramref name="mpidrs"/> (every slot).</summary>
    public GicSnapshot Save(IReadOnlyList<ulong> mpidrs)
    {
        ArgumentNullException.ThrowIfNull(mpidrs);
        var distributor = new List<GicRegisterValue> { ReadDistributor(0) }; // GICD_CTLR
        foreach (uint offset in DistributorOffsets())
        {
            distributor.Add(ReadDistributor(offset));
        }

        var cpus = new List<GicCpuSnapshot>(mpidrs.Count);
        foreach (ulong mpidr in mpidrs)
        {
            ulong cpu = AffinityAttribute(mpidr);
            var redistributor = new List<GicRegisterValue>();
            foreach (uint offset in RedistributorOffsets())
            {
                redistributor.Add(new GicRegisterValue(offset, _device.GetAttribute<uint>(GroupRedistributorRegisters, cpu | offset, "KVM_GET_DEVICE_ATTR(GICR)")));
            }

            var cpuInterface = new List<GicSystemRegisterValue>();
            foreach (ulong register in CpuInterfaceRegisters)
            {
                cpuInterface.Add(new GicSystemRegisterValue(register, _device.GetAttribute<ulong>(GroupCpuSystemRegisters, cpu | register, "KVM_GET_DEVICE_ATTR(ICC)")));
            }

            foreach (ulong register in ActivePriorityRegisters)
            {
                if (_device.HasAttribute(GroupCpuSystemRegisters, cpu | register) && TryRead(cpu | register, out ulong value))
                {
                    cpuInterface.Add(new GicSystemRegisterValue(register, value));
                }
            }

            cpus.Add(new GicCpuSnapshot(mpidr, redistributor, cpuInterface));
        }

        var levels = new List<GicRegisterValue>();
        for (uint intid = 32; intid < _interruptCount; intid += 32)
        {
            levels.Add(new GicRegisterValue(intid, _device.GetAttribute<uint>(GroupLevelInfo, LevelInfoAttribute(intid), "KVM_GET_DEVICE_ATTR(LEVEL_INFO)")));
        }

        return new GicSnapshot(distributor, cpus, levels);
    }

    /// <summary>
    /// Writes a saved state back into this (initialised, never run) vGIC, in QEMU's order: GICD_CTLR,
    /// each redistributor, the distributor's per-interrupt registers, the line levels, then each CPU
    /// interface. Every CPU of the snapshot must exist here with the same MPIDR (checked by the caller).
    /// </summary>
    public void Restore(GicSnapshot state)
    {
        ArgumentNullException.ThrowIfNull(state);
        GicRegisterValue control = state.Distributor.FirstOrDefault(static r => r.Offset == 0);
        WriteDistributor(0, control.Value);
        foreach (GicCpuSnapshot cpu in state.Cpus)
        {
            ulong attribute = AffinityAttribute(cpu.Mpidr);
            foreach (GicRegisterValue register in cpu.Redistributor)
            {
                WriteWithClear(GroupRedistributorRegisters, attribute, register, register.Offset - SgiFrame, "GICR");
            }
        }

        foreach (GicRegisterValue register in state.Distributor.Where(static r => r.Offset != 0))
        {
            WriteWithClear(GroupDistributorRegisters, 0, register, register.Offset, "GICD");
        }

        foreach (GicRegisterValue level in state.LineLevels)
        {
            uint value = level.Value;
            _device.SetAttribute(GroupLevelInfo, LevelInfoAttribute(level.Offset), ref value, "KVM_SET_DEVICE_ATTR(LEVEL_INFO)");
        }

        foreach (GicCpuSnapshot cpu in state.Cpus)
        {
            ulong attribute = AffinityAttribute(cpu.Mpidr);
            foreach (GicSystemRegisterValue register in cpu.CpuInterface)
            {
                ulong value = register.Value;
                _device.SetAttribute(GroupCpuSystemRegisters, attribute | register.Encoding, ref value, $"KVM_SET_DEVICE_ATTR(ICC 0x{register.Encoding:x})");
            }
        }
    }

    /// <summary>KVM_DEV_ARM_VGIC_SYSREG(3, 0, CRn, CRm, op2): the ICC registers all have op0 = 3, op1 = 0.</summary>
    internal static ulong SystemRegister(uint crn, uint crm, uint op2) => (3UL << 14) | (0UL << 11) | ((ulong)crn << 7) | ((ulong)crm << 3) | op2;

    /// <summary>The MPIDR field of a device attribute: Aff3.Aff2.Aff1.Aff0 in bits 63..32.</summary>
    private static ulong AffinityAttribute(ulong mpidr) => (ulong)GicrTyper.AffinityOf(mpidr) << 32;

    private static ulong LevelInfoAttribute(uint intid) => ((ulong)LevelInfoLineLevel << LevelInfoShift) | intid;

    private IEnumerable<uint> DistributorOffsets()
    {
        // Interrupts 0..31 are banked per CPU (redistributors); the distributor holds the SPIs.
        uint spiWords = _interruptCount / 32;
        for (uint word = 1; word < spiWords; word++)
        {
            yield return Igroupr + (4 * word);
            yield return Igrpmodr + (4 * word);
        }

        for (uint word = 8; word < _interruptCount / 4; word++)
        {
            yield return Ipriorityr + (4 * word);
        }

        for (uint word = 2; word < _interruptCount / 16; word++)
        {
            yield return Icfgr + (4 * word);
        }

        for (uint intid = 32; intid < _interruptCount; intid++)
        {
            yield return Irouter + (8 * intid);
            yield return Irouter + (8 * intid) + 4;
        }

        foreach (uint set in (uint[])[Ispendr, Isactiver, Isenabler])
        {
            for (uint word = 1; word < spiWords; word++)
            {
                yield return set + (4 * word);
            }
        }
    }

    private static IEnumerable<uint> RedistributorOffsets()
    {
        yield return 0; // GICR_CTLR
        yield return SgiFrame + Igroupr;
        yield return SgiFrame + Igrpmodr;
        for (uint word = 0; word < 8; word++)
        {
            yield return SgiFrame + Ipriorityr + (4 * word);
        }

        yield return SgiFrame + Icfgr;
        yield return SgiFrame + Icfgr + 4;
        yield return SgiFrame + Ispendr;
        yield return SgiFrame + Isactiver;
        yield return SgiFrame + Isenabler;
    }

    private GicRegisterValue ReadDistributor(uint offset) =>
        new(offset, _device.GetAttribute<uint>(GroupDistributorRegisters, offset, $"KVM_GET_DEVICE_ATTR(GICD 0x{offset:x})"));

    private void WriteDistributor(uint offset, uint value) =>
        _device.SetAttribute(GroupDistributorRegisters, offset, ref value, $"KVM_SET_DEVICE_ATTR(GICD 0x{offset:x})");

    /// <summary>
    /// Writes one register; a set-enable/pending/active register is preceded by all-ones to its clear
    /// twin, so bits that were clear in the snapshot end clear (writing zeros to a set-register does nothing).
    /// </summary>
    private void WriteWithClear(uint group, ulong cpu, GicRegisterValue register, uint frameOffset, string name)
    {
        uint local = frameOffset & 0xFFFF;
        if (local is >= Isenabler and < Isenabler + ClearTwinDistance
            or >= Ispendr and < Ispendr + ClearTwinDistance
            or >= Isactiver and < Isactiver + ClearTwinDistance)
        {
            uint all = uint.MaxValue;
            _device.SetAttribute(group, cpu | (register.Offset + ClearTwinDistance), ref all, $"KVM_SET_DEVICE_ATTR({name} 0x{register.Offset + ClearTwinDistance:x})");
        }

        uint value = register.Value;
        _device.SetAttribute(group, cpu | register.Offset, ref value, $"KVM_SET_DEVICE_ATTR({name} 0x{register.Offset:x})");
    }

    private bool TryRead(ulong attribute, out ulong value)
    {
        try
        {
            value = _device.GetAttribute<ulong>(GroupCpuSystemRegisters, attribute, "KVM_GET_DEVICE_ATTR(ICC_APxR)");
            return true;
        }
        catch (KvmException)
        {
            value = 0;
            return false;
        }
    }
}
