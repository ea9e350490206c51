using System.Buffers.Binary;
using Parkway.Acpi.Devices;
using Parkway.Acpi.Registers;

namespace Parkway.Acpi.Tests;

public class GedRegistersTests
{
    private int _pulses;
    private readonly List<RegisterFault> _rejections = [];
    private readonly GedRegisters _ged;

    public GedRegistersTests()
    {
        _ged = new GedRegisters(() => Interlocked.Increment(ref _pulses));
        _ged.Rejected += _rejections.Add;
    }

    private uint ReadSelector()
    {
        var data = new byte[4];
        _ged.Read(0, data);
        return BinaryPrimitives.ReadUInt32LittleEndian(data);
    }

    [Fact]
    public void Raise_latches_bits_and_pulses_the_interrupt_each_time()
    {
        _ged.Raise(GedEventBits.CpuHotplug);
        _ged.Raise(GedEventBits.PowerDown);
        Assert.Equal(2, _pulses);
        Assert.Equal(0xAu, _ged.PendingEvents);
    }

    [Fact]
    public void Reset_drops_events_the_guest_did_not_read()
    {
        _ged.Raise(GedEventBits.CpuHotplug);
        _ged.Reset();
        Assert.Equal(0u, ReadSelector());
    }

    [Fact]
    public void A_dword_read_returns_the_accumulated_bits_and_clears_them()
    {
        _ged.Raise(GedEventBits.CpuHotplug);
        _ged.Raise(GedEventBits.CpuHotplug);
        Assert.Equal(0x8u, ReadSelector());
        Assert.Equal(0u, ReadSelector());
    }

    [Theory]
    [InlineData(0u, 1)]
    [InlineData(0u, 2)]
    [InlineData(0u, 8)]
    [InlineData(2u, 4)]
    public void Other_reads_return_zero_keep_the_events_and_are_reported(uint offset, int size)
    {
        _ged.Raise(GedEventBits.CpuHotplug);
        var data = new byte[size];
        _ged.Read(offset, data);
        Assert.All(data, b => Assert.Equal(0, b));
        Assert.Equal(0x8u, _ged.PendingEvents);
        Assert.Single(_rejections);
    }

    [Fact]
    public void Writes_are_ignored()
    {
        _ged.Raise(GedEventBits.CpuHotplug);
        _ged.Write(0, [0, 0, 0, 0]);
        Assert.Equal(0x8u, ReadSelector());
        Assert.Equal(new RegisterFault(RegisterFaultKind.ReadOnlyWrite, "4-byte write at offset 0x0 ignored"), Assert.Single(_rejections));
    }

    [Fact]
    public void No_event_is_lost_between_concurrent_raises_and_reads()
    {
        uint seen = 0;
        var raiser = new Thread(() =>
        {
            for (var i = 0; i < 10_000; i++)
            {
                _ged.Raise(1u << (i % 32));
            }
        });
        raiser.Start();
        while (raiser.IsAlive)
        {
            seen |= ReadSelector();
        }

        raiser.Join();
        seen |= ReadSelector();
        Assert.Equal(uint.MaxValue, seen);
        Assert.Equal(10_000, _pulses);
    }
}
