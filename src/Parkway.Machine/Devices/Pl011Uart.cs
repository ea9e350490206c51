using System.Buffers.Binary;
using Parkway.Threading;

namespace Parkway.Machine.Devices;

/// <summary>
/// An ARM PL011 UART, transmit side: what the guest writes goes to <see cref="_output"/>.
/// The transmit FIFO is always empty (output is instant), so the TX interrupt is pending whenever
/// the guest unmasks it; Linux's tty path depends on that interrupt to keep writing. Receive is
/// not wired (Parkway consoles are output-only), so RX reads as empty.
/// Registers and ID values follow the PL011 TRM (DDI 0183).
/// </summary>
public sealed partial class Pl011Uart : IMmioDevice, IDisposable
{
    private const ulong DataRegister = 0x000;
    private const ulong FlagRegister = 0x018;
    private const ulong IntegerBaudRate = 0x024;
    private const ulong FractionalBaudRate = 0x028;
    private const ulong LineControl = 0x02C;
    private const ulong Control = 0x030;
    private const ulong FifoLevelSelect = 0x034;
    private const ulong InterruptMaskSetClear = 0x038;
    private const ulong RawInterruptStatus = 0x03C;
    private const ulong MaskedInterruptStatus = 0x040;
    private const ulong InterruptClear = 0x044;
    private const ulong DmaControl = 0x048;
    private const ulong PeripheralIdBase = 0xFE0;

    private const uint FlagRxFifoEmpty = 1 << 4;
    private const uint FlagTxFifoEmpty = 1 << 7;
    private const uint InterruptTx = 1 << 5;

    // PeriphID0-3 then PCellID0-3: identifies a PL011 r1p5 to the AMBA bus driver.
    private static readonly byte[] IdRegisters = [0x11, 0x10, 0x34, 0x00, 0x0D, 0xF0, 0x05, 0xB1];

    private readonly RankedLock _lock = new(LockRank.Device, nameof(Pl011Uart));
    private readonly Stream? _output;
    private readonly IInterruptLine _interrupt;
    private readonly byte[] _lineBuffer = new byte[256];
    private int _lineLength;
    private uint _interruptMask;
    private uint _rawInterrupts = InterruptTx;
    private uint _lineControl, _control = 0x300, _integerBaud, _fractionalBaud, _fifoLevel = 0x12, _dmaControl;
    private bool _lineLevel;
    private readonly TimeProvider _time;
    private long _lastFailureReport = long.MinValue;

