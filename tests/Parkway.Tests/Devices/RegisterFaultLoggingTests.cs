using System.Buffers.Binary;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Parkway.Acpi.Registers;
using Parkway.Machine.Config;
using Parkway.Machine.Cpu;
using Parkway.Machine.Devices;
using Parkway.Tests.Fakes;
using Parkway.Virtio.Diagnostics;

namespace Parkway.Tests.Devices;

/// <summary>
/// The ACPI register blocks' refusals reach the machine's log rate-limited per (block, kind).
/// Regression for issue 10: every refused access used to be one warning line, so a guest looping
/// over the hot-plug registers wrote the host's log at MMIO speed.
/// </summary>
public sealed class RegisterFaultLoggingTests : IDisposable
{
    private readonly LineLogger _logger = new();
    private readonly ManualClock _clock = new();
    private readonly CpuManager _cpus = CpuManager.CreateAll(null!, CpuConfig.Parse("boot=1,max=4"), new FakeVcpuArchitecture(), NullLogger.Instance);

    public void Dispose() => _cpus.Dispose();

    [Fact]
    public void A_hundred_thousand_hostile_accesses_log_one_line_per_kind_per_interval_and_eject_nothing()
    {
        var log = new GuestErrorLog(_logger, TimeSpan.FromSeconds(10), _clock);
        var registers = new CpuHotplugRegisters(new CpuHotplugBackend(_cpus));
        registers.ReportTo(log);
        var ged = new GedRegisters(static () => { });
        ged.ReportTo(log);
        var random = new Random(10);
        Span<byte> data = stackalloc byte[8];

        for (var i = 0; i < 100_000; i++)
        {
            random.NextBytes(data);
            int size = 1 << random.Next(4);               // 1, 2, 4 or 8 bytes
            var offset = (uint)random.Next(16);
            switch (random.Next(4))
            {
                case 0: registers.Write(offset, data[..size]); break;
                case 1: registers.Read(offset, data[..size]); break;
                case 2: ged.Write(offset & 3, data[..size]); break;
                default:
                    // Eject whatever is selected, CPU 0 included: nothing has an unplug pending.
                    BinaryPrimitives.WriteUInt32LittleEndian(data, (uint)random.Next(6));
                    registers.Write(0, data[..4]);
                    registers.Write(4, [0x8]);
                    break;
            }
        }

        Assert.All(_cpus.Slots.Take(1), static s => Assert.True(s.IsEnabled));
        Assert.DoesNotContain(_cpus.Slots, static s => s.Index > 0 && s.IsEnabled);
        // One line per (block, kind) that occurred, however often it occurred.
        int kinds = Enum.GetValues<RegisterFaultKind>().Length;
        Assert.InRange(_logger.Lines.Count, 4, kinds + 2);
        Assert.Equal(_logger.Lines.Count, _logger.Lines.Distinct().Count());
        Assert.Contains(_logger.Lines, static l => l.Contains("CPU hotplug: guest error BootCpuEject", StringComparison.Ordinal));
        Assert.Contains(_logger.Lines, static l => l.Contains("CPU hotplug: guest error EjectWithoutRequest", StringComparison.Ordinal));
        Assert.Contains(_logger.Lines, static l => l.Contains("GED: guest error ReadOnlyWrite", StringComparison.Ordinal));

        int before = _logger.Lines.Count;
        _clock.Advance(TimeSpan.FromSeconds(10));
        registers.Write(0, [0, 0, 0, 0]);
        registers.Write(4, [0x8]);
        string again = Assert.Single(_logger.Lines.Skip(before));
        Assert.Contains("more since the last report", again, StringComparison.Ordinal);
    }

    private sealed class LineLogger : ILogger
    {
        private readonly Lock _lock = new();
        private readonly List<string> _lines = [];

        public IReadOnlyList<string> Lines
        {
            get
            {
                lock (_lock)
                {
                    return [.. _lines];
                }
            }
        }

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (_lock)
            {
                _lines.Add(formatter(state, exception));
            }
        }
    }

    private sealed class ManualClock : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }
}
