namespace Parkway.Efi;

/// <summary>
/// Names (and fixed values) of the FDT <c>/chosen</c> properties through which arm64 Linux
/// (CONFIG_EFI_PARAMS_FROM_FDT) finds a synthesised EFI handoff. Sizes noted per property.
/// </summary>
public static class LinuxEfiFdtProperties
{
    /// <summary>u64: guest-physical address of EFI_SYSTEM_TABLE.</summary>
    public const string SystemTable = "linux,uefi-system-table";

    /// <summary>u64: guest-physical address of the memory map.</summary>
    public const string MemoryMapStart = "linux,uefi-mmap-start";

    /// <summary>u32: memory map size in bytes.</summary>
    public const string MemoryMapSize = "linux,uefi-mmap-size";

    /// <summary>u32: bytes per descriptor (48).</summary>
    public const string MemoryMapDescriptorSize = "linux,uefi-mmap-desc-size";

    /// <summary>u32: descriptor version (1).</summary>
    public const string MemoryMapDescriptorVersion = "linux,uefi-mmap-desc-ver";

    /// <summary>
    /// u32: secure boot mode. Debian/Ubuntu kernels carry a lockdown patch that makes this property
    /// mandatory: without it the whole handoff is ignored and the guest panics in paging_init.
    /// </summary>
    public const string SecureBoot = "linux,uefi-secure-boot";

    /// <summary>Value for <see cref="SecureBoot"/>: efi_secureboot_mode_disabled, as proven in the test host.</summary>
    public const uint SecureBootDisabled = 2;
}