    /// <summary>Creates the UART writing to <paramref name="output"/> (null discards output).</summary>
    public Pl011Uart(Stream? output, IInterruptLine interrupt, TimeProvider? time = null)
    {
        _output = output;
        _interrupt = interrupt;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The least time between two <see cref="OutputFailed"/> reports.</summary>
    public static TimeSpan FailureReportInterval { get; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Raised when writing the guest's output fails (a full disk, a closed pipe), at most once per
    /// <see cref="FailureReportInterval"/> however many lines fail: the guest keeps running and the
    /// lines that could not be written are lost. Raised on the writing vCPU's thread.
    /// </summary>
    public event Action<string>? OutputFailed;

    /// <inheritdoc />
    public void Read(ulong offset, Span<byte> data)
    {
        // Registers whose value never changes (the flags: TX always empty, RX never fed; an empty
        // data register; the ID registers) are answered without the lock: a read changes no state.
        // The flag register is what a guest polls, so this is the UART's hot path.
        if (TryReadConstant(offset, out uint constant))
        {
            WriteLittleEndian(data, constant);
            return;
        }

        uint value;
        using (_lock.EnterScope())
        {
            value = offset switch
            {
                IntegerBaudRate => _integerBaud,
                FractionalBaudRate => _fractionalBaud,
                LineControl => _lineControl,
                Control => _control,
                FifoLevelSelect => _fifoLevel,
                InterruptMaskSetClear => _interruptMask,
                RawInterruptStatus => _rawInterrupts,
                MaskedInterruptStatus => _rawInterrupts & _interruptMask,
                DmaControl => _dmaControl,
                _ => 0,
            };
        }

        WriteLittleEndian(data, value);
    }

    private static bool TryReadConstant(ulong offset, out uint value)
    {
        switch (offset)
        {
            case FlagRegister:
                value = FlagTxFifoEmpty | FlagRxFifoEmpty;
                return true;
            case DataRegister:
                value = 0;
                return true;
            case >= PeripheralIdBase and < PeripheralIdBase + 32 when offset % 4 == 0:
                value = IdRegisters[(offset - PeripheralIdBase) / 4];
                return true;
            default:
                value = 0;
                return false;
        }
    }

    /// <inheritdoc />
    public void Write(ulong offset, ReadOnlySpan<byte> data)
    {
        uint value = ReadLittleEndian(data);
        using (_lock.EnterScope())
        {
            switch (offset)
            {
                case DataRegister:
                    Emit((byte)value);
                    // The byte left the (virtual) FIFO at once: TX is ready again.
                    _rawInterrupts |= InterruptTx;
                    break;
                case IntegerBaudRate: _integerBaud = value & 0xFFFF; break;
                case FractionalBaudRate: _fractionalBaud = value & 0x3F; break;
                case LineControl: _lineControl = value & 0xFF; break;
                case Control: _control = value & 0xFFFF; break;
                case FifoLevelSelect: _fifoLevel = value & 0x3F; break;
                case InterruptMaskSetClear: _interruptMask = value & 0x7FF; break;
                case InterruptClear:
                    _rawInterrupts &= ~value;
                    // An empty FIFO re-raises TX immediately, as the hardware would.
                    _rawInterrupts |= InterruptTx;
                    break;
                case DmaControl: _dmaControl = value & 0x7; break;
                default: break;
            }

            UpdateInterruptLine();
        }
    }

    /// <summary>
    /// Machine reset: the partial line is written out, the registers go back to their reset values
    /// (TRM: UARTCR 0x300, UARTIFLS 0x12, everything else 0, nothing masked in) and the interrupt
    /// line is lowered. The output stream and its failure reporting are kept.
    /// </summary>
    public void Reset()
    {
        using (_lock.EnterScope())
        {
            FlushLine();
            _interruptMask = 0;
            _rawInterrupts = InterruptTx;
            _lineControl = _integerBaud = _fractionalBaud = _dmaControl = 0;
            _control = 0x300;
            _fifoLevel = 0x12;
            UpdateInterruptLine();
        }
    }

    /// <summary>Writes out any partial line (at shutdown).</summary>
    public void Flush()
    {
        using (_lock.EnterScope())
        {
            FlushLine();
        }
    }

    /// <inheritdoc />
    public void Dispose() => Flush();

    private void Emit(byte character)
    {
        if (_output is null)
        {
            return;
        }

        _lineBuffer[_lineLength++] = character;
        // Whole lines keep the output readable when several writers share the terminal, and save
        // a write(2) per character.
        if (character == (byte)'\n' || _lineLength == _lineBuffer.Length)
        {
            FlushLine();
        }
    }

    private void FlushLine()
    {
        if (_output is null || _lineLength == 0)
        {
            return;
        }

        try
        {
            _output.Write(_lineBuffer, 0, _lineLength);
            _output.Flush();
        }
        catch (IOException e)
        {
            // The console is the host's business, not the guest's: never stop the guest for it.
            long now = _time.GetTimestamp();
            if (_lastFailureReport == long.MinValue || _time.GetElapsedTime(_lastFailureReport, now) >= FailureReportInterval)
            {
                _lastFailureReport = now;
                OutputFailed?.Invoke(e.Message);
            }
        }
        finally
        {
            _lineLength = 0;
        }
    }

    private void UpdateInterruptLine()
    {
        bool level = (_rawInterrupts & _interruptMask) != 0;
        if (level != _lineLevel)
        {
            _lineLevel = level;
            _interrupt.SetLevel(level);
        }
    }

    private static uint ReadLittleEndian(ReadOnlySpan<byte> data) => data.Length switch
    {
        1 => data[0],
        2 => BinaryPrimitives.ReadUInt16LittleEndian(data),
        >= 4 => BinaryPrimitives.ReadUInt32LittleEndian(data),
        _ => 0,
    };

    private static void WriteLittleEndian(Span<byte> data, uint value)
    {
        if (data.Length == 4)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(data, value);
            return;
        }

        data.Clear();
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        bytes[..Math.Min(4, data.Length)].CopyTo(data);
    }
}
