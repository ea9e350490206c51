namespace Parkway.Acpi.Tables;

/// <summary>
/// Fixed ACPI Description Table, revision 6 minor 5 (276 bytes), for a hardware-reduced platform:
/// every legacy PM block is absent and the DSDT is reached through X_DSDT only. The boot-architecture
/// flags are the architecture's (arm64: PSCI over HVC, so KVM and the SMCCC filter see the calls).
/// </summary>
public static class Fadt
{
    /// <summary>Size of a revision 6 FADT.</summary>
    public const int Length = 276;

    /// <summary>FADT Flags bit 20: HW_REDUCED_ACPI.</summary>
    public const uint HardwareReducedAcpiFlag = 1u << 20;

    /// <summary>ARM_BOOT_ARCH bit 0: PSCI_COMPLIANT.</summary>
    public const ushort PsciCompliant = 1;

    /// <summary>ARM_BOOT_ARCH bit 1: PSCI_USE_HVC.</summary>
    public const ushort PsciUseHvc = 2;

    /// <summary>Offset of the 64-bit X_DSDT field.</summary>
    public const int XDsdtOffset = 140;

    /// <summary>Builds the FADT.</summary>
    public static byte[] Build(ulong dsdtAddress, FadtBootArchitecture boot)
    {
        var table = new AcpiTableBuilder("FACP", 6);
        table.WriteUInt32(0); // 36 FIRMWARE_CTRL: no FACS on a HW-reduced platform
        table.WriteUInt32(0); // 40 DSDT (32-bit): left 0, X_DSDT is authoritative
        table.WriteZeros(109 - 44); // 44..108: legacy PM/GPE fields, all absent
        table.WriteUInt16(boot.IaPcBootArch); // 109 IAPC_BOOT_ARCH
        table.WriteByte(0); // 111 reserved
        table.WriteUInt32(HardwareReducedAcpiFlag); // 112 Flags
        table.WriteZeros(12); // 116 RESET_REG (none)
        table.WriteByte(0); // 128 RESET_VALUE
        table.WriteUInt16(boot.ArmBootArch); // 129 ARM_BOOT_ARCH
        table.WriteByte(5); // 131 FADT minor version
        table.WriteUInt64(0); // 132 X_FIRMWARE_CTRL
        table.WriteUInt64(dsdtAddress); // 140 X_DSDT
        table.WriteZeros(268 - 148); // 148..267: X_ PM blocks, sleep control/status: absent
        table.WriteAscii("PARKWAY", 8); // 268 Hypervisor Vendor Identity
        return table.Finish();
    }
}
