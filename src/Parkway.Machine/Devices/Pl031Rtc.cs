using System.Buffers.Binary;
using Parkway.Threading;

namespace Parkway.Machine.Devices;

/// <summary>
/// An ARM PL031 real-time clock (PrimeCell RTC, TRM DDI 0224): a 32-bit seconds counter the guest
/// reads at boot for its wall-clock date, a match register that raises the (level) interrupt when
/// the counter reaches it, and the PrimeCell identification registers the AMBA bus probes.
/// The counter runs from the host's clock (UNIX seconds) plus the offset a guest load sets; it is
/// never stopped (RTCCR reads 1, as on QEMU virt). State: <see cref="Pl031State"/>.
/// Hostile accesses (not 32-bit, unaligned, unknown or read-only offsets) are refused and reported
/// through <see cref="Rejected"/> at most once per <see cref="RejectReportInterval"/>.
/// </summary>
public sealed class Pl031Rtc : IMmioDevice, IDisposable
{
    /// <summary>Size of the register window.</summary>
    public const ulong WindowSize = 0x1000;

    private const ulong DataRegister = 0x000;        // RTCDR, read-only
    private const ulong MatchRegister = 0x004;       // RTCMR
    private const ulong LoadRegister = 0x008;        // RTCLR
    private const ulong ControlRegister = 0x00C;     // RTCCR
    private const ulong InterruptMaskRegister = 0x010; // RTCIMSC
    private const ulong RawStatusRegister = 0x014;   // RTCRIS, read-only
    private const ulong MaskedStatusRegister = 0x018; // RTCMIS, read-only
    private const ulong InterruptClearRegister = 0x01C; // RTCICR, write-only
    private const ulong IdBase = 0xFE0;

    // RTCPeriphID0-3 (part 0x031, designer ARM 0x41, revision 1) then RTCPCellID0-3 (0xB105F00D).
    private static readonly byte[] IdRegisters = [0x31, 0x10, 0x14, 0x00, 0x0D, 0xF0, 0x05, 0xB1];

    private readonly RankedLock _lock = new(LockRank.Device, nameof(Pl031Rtc));
    private readonly IInterruptLine _interrupt;
    private readonly TimeProvider _time;
    private readonly ITimer _matchTimer;
    private Pl031State _state;
    private bool _lineLevel;
    private long _lastRejectReport = long.MinValue;

