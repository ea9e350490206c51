using System.Buffers.Binary;
using System.Text;
using Parkway.Machine.Devices;

namespace Parkway.Tests.Devices;

public sealed class Pl011UartTests
{
    private const ulong DataRegister = 0x000;
    private const ulong FlagRegister = 0x018;
    private const ulong IntegerBaudRate = 0x024;
    private const ulong Control = 0x030;
    private const ulong FifoLevelSelect = 0x034;
    private const ulong InterruptMask = 0x038;
    private const ulong RawInterruptStatus = 0x03C;
    private const ulong MaskedInterruptStatus = 0x040;
    private const ulong InterruptClear = 0x044;
    private const uint TxInterrupt = 1 << 5;
    private const uint RxInterrupt = 1 << 4;

    [Fact]
    public void Guest_bytes_reach_the_stream_as_whole_lines()
    {
        var output = new ChunkRecordingStream();
        using var uart = new Pl011Uart(output, new FakeInterruptLine());

        Transmit(uart, "hello");
        Assert.Empty(output.Chunks);

        Transmit(uart, "\nworld\n");
        Assert.Equal(["hello\n", "world\n"], output.Chunks);
    }

    [Fact]
    public void Reset_writes_out_the_partial_line_restores_reset_values_and_lowers_the_line()
    {
        var output = new ChunkRecordingStream();
        var line = new FakeInterruptLine();
        using var uart = new Pl011Uart(output, line);
        Write32(uart, InterruptMask, TxInterrupt);
        Write32(uart, IntegerBaudRate, 13);
        Write32(uart, FifoLevelSelect, 0);
        Transmit(uart, "half");

        uart.Reset();

        Assert.Equal(["half"], output.Chunks);
        Assert.Equal(0u, Read32(uart, InterruptMask));
        Assert.Equal(0u, Read32(uart, IntegerBaudRate));
        Assert.Equal(0x300u, Read32(uart, Control));
        Assert.Equal(0x12u, Read32(uart, FifoLevelSelect));
        Assert.False(line.Levels[^1]);
    }

    [Fact]
    public void A_failing_output_is_reported_at_most_once_a_minute_and_the_guest_keeps_writing()
    {
        var output = new ChunkRecordingStream { Failing = true };
        var clock = new ManualClock();
        var failures = new List<string>();
        using var uart = new Pl011Uart(output, new FakeInterruptLine(), clock);
        uart.OutputFailed += failures.Add;

        Transmit(uart, "lost 1\nlost 2\nlost 3\n");
        Assert.Equal(["No space left on device"], failures);
        Assert.Empty(output.Chunks);

        // Writing works again, then fails again within the minute: kept quiet.
        output.Failing = false;
        Transmit(uart, "back\n");
        Assert.Equal(["back\n"], output.Chunks);
        output.Failing = true;
        clock.Advance(TimeSpan.FromSeconds(59));
        Transmit(uart, "lost again\n");
        Assert.Single(failures);

        clock.Advance(TimeSpan.FromSeconds(1));
        Transmit(uart, "lost a minute later\n");
        Assert.Equal(2, failures.Count);
        // The transmitter never stalls: the guest sees an empty FIFO whatever the host's output does.
        Assert.NotEqual(0u, Read32(uart, FlagRegister) & (1u << 7));
    }

    [Fact]
    public void Flush_writes_a_partial_line()
    {
        var output = new ChunkRecordingStream();
        using var uart = new Pl011Uart(output, new FakeInterruptLine());
        Transmit(uart, "login: ");

        uart.Flush();

        Assert.Equal(["login: "], output.Chunks);
    }

    [Fact]
    public void Dispose_flushes_what_is_left()
    {
        var output = new ChunkRecordingStream();
        var uart = new Pl011Uart(output, new FakeInterruptLine());
        Transmit(uart, "bye");

        uart.Dispose();

        Assert.Equal(["bye"], output.Chunks);
    }

    [Fact]
    public void A_line_longer_than_the_buffer_is_written_in_full_pieces()
    {
        var output = new ChunkRecordingStream();
        using var uart = new Pl011Uart(output, new FakeInterruptLine());
        string longLine = new('x', 600);

        Transmit(uart, longLine + "\n");

        Assert.Equal(longLine + "\n", string.Concat(output.Chunks));
        Assert.All(output.Chunks, static chunk => Assert.True(chunk.Length <= 256));
    }

    [Fact]
    public void A_uart_without_output_discards_bytes()
    {
        using var uart = new Pl011Uart(null, new FakeInterruptLine());

        Transmit(uart, "ignored\n");
        uart.Flush();
    }

    [Fact]
    public void The_flag_register_reports_tx_fifo_empty_and_rx_fifo_empty_and_never_busy_or_full()
    {
        using var uart = new Pl011Uart(null, new FakeInterruptLine());

        uint flags = Read32(uart, FlagRegister);

        Assert.Equal(1u << 7, flags & (1u << 7)); // TXFE
        Assert.Equal(1u << 4, flags & (1u << 4)); // RXFE
        Assert.Equal(0u, flags & (1u << 5)); // TXFF
        Assert.Equal(0u, flags & (1u << 3)); // BUSY
        Assert.Equal(0u, flags & (1u << 6)); // RXFF
    }

