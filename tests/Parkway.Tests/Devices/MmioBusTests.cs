using Parkway.Machine.Devices;

namespace Parkway.Tests.Devices;

public sealed class MmioBusTests
{
    [Fact]
    public void A_load_reaches_the_device_with_the_offset_from_its_base()
    {
        var bus = new MmioBus();
        var device = new RecordingDevice(fill: 0x5A);
        bus.Register(0x0900_0000, 0x1000, device);
        byte[] data = new byte[4];

        Assert.True(bus.Read(0x0900_0018, data));

        Assert.Equal([("read", 0x18UL, 4)], device.Accesses);
        Assert.Equal(new byte[] { 0x5A, 0x5A, 0x5A, 0x5A }, data);
    }

    [Fact]
    public void A_store_reaches_the_device_with_its_bytes()
    {
        var bus = new MmioBus();
        var device = new RecordingDevice();
        bus.Register(0x0900_0000, 0x1000, device);

        Assert.True(bus.Write(0x0900_0000, [0x41]));

        Assert.Equal([("write", 0UL, 1)], device.Accesses);
        Assert.Equal(new byte[] { 0x41 }, device.LastWritten);
    }

    [Fact]
    public void Each_access_goes_to_the_device_that_covers_it_whatever_the_registration_order()
    {
        var bus = new MmioBus();
        var devices = new Dictionary<ulong, RecordingDevice>();
        foreach (ulong start in new ulong[] { 0x0905_0000, 0x0900_0000, 0x0908_0000, 0x0901_0000, 0x40_0000_0000, 0x0903_0000 })
        {
            devices[start] = new RecordingDevice();
            bus.Register(start, 0x1000, devices[start]);
        }

        foreach ((ulong start, RecordingDevice device) in devices)
        {
            Assert.True(bus.Write(start + 0xFF8, new byte[8]));
            Assert.Equal([("write", 0xFF8UL, 8)], device.Accesses);
        }
    }

    [Fact]
    public void Adjacent_ranges_are_allowed_and_stay_separate()
    {
        var bus = new MmioBus();
        var low = new RecordingDevice();
        var high = new RecordingDevice();
        bus.Register(0x1000, 0x1000, low);
        bus.Register(0x2000, 0x1000, high);

        bus.Read(0x1FFF, new byte[1]);
        bus.Read(0x2000, new byte[1]);

        Assert.Equal([("read", 0xFFFUL, 1)], low.Accesses);
        Assert.Equal([("read", 0UL, 1)], high.Accesses);
    }

    [Theory]
    [InlineData(0x1000UL, 0x1000UL)]
    [InlineData(0x1800UL, 0x10UL)]
    [InlineData(0x0800UL, 0x801UL)]
    [InlineData(0x1FFFUL, 0x1000UL)]
    [InlineData(0x0000UL, 0x10000UL)]
    public void An_overlapping_range_is_rejected_naming_both_ranges(ulong start, ulong size)
    {
        var bus = new MmioBus();
        bus.Register(0x1000, 0x1000, new RecordingDevice());

        var error = Assert.Throws<InvalidOperationException>(() => bus.Register(start, size, new RecordingDevice()));

        Assert.Contains($"0x{start:x}+0x{size:x}", error.Message, StringComparison.Ordinal);
        Assert.Contains("0x1000+0x1000", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_rejected_registration_leaves_the_map_unchanged()
    {
        var bus = new MmioBus();
        var first = new RecordingDevice();
        bus.Register(0x1000, 0x1000, first);
        Assert.Throws<InvalidOperationException>(() => bus.Register(0x1800, 0x1000, new RecordingDevice()));

        Assert.False(bus.Read(0x2100, new byte[4]));
        Assert.True(bus.Read(0x1800, new byte[4]));
        Assert.Single(first.Accesses);
    }

    [Fact]
    public void A_zero_sized_range_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new MmioBus().Register(0x1000, 0, new RecordingDevice()));
    }

    [Theory]
    [InlineData(0x0FFFUL)]
    [InlineData(0x2000UL)]
    [InlineData(0UL)]
    [InlineData(0xFFFF_FFFF_FFFF_FFF0UL)]
    public void An_unmapped_load_is_zero_filled_and_reported(ulong address)
    {
        var bus = new MmioBus();
        var device = new RecordingDevice();
        bus.Register(0x1000, 0x1000, device);
        byte[] data = [0xFF, 0xFF, 0xFF, 0xFF];

        Assert.False(bus.Read(address, data));

        Assert.Equal(new byte[4], data);
        Assert.Empty(device.Accesses);
    }

