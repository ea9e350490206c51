namespace Parkway.Acpi.Tables;

/// <summary>The FADT's per-architecture boot flags (ACPI 6.5 §5.2.9): only one of them is non-zero.</summary>
/// <param name="ArmBootArch">ARM_BOOT_ARCH (offset 129), e.g. <see cref="Fadt.PsciCompliant"/> | <see cref="Fadt.PsciUseHvc"/>.</param>
/// <param name="IaPcBootArch">IAPC_BOOT_ARCH (offset 109), for x86.</param>
public readonly record struct FadtBootArchitecture(ushort ArmBootArch, ushort IaPcBootArch);