    [Fact]
    public void A_byte_wide_read_returns_the_low_byte()
    {
        using var uart = new Pl011Uart(null, new FakeInterruptLine());
        byte[] data = [0xFF];

        uart.Read(FlagRegister, data);

        Assert.Equal((byte)Read32(uart, FlagRegister), data[0]);
    }

    [Fact]
    public void The_id_registers_identify_an_arm_pl011_primecell()
    {
        using var uart = new Pl011Uart(null, new FakeInterruptLine());
        uint[] id = [.. Enumerable.Range(0, 8).Select(i => Read32(uart, 0xFE0 + (ulong)(4 * i)))];

        uint partNumber = (id[0] & 0xFF) | ((id[1] & 0xF) << 8);
        uint designer = (id[1] >> 4) | ((id[2] & 0xF) << 4);
        uint cellId = id[4] | (id[5] << 8) | (id[6] << 16) | (id[7] << 24);

        Assert.Equal(0x011u, partNumber);
        Assert.Equal(0x41u, designer); // 'A': ARM
        Assert.Equal(0xB105_F00Du, cellId);
        Assert.All(id, static value => Assert.True(value <= 0xFF));
    }

    [Fact]
    public void The_data_register_reads_zero_as_nothing_is_ever_received()
    {
        using var uart = new Pl011Uart(null, new FakeInterruptLine());

        Assert.Equal(0u, Read32(uart, DataRegister));
        Assert.Equal(0u, Read32(uart, RawInterruptStatus) & RxInterrupt);
    }

    [Fact]
    public void The_interrupt_line_rises_when_tx_is_unmasked_and_falls_when_masked()
    {
        var line = new FakeInterruptLine();
        using var uart = new Pl011Uart(null, line);
        Assert.Empty(line.Levels);

        Write32(uart, InterruptMask, TxInterrupt);
        Assert.Equal([true], line.Levels);
        Assert.Equal(TxInterrupt, Read32(uart, MaskedInterruptStatus));

        Write32(uart, InterruptMask, 0);
        Assert.Equal([true, false], line.Levels);
        Assert.Equal(0u, Read32(uart, MaskedInterruptStatus));
    }

    [Fact]
    public void Unmasking_only_rx_leaves_the_line_low()
    {
        var line = new FakeInterruptLine();
        using var uart = new Pl011Uart(null, line);

        Write32(uart, InterruptMask, RxInterrupt);

        Assert.DoesNotContain(true, line.Levels);
    }

    [Fact]
    public void Transmitting_and_clearing_tx_keep_the_line_up_without_extra_edges()
    {
        // The FIFO drains instantly, so TX is pending again straight after a write or a clear.
        var line = new FakeInterruptLine();
        using var uart = new Pl011Uart(new ChunkRecordingStream(), line);
        Write32(uart, InterruptMask, TxInterrupt);

        Transmit(uart, "abc");
        Write32(uart, InterruptClear, TxInterrupt);

        Assert.Equal([true], line.Levels);
        Assert.Equal(TxInterrupt, Read32(uart, RawInterruptStatus) & TxInterrupt);
    }

    [Fact]
    public void Configuration_registers_read_back_what_was_written_within_their_width()
    {
        using var uart = new Pl011Uart(null, new FakeInterruptLine());

        Write32(uart, IntegerBaudRate, 0xFFFF_0027);
        Write32(uart, Control, 0x0301);
        Write32(uart, FifoLevelSelect, 0xFF);

        Assert.Equal(0x27u, Read32(uart, IntegerBaudRate));
        Assert.Equal(0x301u, Read32(uart, Control));
        Assert.Equal(0x3Fu, Read32(uart, FifoLevelSelect));
    }

    [Fact]
    public void Reset_values_follow_the_trm()
    {
        using var uart = new Pl011Uart(null, new FakeInterruptLine());

        Assert.Equal(0x300u, Read32(uart, Control)); // TXE | RXE
        Assert.Equal(0x12u, Read32(uart, FifoLevelSelect)); // half-full both ways
        Assert.Equal(0u, Read32(uart, InterruptMask));
    }

    private static void Transmit(Pl011Uart uart, string text)
    {
        foreach (byte b in Encoding.ASCII.GetBytes(text))
        {
            uart.Write(DataRegister, [b]);
        }
    }

    private static uint Read32(Pl011Uart uart, ulong offset)
    {
        byte[] data = new byte[4];
        uart.Read(offset, data);
        return BinaryPrimitives.ReadUInt32LittleEndian(data);
    }

    private static void Write32(Pl011Uart uart, ulong offset, uint value)
    {
        byte[] data = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(data, value);
        uart.Write(offset, data);
    }

    private sealed class FakeInterruptLine : IInterruptLine
    {
        public List<bool> Levels { get; } = [];

        public void SetLevel(bool asserted) => Levels.Add(asserted);
    }

    /// <summary>Records each Write call separately, to see how output was batched.</summary>
    private sealed class ManualClock : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }

    private sealed class ChunkRecordingStream : Stream
    {
        public List<string> Chunks { get; } = [];

        /// <summary>While set, every write fails as a full disk does.</summary>
        public bool Failing { get; set; }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count)
        {
            if (Failing)
            {
                throw new IOException("No space left on device");
            }

            Chunks.Add(Encoding.ASCII.GetString(buffer, offset, count));
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