    [Fact]
    public void An_unmapped_store_is_reported_and_dropped()
    {
        var bus = new MmioBus();
        var device = new RecordingDevice();
        bus.Register(0x1000, 0x1000, device);

        Assert.False(bus.Write(0x3000, [1, 2]));
        Assert.Empty(device.Accesses);
    }

    [Fact]
    public void An_empty_bus_answers_nothing()
    {
        var bus = new MmioBus();
        byte[] data = [9];

        Assert.False(bus.Read(0x1000, data));
        Assert.False(bus.Write(0x1000, data));
        Assert.Equal(0, data[0]);
    }

    [Theory]
    [InlineData(0x1FFEUL, 4)]
    [InlineData(0x1FF9UL, 8)]
    [InlineData(0x0FFEUL, 4)]
    public void An_access_straddling_a_range_boundary_is_not_dispatched(ulong address, int length)
    {
        var bus = new MmioBus();
        var device = new RecordingDevice();
        bus.Register(0x1000, 0x1000, device);
        byte[] data = Enumerable.Repeat((byte)0xEE, length).ToArray();

        Assert.False(bus.Read(address, data));
        Assert.False(bus.Write(address, data));

        Assert.Empty(device.Accesses);
        Assert.All(data, static b => Assert.Equal(0, b));
    }

    [Fact]
    public void An_access_ending_exactly_at_the_range_end_is_dispatched()
    {
        var bus = new MmioBus();
        var device = new RecordingDevice();
        bus.Register(0x1000, 0x1000, device);

        Assert.True(bus.Read(0x1FF8, new byte[8]));
        Assert.Equal([("read", 0xFF8UL, 8)], device.Accesses);
    }

    [Fact]
    public void Accesses_alternating_between_devices_each_reach_their_own_device()
    {
        // The bus remembers the last range it found; switching back and forth must never answer
        // from the wrong one, and an access that leaves the remembered range must be looked up.
        var bus = new MmioBus();
        var uart = new RecordingDevice(fill: 0x11);
        var rtc = new RecordingDevice(fill: 0x22);
        bus.Register(0x0900_0000, 0x1000, uart);
        bus.Register(0x0901_0000, 0x1000, rtc);
        byte[] data = new byte[4];

        for (int round = 0; round < 3; round++)
        {
            Assert.True(bus.Read(0x0900_0018, data));
            Assert.Equal(0x11, data[0]);
            Assert.True(bus.Read(0x0900_0018, data));
            Assert.True(bus.Read(0x0901_0004, data));
            Assert.Equal(0x22, data[0]);
        }

        Assert.Equal(6, uart.Accesses.Count);
        Assert.Equal(3, rtc.Accesses.Count);
        Assert.All(uart.Accesses, a => Assert.Equal(0x18UL, a.Offset));
        Assert.All(rtc.Accesses, a => Assert.Equal(0x4UL, a.Offset));
    }

    [Fact]
    public void After_a_hit_an_access_straddling_the_end_or_just_past_it_is_still_refused()
    {
        var bus = new MmioBus();
        var device = new RecordingDevice();
        bus.Register(0x1000, 0x1000, device);
        Assert.True(bus.Read(0x1FF0, new byte[4]));

        Assert.False(bus.Read(0x1FFE, new byte[4]));
        Assert.False(bus.Write(0x2000, new byte[1]));
        Assert.False(bus.Read(0x0FFF, new byte[1]));
        Assert.Single(device.Accesses);
    }

    [Fact]
    public void A_device_registered_after_lookups_is_found()
    {
        var bus = new MmioBus();
        var first = new RecordingDevice();
        var later = new RecordingDevice();
        bus.Register(0x1000, 0x1000, first);
        Assert.True(bus.Read(0x1000, new byte[1]));
        Assert.False(bus.Read(0x3000, new byte[1]));

        bus.Register(0x3000, 0x1000, later);

        Assert.True(bus.Read(0x3000, new byte[1]));
        Assert.True(bus.Read(0x1000, new byte[1]));
        Assert.Single(later.Accesses);
        Assert.Equal(2, first.Accesses.Count);
    }

    private sealed class RecordingDevice(byte fill = 0) : IMmioDevice
    {
        public List<(string Kind, ulong Offset, int Length)> Accesses { get; } = [];

        public byte[] LastWritten { get; private set; } = [];

        public void Read(ulong offset, Span<byte> data)
        {
            Accesses.Add(("read", offset, data.Length));
            data.Fill(fill);
        }

        public void Write(ulong offset, ReadOnlySpan<byte> data)
        {
            Accesses.Add(("write", offset, data.Length));
            LastWritten = data.ToArray();
        }
    }
}
