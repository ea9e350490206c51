namespace Parkway.Efi;

/// <summary>EFI_MEMORY_TYPE values (UEFI 2.10 §7.2, <c>EFI_BOOT_SERVICES.AllocatePages</c>).</summary>
public enum EfiMemoryType : uint
{
    /// <summary>Not usable.</summary>
    ReservedMemoryType = 0,

    /// <summary>Code of a loaded UEFI application.</summary>
    LoaderCode = 1,

    /// <summary>Data of a loaded UEFI application.</summary>
    LoaderData = 2,

    /// <summary>Boot services driver code.</summary>
    BootServicesCode = 3,

    /// <summary>Boot services driver data.</summary>
    BootServicesData = 4,

    /// <summary>Runtime services driver code (kept after ExitBootServices).</summary>
    RuntimeServicesCode = 5,

    /// <summary>Runtime services driver data (kept after ExitBootServices).</summary>
    RuntimeServicesData = 6,

    /// <summary>Free RAM: what the guest OS may use.</summary>
    ConventionalMemory = 7,

    /// <summary>RAM with detected errors.</summary>
    UnusableMemory = 8,

    /// <summary>Holds ACPI tables; the OS keeps it reserved (used here for FDT, EFI and ACPI tables).</summary>
    AcpiReclaimMemory = 9,

    /// <summary>Reserved for firmware ACPI NVS use.</summary>
    AcpiMemoryNvs = 10,

    /// <summary>Memory-mapped I/O used by runtime services.</summary>
    MemoryMappedIo = 11,

    /// <summary>Memory-mapped I/O port space (Itanium).</summary>
    MemoryMappedIoPortSpace = 12,

    /// <summary>Processor firmware code (Itanium PAL).</summary>
    PalCode = 13,

    /// <summary>Byte-addressable non-volatile memory.</summary>
    PersistentMemory = 14,

    /// <summary>Memory the guest must accept before use (confidential computing).</summary>
    UnacceptedMemoryType = 15,
}
