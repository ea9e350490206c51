using Parkway.Machine.Arm64;
using Parkway.Machine.Config;

namespace Parkway.Tests.Arm64;

public sealed class Arm64ImageTests
{
    [Fact]
    public void A_valid_header_yields_text_offset_image_size_and_flags()
    {
        byte[] header = ImageHeaders.Build(textOffset: 0x20_0000, imageSize: 0x250_0000, flags: 0xA);

        Arm64Image image = Arm64Image.Parse(header, fileSize: 0x180_0000);

        Assert.Equal(0x20_0000UL, image.TextOffset);
        Assert.Equal(0x250_0000UL, image.ImageSize);
        Assert.Equal(0xAUL, image.Flags);
        Assert.Equal(0x180_0000L, image.FileSize);
        Assert.False(image.IsBigEndian);
        Assert.Equal(0x250_0000UL, image.EffectiveSize);
    }

    [Fact]
    public void A_valid_fixture_file_is_read_with_its_length()
    {
        Arm64Image image = Arm64Image.ReadFile(ImageHeaders.Fixture("arm64-image-minimal.bin"));

        Assert.Equal(0UL, image.TextOffset);
        Assert.Equal(0x10_0000UL, image.ImageSize);
        Assert.Equal(0xAUL, image.Flags);
        Assert.Equal(4096L, image.FileSize);
    }

    [Fact]
    public void An_efi_stub_kernel_starting_with_MZ_is_accepted_when_it_carries_the_magic()
    {
        byte[] header = ImageHeaders.Build(0, 0x10_0000);
        header[0] = (byte)'M';
        header[1] = (byte)'Z';

        Assert.Equal(0x10_0000UL, Arm64Image.Parse(header, 4096).ImageSize);
    }

    [Fact]
    public void Image_size_zero_means_a_legacy_kernel_at_text_offset_0x80000_sized_by_its_file()
    {
        // The text_offset field of such kernels is not trusted (booting.rst: assume 0x80000).
        byte[] header = ImageHeaders.Build(textOffset: 0x1234_5000, imageSize: 0);

        Arm64Image image = Arm64Image.Parse(header, fileSize: 0x9_0000);

        Assert.Equal(Arm64Image.LegacyTextOffset, image.TextOffset);
        Assert.Equal(0x9_0000UL, image.EffectiveSize);
    }

    [Fact]
    public void The_legacy_fixture_is_sized_by_its_file()
    {
        Arm64Image image = Arm64Image.ReadFile(ImageHeaders.Fixture("arm64-image-legacy.bin"));

        Assert.Equal(0x8_0000UL, image.TextOffset);
        Assert.Equal(8192UL, image.EffectiveSize);
    }

    [Fact]
    public void A_wrong_magic_is_rejected_without_a_misleading_hint()
    {
        byte[] header = ImageHeaders.Build(0, 0x10_0000, magic: 0x1234_5678);

        var error = Assert.Throws<ConfigurationException>(() => Arm64Image.Parse(header, 4096, "k.bin"));

        Assert.Equal("--kernel: k.bin is not an arm64 Image: no 'ARM\\x64' magic at offset 56", error.Message);
    }

    [Fact]
    public void An_ELF_vmlinux_is_rejected_with_a_hint_to_use_the_Image()
    {
        string path = ImageHeaders.Fixture("vmlinux-elf-header.bin");

        var error = Assert.Throws<ConfigurationException>(() => Arm64Image.ReadFile(path));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("it is an ELF file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_gzip_compressed_image_is_rejected_with_a_hint_to_decompress_it()
    {
        var error = Assert.Throws<ConfigurationException>(() => Arm64Image.ReadFile(ImageHeaders.Fixture("arm64-image.gz")));

        Assert.Contains("gzip-compressed: decompress it first", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_PE_binary_without_the_arm64_header_is_named_as_such()
    {
        byte[] header = new byte[64];
        header[0] = (byte)'M';
        header[1] = (byte)'Z';

        var error = Assert.Throws<ConfigurationException>(() => Arm64Image.Parse(header, 4096));

        Assert.Contains("PE/EFI binary", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_header_shorter_than_64_bytes_is_rejected()
    {
        byte[] header = ImageHeaders.Build(0, 0x10_0000)[..63];

        var error = Assert.Throws<ConfigurationException>(() => Arm64Image.Parse(header, 63));

        Assert.Contains("shorter than the 64-byte header", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_truncated_file_reports_how_many_bytes_it_has()
    {
        string path = ImageHeaders.Fixture("arm64-image-truncated.bin");

        var error = Assert.Throws<ConfigurationException>(() => Arm64Image.ReadFile(path));

        Assert.Equal($"--kernel: {path} is not an arm64 Image (only 40 bytes, the header alone is 64)", error.Message);
    }

    [Fact]
    public void An_empty_file_is_not_an_image()
    {
        string path = Path.GetTempFileName();
        try
        {
            var error = Assert.Throws<ConfigurationException>(() => Arm64Image.ReadFile(path));

            Assert.Contains("only 0 bytes", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_big_endian_kernel_is_refused()
    {
        var error = Assert.Throws<ConfigurationException>(() => Arm64Image.ReadFile(ImageHeaders.Fixture("arm64-image-big-endian.bin")));

        Assert.Contains("big-endian", error.Message, StringComparison.Ordinal);
        Assert.Contains("little-endian kernels only", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0x80001UL)]
    [InlineData(0x800UL)]
    [InlineData(1UL << 30)]
    [InlineData(ulong.MaxValue & ~0xFFFUL)]
    public void An_unaligned_or_huge_text_offset_is_implausible(ulong textOffset)
    {
        byte[] header = ImageHeaders.Build(textOffset, 0x10_0000);

        var error = Assert.Throws<ConfigurationException>(() => Arm64Image.Parse(header, 4096));

        Assert.Equal($"--kernel: kernel has an implausible text_offset 0x{textOffset:x}", error.Message);
    }

    [Fact]
    public void An_image_size_smaller_than_the_file_is_implausible()
    {
        byte[] header = ImageHeaders.Build(0, imageSize: 0x1000);

        var error = Assert.Throws<ConfigurationException>(() => Arm64Image.Parse(header, fileSize: 0x1001));

        Assert.Contains("implausible image_size 0x1000", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_file_is_a_configuration_error_naming_the_path()
    {
        string path = Path.Combine(Path.GetTempPath(), "parkway-no-such-kernel-" + Guid.NewGuid().ToString("N"));

        var error = Assert.Throws<ConfigurationException>(() => Arm64Image.ReadFile(path));

        Assert.Equal($"--kernel: file not found: {path}", error.Message);
    }

    [Fact]
    public void Every_rejection_message_is_a_single_line()
    {
        string[] fixtures = ["vmlinux-elf-header.bin", "arm64-image.gz", "arm64-image-truncated.bin", "arm64-image-big-endian.bin"];

        Assert.All(fixtures, name =>
        {
            var error = Assert.Throws<ConfigurationException>(() => Arm64Image.ReadFile(ImageHeaders.Fixture(name)));
            Assert.StartsWith("--kernel: ", error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain('\n', error.Message);
        });
    }
}
