namespace Parkway.Acpi.Tables;

/// <summary>The identification every Parkway table carries in its header.</summary>
public static class AcpiOem
{
    /// <summary>OEM ID (6 characters).</summary>
    public const string OemId = "PRKWAY";

    /// <summary>OEM table ID (8 characters).</summary>
    public const string OemTableId = "PARKWAYV";

    /// <summary>OEM revision.</summary>
    public const uint OemRevision = 1;

    /// <summary>Creator ID (4 characters): the tool that made the table.</summary>
    public const string CreatorId = "PRKW";

    /// <summary>Creator revision.</summary>
    public const uint CreatorRevision = 1;
}
