using Parkway.Acpi;
using Parkway.Efi;
using Parkway.Fdt;
using Parkway.Machine.Memory;

namespace Parkway.Machine.Arm64;

/// <summary>
/// The ACPI boot handoff without firmware (see the proven recipe in the design references): arm64
/// Linux uses ACPI only when handed an EFI system table, so Parkway places in guest RAM a minimal
/// EFI system table (configuration table → RSDP; RT properties table: GetTime/SetTime only), EFI
/// runtime services whose GetTime reads the PL031 (the only way an ACPI-booted Linux gets its date),
/// an EFI memory map (RAM as conventional memory, the boot data region as ACPI reclaim so the kernel
/// keeps it, the runtime services' 64 KiB and the PL031 window as runtime ranges, identity-mapped),
/// the ACPI tables, and a stub device tree whose /chosen points at the EFI pieces. A DT with nothing
/// but /chosen makes Linux choose ACPI on its own. All of it is rewritten at every reset.
/// </summary>
public static class Arm64AcpiBoot
{
    private const ulong MemoryMapOffset = 0x2000;
    private const ulong AcpiTablesOffset = 0x1_0000;

    /// <summary>
    /// The ACPI tables exactly as a guest with this layout gets them (same guest addresses), for the
    /// boot itself and for <c>parkway acpi dump</c>.
    /// </summary>
    public static AcpiTableSet BuildTables(AcpiPlatform platform, Arm64BootLayout layout)
    {
        AcpiTableSet acpi = AcpiTableSetBuilder.Build(platform, layout.FirmwareTablesAddress + AcpiTablesOffset);
        if ((ulong)acpi.Image.Length > Arm64BootLayout.FirmwareTablesSize - AcpiTablesOffset)
        {
            throw new InvalidOperationException($"ACPI tables of {acpi.Image.Length} bytes do not fit the firmware region");
        }

        return acpi;
    }

    /// <summary>Writes every boot structure for an ACPI boot into guest RAM.</summary>
    public static AcpiTableSet Write(GuestMemory memory, Arm64BootLayout layout, AcpiPlatform platform, string bootargs)
    {
        ulong firmware = layout.FirmwareTablesAddress;
        AcpiTableSet acpi = BuildTables(platform, layout);

        EfiRuntimeServicesImage runtime = EfiRuntimeServicesBuilder.Build(layout.RuntimeServicesAddress, VirtMemoryMap.RtcBase);
        if ((ulong)runtime.Bytes.Length > Arm64BootLayout.RuntimeServicesSize)
        {
            throw new InvalidOperationException("EFI runtime services do not fit their region");
        }

        EfiSystemTableImage system = EfiSystemTableBuilder.Build(firmware, acpi.RsdpAddress, "Parkway", runtime);
        if ((ulong)system.Bytes.Length > MemoryMapOffset)
        {
            throw new InvalidOperationException("EFI system table image overlaps the memory map");
        }

        var memoryMap = new EfiMemoryMapBuilder()
            .Add(EfiMemoryType.ConventionalMemory, memory.BaseAddress, layout.BootDataAddress - memory.BaseAddress)
            .Add(EfiMemoryType.AcpiReclaimMemory, layout.BootDataAddress, layout.RuntimeServicesAddress - layout.BootDataAddress)
            .Add(EfiMemoryType.RuntimeServicesCode, layout.RuntimeServicesAddress, Arm64BootLayout.RuntimeServicesSize,
                EfiMemoryAttributes.Default | EfiMemoryAttributes.Runtime)
            // GetTime reads the RTC through the EFI page tables: Linux maps the window as device
            // memory there only if the map lists it as runtime MMIO.
            .Add(EfiMemoryType.MemoryMappedIo, VirtMemoryMap.RtcBase, VirtMemoryMap.RtcSize,
                EfiMemoryAttributes.Uncacheable | EfiMemoryAttributes.Runtime);
        byte[] map = memoryMap.Build();

        memory.Write(firmware, system.Bytes);
        memory.Write(runtime.BaseAddress, runtime.Bytes);
        memory.Write(firmware + MemoryMapOffset, map);
        memory.Write(acpi.BaseAddress, acpi.Image);

        var fdt = new FdtBuilder();
        fdt.BeginNode(string.Empty)
            .PropertyU32("#address-cells", 2)
            .PropertyU32("#size-cells", 2);
        fdt.BeginNode("chosen").PropertyString("bootargs", bootargs);
        VirtDeviceTree.AddInitrd(fdt, layout.InitrdAddress, layout.InitrdSize);

        fdt.PropertyU64(LinuxEfiFdtProperties.SystemTable, system.SystemTableAddress)
            .PropertyU64(LinuxEfiFdtProperties.MemoryMapStart, firmware + MemoryMapOffset)
            .PropertyU32(LinuxEfiFdtProperties.MemoryMapSize, (uint)map.Length)
            .PropertyU32(LinuxEfiFdtProperties.MemoryMapDescriptorSize, (uint)memoryMap.DescriptorSize)
            .PropertyU32(LinuxEfiFdtProperties.MemoryMapDescriptorVersion, memoryMap.DescriptorVersion)
            // Debian's and Ubuntu's lockdown patch makes the kernel ignore the whole EFI handoff
            // without this property (then it finds no memory and panics); mainline ignores it.
            .PropertyU32(LinuxEfiFdtProperties.SecureBoot, LinuxEfiFdtProperties.SecureBootDisabled)
            .EndNode();
        fdt.EndNode();
        memory.Write(layout.FdtAddress, fdt.Build());
        return acpi;
    }
}
