using Parkway.Acpi.Tables;

namespace Parkway.Acpi.Arm64;

/// <summary>
/// Generic Timer Description Table, revision 2 (96 bytes): the architected timer PPIs, all
/// level-triggered, active-high and always-on; no memory-mapped timer blocks.
/// </summary>
public static class Gtdt
{
    /// <summary>Secure EL1 timer PPI (INTID).</summary>
    public const uint SecureEl1Gsiv = 29;

    /// <summary>Non-secure EL1 timer PPI.</summary>
    public const uint NonSecureEl1Gsiv = 30;

    /// <summary>Virtual timer PPI.</summary>
    public const uint VirtualGsiv = 27;

    /// <summary>Non-secure EL2 timer PPI.</summary>
    public const uint NonSecureEl2Gsiv = 26;

    /// <summary>Timer flags: bit0 edge (clear = level), bit1 active low (clear = high), bit2 always-on.</summary>
    public const uint AlwaysOnLevelActiveHigh = 1u << 2;

    /// <summary>Builds the GTDT.</summary>
    public static byte[] Build()
    {
        var table = new AcpiTableBuilder("GTDT", 2);
        table.WriteUInt64(ulong.MaxValue); // 36 CntControlBase: not provided
        table.WriteUInt32(0); // 44 reserved
        table.WriteUInt32(SecureEl1Gsiv); // 48
        table.WriteUInt32(AlwaysOnLevelActiveHigh);
        table.WriteUInt32(NonSecureEl1Gsiv); // 56
        table.WriteUInt32(AlwaysOnLevelActiveHigh);
        table.WriteUInt32(VirtualGsiv); // 64
        table.WriteUInt32(AlwaysOnLevelActiveHigh);
        table.WriteUInt32(NonSecureEl2Gsiv); // 72
        table.WriteUInt32(AlwaysOnLevelActiveHigh);
        table.WriteUInt64(ulong.MaxValue); // 80 CntReadBase: not provided
        table.WriteUInt32(0); // 88 platform timer count
        table.WriteUInt32(0); // 92 platform timer offset
        return table.Finish();
    }
}