    /// <summary>Creates the RTC in <paramref name="state"/> (default: <see cref="Pl031State.Initial"/>).</summary>
    public Pl031Rtc(IInterruptLine interrupt, TimeProvider? time = null, Pl031State? state = null)
    {
        ArgumentNullException.ThrowIfNull(interrupt);
        _interrupt = interrupt;
        _time = time ?? TimeProvider.System;
        _state = state ?? Pl031State.Initial;
        _matchTimer = _time.CreateTimer(_ => OnMatchTimer(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        using (_lock.EnterScope())
        {
            ArmMatchTimer();
            UpdateLine();
        }
    }

    /// <summary>The least time between two <see cref="Rejected"/> reports.</summary>
    public static TimeSpan RejectReportInterval { get; } = TimeSpan.FromMinutes(1);

    /// <summary>Raised (under the device lock: handlers must only log) for a refused access, rate-limited.</summary>
    public event Action<string>? Rejected;

    /// <summary>The device's state at one instant.</summary>
    public Pl031State State
    {
        get
        {
            using (_lock.EnterScope())
            {
                return _state;
            }
        }
    }

    /// <summary>The counter (RTCDR) now.</summary>
    public uint Counter
    {
        get
        {
            using (_lock.EnterScope())
            {
                return CounterNow();
            }
        }
    }

    /// <inheritdoc />
    public void Read(ulong offset, Span<byte> data)
    {
        data.Clear();
        if (!IsWordAccess(offset, data.Length))
        {
            return;
        }

        uint value;
        using (_lock.EnterScope())
        {
            switch (offset)
            {
                case DataRegister: value = CounterNow(); break;
                case MatchRegister: value = _state.Match; break;
                case LoadRegister: value = _state.Load; break;
                case ControlRegister: value = 1; break;
                case InterruptMaskRegister: value = _state.InterruptMask ? 1u : 0u; break;
                case RawStatusRegister: value = _state.RawInterrupt ? 1u : 0u; break;
                case MaskedStatusRegister: value = _state.RawInterrupt && _state.InterruptMask ? 1u : 0u; break;
                case >= IdBase and < IdBase + 32: value = IdRegisters[(offset - IdBase) / 4]; break;
                default:
                    RejectLocked($"read of write-only or unknown register 0x{offset:x}");
                    return;
            }
        }

        BinaryPrimitives.WriteUInt32LittleEndian(data, value);
    }

    /// <inheritdoc />
    public void Write(ulong offset, ReadOnlySpan<byte> data)
    {
        if (!IsWordAccess(offset, data.Length))
        {
            return;
        }

        uint value = BinaryPrimitives.ReadUInt32LittleEndian(data);
        using (_lock.EnterScope())
        {
            switch (offset)
            {
                case MatchRegister:
                    _state = _state with { Match = value };
                    ArmMatchTimer();
                    break;
                case LoadRegister:
                    _state = _state with { Load = value, OffsetSeconds = (long)value - HostSeconds() };
                    ArmMatchTimer();
                    break;
                case ControlRegister:
                    // RTCCR bit 0 starts the counter; it already runs and cannot be stopped (TRM: writes
                    // have no effect once started), so 1 is accepted and 0 ignored.
                    break;
                case InterruptMaskRegister:
                    _state = _state with { InterruptMask = (value & 1) != 0 };
                    break;
                case InterruptClearRegister:
                    if ((value & 1) != 0)
                    {
                        _state = _state with { RawInterrupt = false };
                    }

                    break;
                default:
                    RejectLocked($"write of 0x{value:x} to read-only or unknown register 0x{offset:x}");
                    return;
            }

            UpdateLine();
        }
    }

    /// <summary>
    /// Machine reset: the interrupt is masked and cleared and the match register zeroed; the time
    /// (the offset a guest loaded) survives, as a battery-backed clock does.
    /// </summary>
    public void Reset()
    {
        using (_lock.EnterScope())
        {
            _state = _state with { Match = 0, InterruptMask = false, RawInterrupt = false };
            ArmMatchTimer();
            UpdateLine();
        }
    }

    /// <inheritdoc />
    public void Dispose() => _matchTimer.Dispose();

    private bool IsWordAccess(ulong offset, int length)
    {
        if (length == 4 && offset % 4 == 0 && offset < WindowSize)
        {
            return true;
        }

        using (_lock.EnterScope())
        {
            RejectLocked($"{length}-byte access at offset 0x{offset:x} (registers are 32-bit and aligned)");
        }

        return false;
    }

    private long HostSeconds() => _time.GetUtcNow().ToUnixTimeSeconds();

    // The counter wraps at 32 bits, like the hardware's.
    private uint CounterNow() => (uint)(HostSeconds() + _state.OffsetSeconds);

    /// <summary>
    /// Sets the one-shot timer to the start of the second in which the counter reaches RTCMR
    /// (distances wrap at 2^32 like the counter). A match further than a day away is aimed at in
    /// day-long steps (timers cannot wait 136 years).
    /// </summary>
    private void ArmMatchTimer()
    {
        uint seconds = _state.Match - CounterNow();
        long nowMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
        long dueMs = seconds == 0 ? 0 : Math.Min((long)seconds * 1000 - (nowMs % 1000), (long)MaxTimerStep.TotalMilliseconds);
        _matchTimer.Change(TimeSpan.FromMilliseconds(Math.Max(0, dueMs)), Timeout.InfiniteTimeSpan);
    }

    private static readonly TimeSpan MaxTimerStep = TimeSpan.FromDays(1);

    private void OnMatchTimer()
    {
        using (_lock.EnterScope())
        {
            // A timer may run a little late: a match passed by a second or two still counts.
            uint behind = CounterNow() - _state.Match;
            if (behind <= 2)
            {
                _state = _state with { RawInterrupt = true };
                UpdateLine();
            }
            else
            {
                // Early, a day-long step, or the guest moved the clock meanwhile: aim again.
                ArmMatchTimer();
            }
        }
    }

    private void UpdateLine()
    {
        bool level = _state.RawInterrupt && _state.InterruptMask;
        if (level != _lineLevel)
        {
            _lineLevel = level;
            _interrupt.SetLevel(level);
        }
    }

    private void RejectLocked(string message)
    {
        long now = _time.GetTimestamp();
        if (_lastRejectReport != long.MinValue && _time.GetElapsedTime(_lastRejectReport, now) < RejectReportInterval)
        {
            return;
        }

        _lastRejectReport = now;
        Rejected?.Invoke($"PL031: {message} refused (further refusals are reported at most once a minute)");
    }
}
