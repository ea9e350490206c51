using Parkway.Virtio.Devices;
using Parkway.Virtio.Devices.Block;
using Parkway.Virtio.Tests.Support;

namespace Parkway.Virtio.Tests.Devices;

/// <summary>--disk parsing and image checks: every mistake is one clear configuration error.</summary>
public sealed class BlockOptionsParserTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Path_alone_is_a_writable_disk_without_id_or_serial() =>
        Assert.Equal(new BlockDiskOptions("/x.img", false, null, null), BlockOptionsParser.Parse("path=/x.img"));

    [Fact]
    public void All_options_are_parsed() =>
        Assert.Equal(new BlockDiskOptions("/x.img", true, "root", "SN-1"), BlockOptionsParser.Parse("path=/x.img,readonly=on,id=root,serial=SN-1"));

    [Theory]
    [InlineData("readonly=on", "path=FILE is required")]
    [InlineData("path=", "path is empty")]
    [InlineData("path=/x,readonly=yes", "readonly must be on or off")]
    [InlineData("path=/x,size=1G", "unknown option 'size'")]
    [InlineData("path=/x,path=/y", "'path' is given twice")]
    [InlineData("path=/x,,id=a", "is not key=value")]
    [InlineData("/x.img", "is not key=value")]
    [InlineData("path=/x,serial=123456789012345678901", "longer than 20 bytes")]
    [InlineData("path=/x,id=", "id is empty")]
    public void Mistakes_are_one_configuration_error_naming_the_problem(string text, string expected)
    {
        var error = Assert.Throws<VirtioConfigurationException>(() => BlockOptionsParser.Parse(text));
        Assert.StartsWith("--disk: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void A_missing_image_is_refused() =>
        AssertImageError(_directory.File("missing.img"), "does not exist");

    [Fact]
    public void A_directory_is_refused() =>
        AssertImageError(_directory.Path, "is a directory");

    [Fact]
    public void An_image_that_is_not_whole_sectors_is_refused()
    {
        string path = _directory.File("odd.img");
        File.WriteAllBytes(path, new byte[1000]);
        AssertImageError(path, "1000 bytes, not a multiple of 512");
    }

    [Fact]
    public void A_sector_multiple_image_is_accepted_read_only_and_writable()
    {
        string path = _directory.File("good.img");
        File.WriteAllBytes(path, new byte[4096]);
        BlockOptionsParser.CheckImage(new BlockDiskOptions(path, false, null, null));
        BlockOptionsParser.CheckImage(new BlockDiskOptions(path, true, null, null));
    }

    private static void AssertImageError(string path, string expected)
    {
        var error = Assert.Throws<VirtioConfigurationException>(() => BlockOptionsParser.CheckImage(new BlockDiskOptions(path, false, null, null)));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }
}
