using Parkway.Machine.Devices;

namespace Parkway.Tests.Devices;

/// <summary>The port-I/O bus: the MMIO bus's map over the 64 KiB port space.</summary>
public sealed class PortIoBusTests
{
    [Fact]
    public void Ranges_past_the_port_space_or_overlapping_another_are_refused()
    {
        var bus = new PortIoBus();
        bus.Register(0x3F8, 8, new Device());

        Assert.Throws<ArgumentOutOfRangeException>(() => bus.Register(0xFFFC, 8, new Device()));
        Assert.Throws<InvalidOperationException>(() => bus.Register(0x3FF, 2, new Device()));
    }

    [Fact]
    public void An_access_straddling_the_end_of_a_device_is_not_the_devices()
    {
        var bus = new PortIoBus();
        var device = new Device();
        bus.Register(0x60, 2, device);
        Span<byte> data = stackalloc byte[2];

        Assert.True(bus.Read(0x60, data));
        Assert.False(bus.Read(0x61, data));
        Assert.Equal(new byte[] { 0xFF, 0xFF }, data.ToArray());
        Assert.Equal([(ushort)0], device.Reads);
    }

    private sealed class Device : IPortIoDevice
    {
        public List<ushort> Reads { get; } = [];

        public void Read(ushort offset, Span<byte> data)
        {
            Reads.Add(offset);
            data.Clear();
        }

        public void Write(ushort offset, ReadOnlySpan<byte> data)
        {
        }
    }
}
