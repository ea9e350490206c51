using System.Buffers.Binary;
using Parkway.Threading;
using static Parkway.Acpi.Registers.CpuHotplugRegisterLayout;

namespace Parkway.Acpi.Registers;

/// <summary>
/// The guest-visible CPU hotplug register block with QEMU's "modern" semantics
/// (docs/specs/acpi_cpu_hotplug.rst), backed by the CPU manager. Every guest write is treated as
/// hostile: ejects of boot CPUs, of slots without a pending remove, or through an out-of-range
/// selector are refused and reported through <see cref="Rejected"/>.
/// </summary>
/// <remarks>
/// Thread-safe: vCPU threads may call <see cref="Read"/> and <see cref="Write"/> concurrently.
/// The block's own lock guards only its own state (selector, command, _OST event latches) and is
/// a leaf: the backend is never called while it is held — its answers come from the CPU manager,
/// whose lock ranks before every device lock (docs/architecture.md, "Lock order"). An access reads
/// the selector and command under the lock, then asks the backend; a guest racing its own register
/// accesses (the AML serialises them with a mutex) gets a consistent answer for some selector.
/// </remarks>
public sealed partial class CpuHotplugRegisters
{
    private readonly ICpuHotplugBackend _backend;
    private readonly RankedLock _lock = new(LockRank.Device, nameof(CpuHotplugRegisters));
    private readonly uint[] _ostEvents;
    private uint _selector;
    private byte _command;

    /// <summary>Creates the block for <paramref name="backend"/>; the selector starts at 0.</summary>
    public CpuHotplugRegisters(ICpuHotplugBackend backend)
    {
        ArgumentNullException.ThrowIfNull(backend);
        _backend = backend;
        _ostEvents = new uint[backend.PossibleCpuCount];
    }

    /// <summary>Raised (outside the lock) for every refused or malformed access.</summary>
    public event Action<RegisterFault>? Rejected;

    /// <summary>The current selector (for diagnostics and tests).</summary>
    public uint Selector
    {
        get
        {
            using (_lock.EnterScope())
            {
                return _selector;
            }
        }
    }

    /// <summary>
    /// Machine reset: selector 0, no command, no _OST event recorded. The CPUs' enabled bits are the
    /// backend's (the slots) and are kept: a CPU plugged before the reset reads enabled after it.
    /// </summary>
    public void Reset()
    {
        using (_lock.EnterScope())
        {
            _selector = 0;
            _command = 0;
            Array.Clear(_ostEvents);
        }
    }

    /// <summary>Handles a guest read of <paramref name="data"/>.Length bytes at <paramref name="offset"/>.</summary>
    public void Read(uint offset, Span<byte> data)
    {
        data.Clear();
        if (!IsValidAccess(offset, data.Length))
        {
            Report(new(RegisterFaultKind.BadAccess, $"{data.Length}-byte read at offset 0x{offset:x} ignored"));
            return;
        }

        (uint selector, byte command) = SelectorAndCommand();
        Span<byte> image = stackalloc byte[Length];
        image.Clear();
        // An out-of-range selector reads as all zeros.
        if (selector < (uint)_backend.PossibleCpuCount)
        {
            var slot = (int)selector;
            image[Flags] = (byte)((_backend.IsEnabled(slot) ? StatusEnabled : 0) |
                (_backend.IsInserting(slot) ? InsertEvent : 0) |
                (_backend.IsRemoving(slot) ? RemoveEvent : 0));
            switch (command)
            {
                case CommandNextCpuWithEvent:
                    BinaryPrimitives.WriteUInt32LittleEndian(image[CommandData..], selector);
                    break;
                case CommandGetArchId:
                    var archId = _backend.ArchId(slot);
                    BinaryPrimitives.WriteUInt32LittleEndian(image[CommandData..], (uint)archId);
                    BinaryPrimitives.WriteUInt32LittleEndian(image[SelectorOrCommandData2..], (uint)(archId >> 32));
                    break;
            }
        }

        image.Slice((int)offset, data.Length).CopyTo(data);
    }

