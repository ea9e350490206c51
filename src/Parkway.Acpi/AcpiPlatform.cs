using Parkway.Acpi.Tables;

namespace Parkway.Acpi;

/// <summary>
/// Everything the table builder needs to know about the machine: the architecture-neutral part
/// here, the architecture's own (interrupt controller, timers, console) in <paramref name="Architecture"/>.
/// </summary>
/// <param name="Cpus">Every possible CPU, in slot order.</param>
/// <param name="Topology">Sockets × clusters × cores × threads; the product must equal the CPU count.</param>
/// <param name="GedBase">Generic Event Device event-selector MMIO base (4 bytes).</param>
/// <param name="GedGsiv">GED interrupt (edge).</param>
/// <param name="CpuHotplugBase">CPU hotplug register block MMIO base (12 bytes).</param>
/// <param name="Architecture">The architecture's tables, DSDT devices and per-CPU <c>_MAT</c> (arm64: <see cref="Arm64.Arm64AcpiPlatform"/>).</param>
public sealed record AcpiPlatform(
    IReadOnlyList<AcpiCpu> Cpus,
    (uint Sockets, uint Clusters, uint Cores, uint Threads) Topology,
    ulong GedBase,
    uint GedGsiv,
    ulong CpuHotplugBase,
    IAcpiArchitecture Architecture);

/// <summary>
/// What an architecture adds to the shared ACPI description (AML, FADT/XSDT/RSDP, the DSDT's
/// power button, CPU hot-plug and GED devices, PPTT). arm64: <see cref="Arm64.Arm64AcpiPlatform"/>.
/// </summary>
public interface IAcpiArchitecture
{
    /// <summary>The FADT's boot-architecture flags (arm64: PSCI over HVC).</summary>
    FadtBootArchitecture BootArchitecture { get; }

    /// <summary>Throws <see cref="ArgumentException"/> when the architecture's part of <paramref name="platform"/> is inconsistent.</summary>
    void Validate(AcpiPlatform platform);

    /// <summary>
    /// The architecture's tables (arm64: APIC = MADT, GTDT, SPCR), in XSDT order; they come after
    /// the FADT and before the PPTT and DSDT.
    /// </summary>
    IReadOnlyList<(string Signature, byte[] Bytes)> BuildTables(AcpiPlatform platform);

    /// <summary>Devices placed first in the DSDT's <c>\_SB</c> scope (arm64: the PL011 console).</summary>
    IReadOnlyList<Aml.IAmlWritable> DsdtDevices(AcpiPlatform platform);

    /// <summary>
    /// The processor device's <c>_MAT</c> for <paramref name="cpu"/>: its interrupt-controller
    /// structure as the MADT has it, but enabled (the CPU is enabled whenever the OS reads it).
    /// </summary>
    byte[] CpuMat(AcpiPlatform platform, AcpiCpu cpu);
}
