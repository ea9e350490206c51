using System.Globalization;
using System.Text.RegularExpressions;
using Parkway.Machine.Arm64;
using Parkway.Machine.Config;

namespace Parkway.Tests.Arm64;

public sealed partial class Arm64BootLayoutTests
{
    private const ulong MiB = 1UL << 20;
    private const ulong RamBase = VirtMemoryMap.RamBase;

    [Fact]
    public void The_kernel_sits_at_ram_base_plus_text_offset()
    {
        var kernel = new Arm64Image(TextOffset: 0x20_0000, ImageSize: 0x250_0123, Flags: 0xA, FileSize: 0x180_0000);

        Arm64BootLayout layout = Arm64BootLayout.Compute(kernel, 0, RamBase, 512 * MiB);

        Assert.Equal(RamBase + 0x20_0000, layout.KernelAddress);
        // The end covers image_size (file + BSS), rounded up to a page.
        Assert.Equal(RamBase + 0x20_0000 + 0x250_1000, layout.KernelEnd);
    }

    [Fact]
    public void Boot_data_takes_the_last_2_MiB_with_the_fdt_first_and_firmware_tables_after_it()
    {
        Arm64BootLayout layout = Arm64BootLayout.Compute(SmallKernel(), 0, RamBase, 512 * MiB);

        Assert.Equal(RamBase + (510 * MiB), layout.BootDataAddress);
        Assert.Equal(layout.BootDataAddress, layout.FdtAddress);
        Assert.Equal(layout.BootDataAddress + Arm64BootLayout.FdtMaxSize, layout.FirmwareTablesAddress);
        Assert.Equal(layout.RuntimeServicesAddress, layout.FirmwareTablesAddress + Arm64BootLayout.FirmwareTablesSize);
        Assert.Equal(RamBase + (512 * MiB), layout.RuntimeServicesAddress + Arm64BootLayout.RuntimeServicesSize);
    }

    [Fact]
    public void The_fdt_is_8_byte_aligned_and_within_the_first_512_MiB_as_booting_rst_requires()
    {
        Arm64BootLayout layout = Arm64BootLayout.Compute(SmallKernel(), 0, RamBase, 512 * MiB);

        Assert.Equal(0UL, layout.FdtAddress % 8);
        Assert.True(layout.FdtAddress + Arm64BootLayout.FdtMaxSize <= RamBase + (512 * MiB));
    }

    [Theory]
    [InlineData(1UL)]
    [InlineData(4096UL)]
    [InlineData(12_345_678UL)]
    [InlineData(300UL << 20)]
    public void The_initrd_lies_page_aligned_just_below_the_boot_data_and_above_the_kernel(ulong initrdSize)
    {
        Arm64BootLayout layout = Arm64BootLayout.Compute(SmallKernel(), initrdSize, RamBase, 512 * MiB);

        Assert.Equal(0UL, layout.InitrdAddress % 4096);
        Assert.Equal(initrdSize, layout.InitrdSize);
        Assert.True(layout.InitrdAddress + initrdSize <= layout.BootDataAddress, "initrd overlaps the boot data");
        Assert.True(layout.BootDataAddress - (layout.InitrdAddress + initrdSize) < 4096, "initrd is not just below the boot data");
        Assert.True(layout.InitrdAddress >= layout.KernelEnd, "initrd overlaps the kernel");
    }

    [Fact]
    public void Without_an_initrd_its_address_is_zero()
    {
        Arm64BootLayout layout = Arm64BootLayout.Compute(SmallKernel(), 0, RamBase, 512 * MiB);

        Assert.Equal(0UL, layout.InitrdAddress);
        Assert.Equal(0UL, layout.InitrdSize);
    }

    [Fact]
    public void A_legacy_kernel_is_placed_by_its_file_size()
    {
        var kernel = new Arm64Image(Arm64Image.LegacyTextOffset, ImageSize: 0, Flags: 0, FileSize: 0x30_0001);

        Arm64BootLayout layout = Arm64BootLayout.Compute(kernel, 0, RamBase, 512 * MiB);

        Assert.Equal(RamBase + 0x8_0000, layout.KernelAddress);
        Assert.Equal(RamBase + 0x8_0000 + 0x30_1000, layout.KernelEnd);
    }

    [Fact]
    public void Memory_below_the_minimum_is_refused_with_a_suggestion()
    {
        var error = Assert.Throws<ConfigurationException>(() => Arm64BootLayout.Compute(SmallKernel(), 0, RamBase, 32 * MiB));

        Assert.StartsWith("--memory 32 MiB is too small: ", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("(use at least 64 MiB)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_kernel_and_initrd_that_do_not_fit_are_refused_naming_each_size()
    {
        var kernel = new Arm64Image(0, ImageSize: 40 * MiB, Flags: 0xA, FileSize: 30 * (long)MiB);

        var error = Assert.Throws<ConfigurationException>(() => Arm64BootLayout.Compute(kernel, 30 * MiB, RamBase, 64 * MiB));

        Assert.Equal(
            "--memory 64 MiB is too small: the kernel needs 40 MiB, the initrd 30 MiB and boot data 2 MiB (use at least 88 MiB)",
            error.Message);
    }

    [Theory]
    [InlineData(40UL << 20, 30UL << 20, 64UL << 20)]
    [InlineData(200UL << 20, 1UL, 128UL << 20)]
    [InlineData(1UL << 20, 900UL << 20, 256UL << 20)]
    [InlineData(63UL << 20, 0UL, 64UL << 20)]
    public void The_suggested_memory_size_is_enough(ulong imageSize, ulong initrdSize, ulong tooSmall)
    {
        var kernel = new Arm64Image(0x20_0000, imageSize, 0xA, 4096);
        var error = Assert.Throws<ConfigurationException>(() => Arm64BootLayout.Compute(kernel, initrdSize, RamBase, tooSmall));

        ulong suggested = SuggestedSize(error.Message);

        Arm64BootLayout layout = Arm64BootLayout.Compute(kernel, initrdSize, RamBase, suggested);
        Assert.True(layout.InitrdAddress == 0 || layout.InitrdAddress >= layout.KernelEnd);
    }

    [Fact]
    public void an_image_size_that_wraps_the_address_space_never_yields_a_layout()
    {
        byte[] header = ImageHeaders.Build(textOffset: 0, imageSize: 0xFFFF_FFFF_FFF0_0000);

        Arm64BootLayout? layout = null;

        var error = Record.Exception(() => layout = Arm64BootLayout.Compute(Arm64Image.Parse(header, fileSize: 4096), 0, RamBase, 512 * MiB));

        Assert.True(
            error is ConfigurationException,
            layout is null ? $"threw {error?.GetType().Name}" : $"layout returned: kernel 0x{layout.KernelAddress:x}..0x{layout.KernelEnd:x}");
    }

    private static Arm64Image SmallKernel() => new(TextOffset: 0, ImageSize: 0x100_0000, Flags: 0xA, FileSize: 0xC0_0000);

    private static ulong SuggestedSize(string message)
    {
        Match match = SuggestionPattern().Match(message);
        Assert.True(match.Success, $"no suggestion in: {message}");
        ulong value = ulong.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        return match.Groups[2].Value == "GiB" ? value << 30 : value << 20;
    }

    [GeneratedRegex(@"\(use at least (\d+) (MiB|GiB)\)$")]
    private static partial Regex SuggestionPattern();
}
