using Parkway.Acpi.Aml;

namespace Parkway.Acpi.Arm64;

/// <summary>
/// One MADT GIC CPU Interface structure (type 0x0B), in the 80-byte ACPI 6.3/6.4 layout that
/// QEMU's virt board and Linux 6.x accept. The redistributor is described by a separate GICR
/// structure, so the per-CPU GICR base stays 0 (a non-zero base on a not-Enabled GICC makes
/// Linux treat that CPU's redistributor as inaccessible).
/// </summary>
/// <param name="CpuInterfaceNumber">The GIC's CPU interface number.</param>
/// <param name="AcpiProcessorUid">Matches the <c>_UID</c> of the CPU's ACPI0007 device.</param>
/// <param name="Flags">Enabled for boot CPUs, OnlineCapable for hot-pluggable ones.</param>
/// <param name="Mpidr">Affinity fields only (Aff3 in 39:32, Aff2..Aff0 in 23:0).</param>
/// <param name="PerformanceInterruptGsiv">PMU interrupt, 0 for none.</param>
/// <param name="VgicMaintenanceInterrupt">VGIC maintenance PPI.</param>
public readonly record struct MadtGicc(
    uint CpuInterfaceNumber,
    uint AcpiProcessorUid,
    MadtGiccFlags Flags,
    ulong Mpidr,
    uint PerformanceInterruptGsiv = 0,
    uint VgicMaintenanceInterrupt = MadtGicc.DefaultVgicMaintenanceInterrupt)
{
    /// <summary>Structure type.</summary>
    public const byte Type = 0x0B;

    /// <summary>Structure length.</summary>
    public const int Length = 80;

    /// <summary>The VGIC maintenance PPI KVM and QEMU use (PPI 9 = INTID 25).</summary>
    public const uint DefaultVgicMaintenanceInterrupt = 25;

    /// <summary>The bits of MPIDR_EL1 that are affinity (bit 31 is RES1, bit 30 is U, bit 24 is MT).</summary>
    public const ulong MpidrAffinityMask = 0xFF_00FF_FFFF;

    /// <summary>Appends the 80-byte structure.</summary>
    public void WriteTo(AmlWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteByte(Type);
        writer.WriteByte(Length);
        writer.WriteUInt16(0); // reserved
        writer.WriteUInt32(CpuInterfaceNumber); // 4
        writer.WriteUInt32(AcpiProcessorUid); // 8
        writer.WriteUInt32((uint)Flags); // 12
        writer.WriteUInt32(0); // 16 parking protocol version: not used, PSCI boots CPUs
        writer.WriteUInt32(PerformanceInterruptGsiv); // 20
        writer.WriteUInt64(0); // 24 parked address
        writer.WriteUInt64(0); // 32 physical base address (GICv2 only)
        writer.WriteUInt64(0); // 40 GICV
        writer.WriteUInt64(0); // 48 GICH
        writer.WriteUInt32(VgicMaintenanceInterrupt); // 56
        writer.WriteUInt64(0); // 60 GICR base: described by the GICR structure instead
        writer.WriteUInt64(Mpidr & MpidrAffinityMask); // 68
        writer.WriteByte(0); // 76 processor power efficiency class
        writer.WriteByte(0); // 77 reserved
        writer.WriteUInt16(0); // 78 SPE overflow interrupt
    }

    /// <summary>The structure as a standalone byte array (for a <c>_MAT</c> buffer).</summary>
    public byte[] ToBytes()
    {
        var writer = new AmlWriter();
        WriteTo(writer);
        return writer.ToArray();
    }
}
