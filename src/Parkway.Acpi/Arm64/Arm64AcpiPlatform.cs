using Parkway.Acpi.Aml;
using Parkway.Acpi.Tables;

namespace Parkway.Acpi.Arm64;

/// <summary>
/// The arm64 part of the ACPI description: a GICv3 (MADT with one GICC per possible CPU, the GICD
/// and the GICR regions), the architected timer (GTDT), a PL011 console (SPCR and the DSDT's COM0),
/// PSCI over HVC as the boot protocol (FADT), and each CPU's GICC as its processor device's
/// <c>_MAT</c>.
/// </summary>
/// <param name="GicDistributorBase">GICv3 distributor MMIO base.</param>
/// <param name="GicRedistributorRegions">Redistributor ranges covering all possible CPUs.</param>
/// <param name="UartBase">PL011 MMIO base (below 4 GiB).</param>
/// <param name="UartGsiv">PL011 interrupt (SPI n = GSIV 32 + n).</param>
public sealed record Arm64AcpiPlatform(
    ulong GicDistributorBase,
    IReadOnlyList<(ulong Base, ulong Length)> GicRedistributorRegions,
    ulong UartBase,
    uint UartGsiv) : IAcpiArchitecture
{
    /// <summary>PMU interrupt for every GICC (e.g. 23); 0 = no PMU described.</summary>
    public uint PerformanceInterruptGsiv { get; init; }

    /// <summary>
    /// The virtio-mmio transports, each a <c>LNRO0005</c> device after the PL011 (index = _UID,
    /// register window base, interrupt GSIV = SPI + 32). Empty: none.
    /// </summary>
    public IReadOnlyList<(uint Index, ulong Base, uint Gsiv)> VirtioMmioDevices { get; init; } = [];

    /// <summary>The PL031 RTC (register window base, interrupt GSIV), described as <c>RTC0</c> after the PL011; null: none.</summary>
    public (ulong Base, uint Gsiv)? Rtc { get; init; }

    /// <summary>SPCR baud rate code: 7 = 115200 (default), 0 = as is.</summary>
    public byte SerialBaudRate { get; init; } = Spcr.BaudRate115200;

    /// <summary>PSCI is the CPU boot protocol, called with HVC so KVM (and its SMCCC filter) sees it.</summary>
    public static FadtBootArchitecture PsciOverHvc { get; } = new(Fadt.PsciCompliant | Fadt.PsciUseHvc, 0);

    /// <inheritdoc />
    public FadtBootArchitecture BootArchitecture => PsciOverHvc;

    /// <inheritdoc />
    public void Validate(AcpiPlatform platform)
    {
        if (GicRedistributorRegions.Count == 0)
        {
            throw new ArgumentException("At least one GIC redistributor region is required.", nameof(platform));
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<(string Signature, byte[] Bytes)> BuildTables(AcpiPlatform platform)
    {
        ArgumentNullException.ThrowIfNull(platform);
        return
        [
            ("APIC", Madt.Build(GicDistributorBase, platform.Cpus.Select(c => Gicc(c, forceEnabled: false)), GicRedistributorRegions)),
            ("GTDT", Gtdt.Build()),
            ("SPCR", Spcr.Build(UartBase, UartGsiv, SerialBaudRate)),
        ];
    }

    /// <inheritdoc />
    public IReadOnlyList<IAmlWritable> DsdtDevices(AcpiPlatform platform) =>
        [
            Pl011Aml.Build(UartBase, UartGsiv),
            .. Rtc is { } rtc ? [Pl031Aml.Build(rtc.Base, rtc.Gsiv)] : Array.Empty<IAmlWritable>(),
            .. VirtioMmioDevices.Select(static d => Devices.VirtioMmioAml.Build(d.Index, d.Base, d.Gsiv))];

    /// <inheritdoc />
    public byte[] CpuMat(AcpiPlatform platform, AcpiCpu cpu) => Gicc(cpu, forceEnabled: true).ToBytes();

    /// <summary>
    /// The CPU's GICC: Enabled for cold-plugged CPUs, Online Capable for the others; the
    /// <c>_MAT</c> copy always says Enabled (the CPU is enabled whenever the OS reads it).
    /// </summary>
    public MadtGicc Gicc(AcpiCpu cpu, bool forceEnabled)
    {
        ArgumentNullException.ThrowIfNull(cpu);
        var flags = forceEnabled || cpu.EnabledAtBoot ? MadtGiccFlags.Enabled : MadtGiccFlags.OnlineCapable;
        return new MadtGicc(cpu.Uid, cpu.Uid, flags, cpu.ArchId, PerformanceInterruptGsiv);
    }
}
