namespace Parkway.Acpi;

/// <summary>One table of an <see cref="AcpiTableSet"/>.</summary>
/// <param name="Signature">"RSDP", "XSDT", "FACP", "APIC", "GTDT", "SPCR", "PPTT" or "DSDT".</param>
/// <param name="Address">Guest physical address of the table.</param>
/// <param name="Bytes">The table's bytes.</param>
public sealed record AcpiTableEntry(string Signature, ulong Address, byte[] Bytes);
