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

    /// <summary>Raised (outside the lock) with a description of every refused or malformed access.</summary>
    public event Action<string>? Rejected;

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

    /// <summary>Handles a guest read of <paramref name="data"/>.Length bytes at <paramref name="offset"/>.</summary>
    public void Read(uint offset, Span<byte> data)
    {
        data.Clear();
        if (!IsValidAccess(offset, data.Length))
        {
            Report($"CPU hotplug: ignored {data.Length}-byte read at offset {offset:#x}");
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
            Report($"CPU hotplug: ignored {data.Length}-byte write at offset {offset:#x}");
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
        string? rejection;
        if (selector >= (uint)_backend.PossibleCpuCount)
        {
            rejection = $"CPU hotplug: write at offset {offset:#x} with out-of-range selector {selector} ignored";
        }
        else
        {
            var slot = (int)selector;
            rejection = offset switch
            {
                Flags => WriteControlFlags(slot, (byte)value),
                Command => WriteCommand(selector, (byte)value),
                CommandData => WriteCommandData(slot, value),
                _ => $"CPU hotplug: write to reserved offset {offset:#x} ignored",
            };
        }

        if (rejection is not null)
        {
            Report(rejection);
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
    private string? WriteControlFlags(int slot, byte flags)
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
                return $"CPU hotplug: eject of boot CPU {slot} refused";
            }

            if (!_backend.IsEjectAllowed(slot))
            {
                return $"CPU hotplug: eject of CPU {slot} refused: no unplug was requested";
            }

            _backend.Eject(slot);
            return null;
        }

        return flags == 0 ? null : $"CPU hotplug: control flags {flags:#x} for CPU {slot} ignored";
    }

    private string? WriteCommand(uint selector, byte command)
    {
        if (command > CommandGetArchId)
        {
            return $"CPU hotplug: unknown command {command} ignored";
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

    private string? WriteCommandData(int slot, uint value)
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

    private void Report(string message) => Rejected?.Invoke(message);
}
