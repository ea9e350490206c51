using Parkway.Machine.Config;

namespace Parkway.Machine.Arm64;

/// <summary>
/// Where the kernel, initrd and boot data (FDT, and with ACPI the EFI and ACPI tables) go in guest
/// RAM. The kernel sits at RAM base + text_offset (RAM base is 2 MiB aligned, as booting.rst
/// requires); boot data takes the last 2 MiB of RAM (FDT, firmware tables, and with ACPI the EFI
/// runtime services in its last 64 KiB); the initrd lies just below it.
/// </summary>
public sealed record Arm64BootLayout(
    ulong KernelAddress,
    ulong KernelEnd,
    ulong InitrdAddress,
    ulong InitrdSize,
    ulong BootDataAddress)
{
    /// <summary>Bytes reserved at the top of RAM for boot data.</summary>
    public const ulong BootDataSize = 2UL << 20;

    /// <summary>Room for the FDT at the start of the boot data (booting.rst caps a DTB at 2 MiB).</summary>
    public const ulong FdtMaxSize = 1UL << 20;

    /// <summary>Smallest RAM Parkway accepts, whatever the kernel's size.</summary>
    public const ulong MinimumRam = 64UL << 20;

    /// <summary>Guest physical address of the FDT.</summary>
    public ulong FdtAddress => BootDataAddress;

    /// <summary>
    /// Room for the EFI runtime services (table and code) at the end of the boot data: 64 KiB, so
    /// the range is whole pages for a kernel with 4, 16 or 64 KiB pages (Linux maps it on its own).
    /// </summary>
    public const ulong RuntimeServicesSize = 64UL << 10;

    /// <summary>Where firmware tables (EFI handoff, ACPI) start, after the FDT.</summary>
    public ulong FirmwareTablesAddress => BootDataAddress + FdtMaxSize;

    /// <summary>Room for firmware tables, between the FDT and the runtime services.</summary>
    public static ulong FirmwareTablesSize => BootDataSize - FdtMaxSize - RuntimeServicesSize;

    /// <summary>Guest physical address of the EFI runtime services (ACPI boots), the last 64 KiB of RAM.</summary>
    public ulong RuntimeServicesAddress => BootDataAddress + BootDataSize - RuntimeServicesSize;

    /// <summary>Computes the layout, or explains why the kernel and initrd do not fit.</summary>
    public static Arm64BootLayout Compute(Arm64Image kernel, ulong initrdSize, ulong ramBase, ulong ramSize)
    {
        // Sizes are compared before any address is computed, so huge values cannot wrap around.
        if (ramSize < MinimumRam || kernel.EffectiveSize >= ramSize || kernel.TextOffset + kernel.EffectiveSize > ramSize - BootDataSize
            || initrdSize > ramSize - BootDataSize - kernel.TextOffset - kernel.EffectiveSize)
        {
            throw TooSmall(kernel, initrdSize, ramSize);
        }

        ulong kernelAddress = ramBase + kernel.TextOffset;
        ulong kernelEnd = AlignUp(kernelAddress + kernel.EffectiveSize, 4096);
        ulong ramEnd = ramBase + ramSize;
        ulong bootData = ramEnd - BootDataSize;
        ulong initrdAddress = AlignDown(bootData - initrdSize, 4096);
        if (initrdAddress < kernelEnd)
        {
            throw TooSmall(kernel, initrdSize, ramSize);
        }

        return new Arm64BootLayout(kernelAddress, kernelEnd, initrdSize == 0 ? 0 : initrdAddress, initrdSize, bootData);
    }

    private static ConfigurationException TooSmall(Arm64Image kernel, ulong initrdSize, ulong ramSize)
    {
        ulong kernelNeeds = AlignUp(kernel.TextOffset + kernel.EffectiveSize, 4096);
        ulong needed = kernelNeeds + AlignUp(initrdSize, 4096) + BootDataSize;
        return new ConfigurationException(
            $"--memory {SizeParser.Format(ramSize)} is too small: the kernel needs {SizeParser.Format(kernelNeeds)}, the initrd {SizeParser.Format(initrdSize)} and boot data {SizeParser.Format(BootDataSize)} (use at least {SizeParser.Format(Math.Max(MinimumRam, AlignUp(needed + (16UL << 20), 1UL << 20)))})");
    }

    private static ulong AlignUp(ulong value, ulong alignment) => (value + alignment - 1) & ~(alignment - 1);

    private static ulong AlignDown(ulong value, ulong alignment) => value & ~(alignment - 1);
}
