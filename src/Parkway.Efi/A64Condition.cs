namespace Parkway.Efi;

/// <summary>A64 condition codes (Arm ARM, C1.2.4), as CSEL and CINC encode them.</summary>
public enum A64Condition
{
    /// <summary>Equal (Z set).</summary>
    Eq = 0,

    /// <summary>Not equal.</summary>
    Ne = 1,

    /// <summary>Unsigned higher or same (C set).</summary>
    Hs = 2,

    /// <summary>Unsigned lower (C clear).</summary>
    Lo = 3,

    /// <summary>Unsigned higher.</summary>
    Hi = 8,

    /// <summary>Unsigned lower or same.</summary>
    Ls = 9,
}
