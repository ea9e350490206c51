using System.Buffers.Binary;
using Parkway.Machine.Devices;

namespace Parkway.Tests.Devices;

/// <summary>The PL031 register model (TRM DDI 0224) over a hand-driven clock and timer.</summary>
public sealed class Pl031RtcTests
{
    private const ulong Data = 0x000, Match = 0x004, Load = 0x008, Control = 0x00C;
    private const ulong Mask = 0x010, Raw = 0x014, Masked = 0x018, Clear = 0x01C;

    private static readonly DateTimeOffset Start = new(2026, 11, 30, 12, 0, 0, 250, TimeSpan.Zero);

    private readonly ManualClock _clock = new(Start);
    private readonly RecordingLine _line = new();

    [Fact]
    public void Data_register_is_the_hosts_unix_time_and_advances_with_it()
    {
        using var rtc = new Pl031Rtc(_line, _clock);
        Assert.Equal((uint)Start.ToUnixTimeSeconds(), Read(rtc, Data));
        _clock.Advance(TimeSpan.FromSeconds(90));
        Assert.Equal((uint)Start.ToUnixTimeSeconds() + 90, Read(rtc, Data));
    }

    [Fact]
    public void A_load_moves_the_guests_clock_only_and_reads_back()
    {
        using var rtc = new Pl031Rtc(_line, _clock);
        Write(rtc, Load, 1000);
        Assert.Equal(1000u, Read(rtc, Data));
        Assert.Equal(1000u, Read(rtc, Load));
        _clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(1005u, Read(rtc, Data));
        Assert.Equal(1000 - Start.ToUnixTimeSeconds(), rtc.State.OffsetSeconds);
    }

    [Fact]
    public void Identification_registers_name_a_pl031_primecell()
    {
        using var rtc = new Pl031Rtc(_line, _clock);
        uint[] ids = [.. Enumerable.Range(0, 8).Select(i => Read(rtc, 0xFE0 + (ulong)(4 * i)))];
        Assert.Equal([0x31u, 0x10, 0x14, 0x00, 0x0D, 0xF0, 0x05, 0xB1], ids);
    }

    [Fact]
    public void The_counter_always_runs_control_reads_one_and_a_zero_write_cannot_stop_it()
    {
        using var rtc = new Pl031Rtc(_line, _clock);
        Write(rtc, Control, 0);
        Assert.Equal(1u, Read(rtc, Control));
        uint before = Read(rtc, Data);
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(before + 1, Read(rtc, Data));
    }

    [Fact]
    public void A_match_raises_the_interrupt_when_unmasked_and_clear_lowers_it()
    {
        using var rtc = new Pl031Rtc(_line, _clock);
        uint now = Read(rtc, Data);
        Write(rtc, Mask, 1);
        Write(rtc, Match, now + 5);
        // The timer aims at the start of the matching second: 4.75 s from 12:00:00.250.
        Assert.Equal(TimeSpan.FromMilliseconds(4750), _clock.Timer!.Due);
        Assert.Equal(0u, Read(rtc, Raw));

        _clock.Advance(TimeSpan.FromMilliseconds(4750));
        _clock.Timer.Fire();

        Assert.Equal(1u, Read(rtc, Raw));
        Assert.Equal(1u, Read(rtc, Masked));
        Assert.Equal([true], _line.Levels);

        Write(rtc, Clear, 1);
        Assert.Equal(0u, Read(rtc, Raw));
        Assert.Equal([true, false], _line.Levels);
    }

    [Fact]
    public void A_masked_match_is_raw_only_and_unmasking_raises_the_line()
    {
        using var rtc = new Pl031Rtc(_line, _clock);
        Write(rtc, Match, Read(rtc, Data) + 1);
        _clock.Advance(TimeSpan.FromSeconds(1));
        _clock.Timer!.Fire();
        Assert.Equal(1u, Read(rtc, Raw));
        Assert.Equal(0u, Read(rtc, Masked));
        Assert.Empty(_line.Levels);

        Write(rtc, Mask, 1);
        Assert.Equal([true], _line.Levels);
    }

    [Fact]
    public void An_early_timer_does_not_match_it_aims_again()
    {
        using var rtc = new Pl031Rtc(_line, _clock);
        Write(rtc, Match, Read(rtc, Data) + 10);
        _clock.Advance(TimeSpan.FromSeconds(3));
        _clock.Timer!.Fire();
        Assert.Equal(0u, Read(rtc, Raw));
        Assert.Equal(TimeSpan.FromMilliseconds(6750), _clock.Timer.Due); // to 12:00:10.000
    }

