namespace Parkway.Acpi.Registers;

/// <summary>Offsets, bits and commands of QEMU's "modern" CPU hotplug register block (12 bytes).</summary>
public static class CpuHotplugRegisterLayout
{
    /// <summary>Size of the block.</summary>
    public const int Length = 12;

    /// <summary>Write: CPU selector (dword). Read: command data 2 (upper arch id after command 3, else 0).</summary>
    public const int SelectorOrCommandData2 = 0x0;

    /// <summary>Read: status flags; write: control flags (byte).</summary>
    public const int Flags = 0x4;

    /// <summary>Write: command (byte).</summary>
    public const int Command = 0x5;

    /// <summary>Read/write: command data (dword).</summary>
    public const int CommandData = 0x8;

    /// <summary>Status bit: the CPU is enabled.</summary>
    public const byte StatusEnabled = 1 << 0;

    /// <summary>Status bit: insert event pending. As a control bit: clear it.</summary>
    public const byte InsertEvent = 1 << 1;

    /// <summary>Status bit: remove event pending. As a control bit: clear it.</summary>
    public const byte RemoveEvent = 1 << 2;

    /// <summary>Control bit: eject the selected CPU.</summary>
    public const byte EjectRequest = 1 << 3;

    /// <summary>Control bit: hand the eject to firmware (there is none; ignored).</summary>
    public const byte FirmwareEject = 1 << 4;

    /// <summary>Command 0: select the next CPU with a pending event, scanning circularly.</summary>
    public const byte CommandNextCpuWithEvent = 0;

    /// <summary>Command 1: the next command-data write is an OST event code.</summary>
    public const byte CommandOstEvent = 1;

    /// <summary>Command 2: the next command-data write is an OST status code; report both.</summary>
    public const byte CommandOstStatus = 2;

    /// <summary>Command 3: command data / command data 2 read the arch id's low / high half.</summary>
    public const byte CommandGetArchId = 3;
}