    /// <summary>Handles a guest write of <paramref name="data"/> at <paramref name="offset"/>.</summary>
    /// <remarks>
    /// As in QEMU, the access's start offset selects the register and the data (little-endian,
    /// zero-extended) is its value: offset 0 selector, 4 control flags, 5 command, 8 command data.
    /// </remarks>
    public void Write(uint offset, ReadOnlySpan<byte> data)
    {
        if (!IsValidAccess(offset, data.Length))
        {
            Report(new(RegisterFaultKind.BadAccess, $"{data.Length}-byte write at offset 0x{offset:x} ignored"));
            return;
        }

        Span<byte> padded = stackalloc byte[4];
        padded.Clear();
        data.CopyTo(padded);
        var value = BinaryPrimitives.ReadUInt32LittleEndian(padded);

        if (offset == SelectorOrCommandData2)
        {
            using (_lock.EnterScope())
            {
                _selector = value;
            }

            return;
        }

        (uint selector, _) = SelectorAndCommand();
        RegisterFault? rejection;
        if (selector >= (uint)_backend.PossibleCpuCount)
        {
            rejection = new(RegisterFaultKind.SelectorOutOfRange, $"write at offset 0x{offset:x} with out-of-range selector {selector} ignored");
        }
        else
        {
            var slot = (int)selector;
            rejection = offset switch
            {
                Flags => WriteControlFlags(slot, (byte)value),
                Command => WriteCommand(selector, (byte)value),
                CommandData => WriteCommandData(slot, value),
                _ => new RegisterFault(RegisterFaultKind.ReservedOffset, $"{data.Length}-byte write to reserved offset 0x{offset:x} ignored"),
            };
        }

        if (rejection is { } fault)
        {
            Report(fault);
        }
    }

    private (uint Selector, byte Command) SelectorAndCommand()
    {
        using (_lock.EnterScope())
        {
            return (_selector, _command);
        }
    }

    // Only the first set bit acts, in QEMU's priority order: clear insert, clear remove, eject.
    private RegisterFault? WriteControlFlags(int slot, byte flags)
    {
        if ((flags & InsertEvent) != 0)
        {
            _backend.ClearInsert(slot);
            return null;
        }

        if ((flags & RemoveEvent) != 0)
        {
            _backend.ClearRemove(slot);
            return null;
        }

        if ((flags & EjectRequest) != 0)
        {
            if (_backend.IsBootCpu(slot))
            {
                return new(RegisterFaultKind.BootCpuEject, $"eject of boot CPU {slot} refused");
            }

            // The backend checks again under its own lock: a request withdrawn (timed out, refused
            // through _OST) between the two checks must not let the eject through.
            if (!_backend.IsEjectAllowed(slot) || !_backend.Eject(slot))
            {
                return new(RegisterFaultKind.EjectWithoutRequest, $"eject of CPU {slot} refused: no unplug was requested");
            }

            return null;
        }

        return flags == 0 ? null : new RegisterFault(RegisterFaultKind.UnknownControlFlags, $"control flags 0x{flags:x2} for CPU {slot} ignored");
    }

    private RegisterFault? WriteCommand(uint selector, byte command)
    {
        if (command > CommandGetArchId)
        {
            return new(RegisterFaultKind.UnknownCommand, $"unknown command {command} ignored");
        }

        uint? next = null;
        if (command == CommandNextCpuWithEvent)
        {
            // Scan circularly from the selector; with no event anywhere the selector stays put.
            var count = _backend.PossibleCpuCount;
            for (var step = 0; step < count; step++)
            {
                var candidate = (int)((selector + (uint)step) % (uint)count);
                if (_backend.IsInserting(candidate) || _backend.IsRemoving(candidate))
                {
                    next = (uint)candidate;
                    break;
                }
            }
        }

        using (_lock.EnterScope())
        {
            _command = command;
            if (next is { } found)
            {
                _selector = found;
            }
        }

        return null;
    }

    private RegisterFault? WriteCommandData(int slot, uint value)
    {
        uint ostEvent;
        using (_lock.EnterScope())
        {
            switch (_command)
            {
                case CommandOstEvent:
                    _ostEvents[slot] = value;
                    return null;
                case CommandOstStatus:
                    ostEvent = _ostEvents[slot];
                    break;
                default:
                    return null;
            }
        }

        _backend.OnOst(slot, ostEvent, value);
        return null;
    }

    private static bool IsValidAccess(uint offset, int size) =>
        size is >= 1 and <= 4 && offset < Length && offset + (uint)size <= Length;

    private void Report(RegisterFault fault) => Rejected?.Invoke(fault);
}
