using Parkway.Acpi.Registers;

namespace Parkway.Acpi.Tests;

/// <summary>An in-memory CPU manager: per-slot flags, and a record of every action the registers took.</summary>
internal sealed class FakeCpuHotplugBackend : ICpuHotplugBackend
{
    private readonly bool[] _enabled;
    private readonly bool[] _inserting;
    private readonly bool[] _removing;
    private readonly bool[] _unplugRequested;
    private readonly int _bootCpus;

    public FakeCpuHotplugBackend(int possible, int bootCpus)
    {
        _enabled = new bool[possible];
        _inserting = new bool[possible];
        _removing = new bool[possible];
        _unplugRequested = new bool[possible];
        _bootCpus = bootCpus;
        for (var i = 0; i < bootCpus; i++)
        {
            _enabled[i] = true;
        }
    }

    public List<int> Ejected { get; } = [];

    public List<(int Slot, uint Event, uint Status)> OstReports { get; } = [];

    public int PossibleCpuCount => _enabled.Length;

    public void Plug(int slot)
    {
        _enabled[slot] = true;
        _inserting[slot] = true;
    }

    public void RequestUnplug(int slot)
    {
        _removing[slot] = true;
        _unplugRequested[slot] = true;
    }

    public bool IsEnabled(int slot) => _enabled[slot];

    public bool IsInserting(int slot) => _inserting[slot];

    public bool IsRemoving(int slot) => _removing[slot];

    /// <summary>
    /// When set, the next <see cref="IsEjectAllowed"/> answers true and then withdraws the request,
    /// as a timeout or an _OST refusal on another thread can between the block's check and its eject.
    /// </summary>
    public bool WithdrawAfterNextCheck { get; set; }

    public bool IsEjectAllowed(int slot)
    {
        bool allowed = _unplugRequested[slot];
        if (WithdrawAfterNextCheck)
        {
            WithdrawAfterNextCheck = false;
            _unplugRequested[slot] = false;
            _removing[slot] = false;
            return true;
        }

        return allowed;
    }

    public void ClearInsert(int slot) => _inserting[slot] = false;

    public void ClearRemove(int slot) => _removing[slot] = false;

    public bool Eject(int slot)
    {
        if (!_unplugRequested[slot] || !_enabled[slot] || slot < _bootCpus)
        {
            return false;
        }

        Ejected.Add(slot);
        _enabled[slot] = false;
        _removing[slot] = false;
        _unplugRequested[slot] = false;
        return true;
    }

    public bool IsBootCpu(int slot) => slot < _bootCpus;

    public ulong ArchId(int slot) => 0x1_0000_0000UL * (ulong)(slot + 1) + 0x8000_0000UL + (ulong)slot;

    public void OnOst(int slot, uint ostEvent, uint ostStatus) => OstReports.Add((slot, ostEvent, ostStatus));
}
