using Parkway.Virtio.Queues;
using Parkway.Virtio.Tests.Support;

namespace Parkway.Virtio.Tests.Queues;

/// <summary>What a queue configuration must satisfy before QueueReady is accepted.</summary>
public sealed class VirtqueueValidationTests
{
    private readonly QueueFixture _fixture = new(size: 16);

    [Theory]
    [InlineData(0u)]
    [InlineData(3u)]
    [InlineData(24u)]
    [InlineData(512u)] // above the device's maximum
    [InlineData(65536u)]
    public void Sizes_that_are_zero_not_a_power_of_two_or_above_the_maximum_are_refused(uint size) =>
        Assert.NotNull(VirtqueueValidation.CheckSize(size, 256));

    [Theory]
    [InlineData(1u)]
    [InlineData(2u)]
    [InlineData(256u)]
    public void Powers_of_two_up_to_the_maximum_are_accepted(uint size) =>
        Assert.Null(VirtqueueValidation.CheckSize(size, 256));

    [Fact]
    public void The_fixture_layout_is_valid() =>
        Assert.Null(VirtqueueValidation.Check(_fixture.Memory, _fixture.State(), 256));

    [Theory]
    [InlineData(8UL, 0UL, 0UL)] // descriptor table needs 16
    [InlineData(0UL, 1UL, 0UL)] // avail ring needs 2
    [InlineData(0UL, 0UL, 2UL)] // used ring needs 4
    public void Misaligned_areas_are_refused(ulong descriptorShift, ulong availShift, ulong usedShift)
    {
        VirtqueueState state = _fixture.State() with
        {
            DescriptorTable = _fixture.DescriptorTable + descriptorShift,
            DriverArea = _fixture.DriverArea + availShift,
            DeviceArea = _fixture.DeviceArea + usedShift,
        };
        Assert.Contains("aligned", VirtqueueValidation.Check(_fixture.Memory, state, 256), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0UL)] // below RAM
    [InlineData(QueueFixture.RamBase + QueueFixture.RamSize - 16)] // runs off the end
    [InlineData(0xFFFF_FFFF_FFFF_FFF0UL)] // wraps past 2^64
    public void Areas_outside_guest_ram_are_refused(ulong address)
    {
        Assert.Contains("not in guest RAM", VirtqueueValidation.Check(_fixture.Memory, _fixture.State() with { DescriptorTable = address }, 256), StringComparison.Ordinal);
        Assert.Contains("not in guest RAM", VirtqueueValidation.Check(_fixture.Memory, _fixture.State() with { DriverArea = address }, 256), StringComparison.Ordinal);
        Assert.Contains("not in guest RAM", VirtqueueValidation.Check(_fixture.Memory, _fixture.State() with { DeviceArea = address }, 256), StringComparison.Ordinal);
    }
}
