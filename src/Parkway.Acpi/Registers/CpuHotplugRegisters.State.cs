namespace Parkway.Acpi.Registers;

/// <summary>The CPU hot-plug register block's own state (selector, command, each slot's _OST event) for snapshots.</summary>
public sealed partial class CpuHotplugRegisters
{
    /// <summary>The selector, the last command and each slot's last _OST event.</summary>
    public (uint Selector, byte Command, uint[] OstEvents) SaveState()
    {
        using (_lock.EnterScope())
        {
            return (_selector, _command, (uint[])_ostEvents.Clone());
        }
    }

    /// <summary>Puts saved values back (the selector as the guest left it, in range or not); another slot count is refused.</summary>
    public void RestoreState(uint selector, byte command, IReadOnlyList<uint> ostEvents)
    {
        ArgumentNullException.ThrowIfNull(ostEvents);
        if (ostEvents.Count != _ostEvents.Length)
        {
            throw new ArgumentException($"saved CPU hot-plug registers are for {ostEvents.Count} slots, this machine has {_ostEvents.Length}");
        }

        using (_lock.EnterScope())
        {
            _selector = selector;
            _command = command;
            for (int i = 0; i < _ostEvents.Length; i++)
            {
                _ostEvents[i] = ostEvents[i];
            }
        }
    }
}