    [Fact]
    public void A_match_far_away_is_approached_in_day_long_steps()
    {
        using var rtc = new Pl031Rtc(_line, _clock);
        Write(rtc, Match, Read(rtc, Data) - 100); // 2^32 - 100 seconds ahead (the counter wraps)
        Assert.Equal(TimeSpan.FromDays(1), _clock.Timer!.Due);
    }

    [Theory]
    [InlineData(Data, 4, true)]       // read-only counter
    [InlineData(Raw, 4, true)]
    [InlineData(Masked, 4, true)]
    [InlineData(0x020, 4, true)]      // nothing there
    [InlineData(Clear, 4, false)]     // write-only
    [InlineData(Load, 1, false)]      // not a 32-bit access
    [InlineData(0x002, 4, false)]     // unaligned
    public void Hostile_accesses_are_refused_and_reported(ulong offset, int length, bool write)
    {
        using var rtc = new Pl031Rtc(_line, _clock);
        var reports = new List<string>();
        rtc.Rejected += reports.Add;
        Pl031State before = rtc.State;

        byte[] data = [0xFF, 0xFF, 0xFF, 0xFF];
        if (write)
        {
            rtc.Write(offset, data.AsSpan(0, length));
        }
        else
        {
            rtc.Read(offset, data.AsSpan(0, length));
            Assert.All(data.AsSpan(0, length).ToArray(), static b => Assert.Equal(0, b));
        }

        Assert.Single(reports);
        Assert.Equal(before, rtc.State);
    }

    [Fact]
    public void Refusals_are_reported_at_most_once_a_minute()
    {
        using var rtc = new Pl031Rtc(_line, _clock);
        var reports = new List<string>();
        rtc.Rejected += reports.Add;
        for (int i = 0; i < 100; i++)
        {
            Write(rtc, Data, 1);
        }

        Assert.Single(reports);
        _clock.Advance(TimeSpan.FromSeconds(59));
        Write(rtc, Data, 1);
        Assert.Single(reports);
        _clock.Advance(TimeSpan.FromSeconds(1));
        Write(rtc, Data, 1);
        Assert.Equal(2, reports.Count);
    }

    [Fact]
    public void Reset_masks_and_clears_the_interrupt_but_keeps_the_guests_time()
    {
        using var rtc = new Pl031Rtc(_line, _clock);
        Write(rtc, Load, 5000);
        Write(rtc, Mask, 1);
        Write(rtc, Match, 5001);
        _clock.Advance(TimeSpan.FromSeconds(1));
        _clock.Timer!.Fire();
        Assert.Equal([true], _line.Levels);

        rtc.Reset();

        Assert.Equal([true, false], _line.Levels);
        Assert.Equal(0u, Read(rtc, Mask));
        Assert.Equal(0u, Read(rtc, Raw));
        Assert.Equal(0u, Read(rtc, Match));
        Assert.Equal(5001u, Read(rtc, Data));
    }

    [Fact]
    public void A_device_rebuilt_from_its_state_record_reads_the_same()
    {
        using var first = new Pl031Rtc(_line, _clock);
        Write(first, Load, 77);
        Write(first, Mask, 1);
        Write(first, Match, 1234);

        using var second = new Pl031Rtc(new RecordingLine(), _clock, first.State);

        foreach (ulong offset in new[] { Data, Match, Load, Mask, Raw, Masked })
        {
            Assert.Equal(Read(first, offset), Read(second, offset));
        }
    }

    private static uint Read(Pl031Rtc rtc, ulong offset)
    {
        byte[] data = new byte[4];
        rtc.Read(offset, data);
        return BinaryPrimitives.ReadUInt32LittleEndian(data);
    }

    private static void Write(Pl031Rtc rtc, ulong offset, uint value)
    {
        byte[] data = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(data, value);
        rtc.Write(offset, data);
    }

    private sealed class RecordingLine : IInterruptLine
    {
        public List<bool> Levels { get; } = [];

        public void SetLevel(bool asserted) => Levels.Add(asserted);
    }

    /// <summary>Wall clock and monotonic time moved by hand; its one timer fires only when told.</summary>
    private sealed class ManualClock(DateTimeOffset start) : TimeProvider
    {
        private DateTimeOffset _now = start;

        public ManualTimer? Timer { get; private set; }

        public override DateTimeOffset GetUtcNow() => _now;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _now.UtcTicks;

        public void Advance(TimeSpan by) => _now += by;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            Timer = new ManualTimer(() => callback(state)) { Due = dueTime };
            return Timer;
        }
    }

    private sealed class ManualTimer(Action callback) : ITimer
    {
        public TimeSpan Due { get; set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            Due = dueTime;
            return true;
        }

        public void Fire() => callback();

        public void Dispose()
        {
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
