using Parkway.Acpi.Aml;
using Parkway.Acpi.Devices;
using Parkway.Acpi.Tables;

namespace Parkway.Acpi;

/// <summary>Builds the arm64 (GICv3, hardware-reduced, PSCI) ACPI table set for a platform.</summary>
public static class AcpiTableSetBuilder
{
    /// <summary>Alignment of every table in the image.</summary>
    public const int Alignment = 8;

    /// <summary>Builds the tables for <paramref name="platform"/> to be loaded at <paramref name="baseAddress"/>.</summary>
    /// <exception cref="ArgumentException">The platform description is inconsistent.</exception>
    public static AcpiTableSet Build(AcpiPlatform platform, ulong baseAddress)
    {
        ArgumentNullException.ThrowIfNull(platform);
        Validate(platform);
        if (baseAddress % Alignment != 0)
        {
            throw new ArgumentException("The ACPI tables' base address must be 8-byte aligned.", nameof(baseAddress));
        }

        // Tables without pointers first; their sizes fix every address, then the pointer tables.
        var leafTables = new List<(string Signature, byte[] Bytes)>
        {
            ("APIC", Madt.Build(platform.GicDistributorBase, platform.Cpus.Select(c => Gicc(platform, c, forceEnabled: false)),
                platform.GicRedistributorRegions)),
            ("GTDT", Gtdt.Build()),
            ("SPCR", Spcr.Build(platform.UartBase, platform.UartGsiv, platform.SerialBaudRate)),
            ("PPTT", Pptt.Build(platform.Cpus, platform.Topology.Threads)),
            ("DSDT", Dsdt.Build(BuildDsdtContent(platform))),
        };

        var order = new List<string> { "RSDP", "XSDT", "FACP" };
        order.AddRange(leafTables.Select(t => t.Signature));
        var sizes = new Dictionary<string, int>
        {
            ["RSDP"] = Rsdp.Length,
            ["XSDT"] = Xsdt.LengthFor(leafTables.Count), // FACP + every leaf table except the DSDT
            ["FACP"] = Fadt.Length,
        };
        foreach (var (signature, bytes) in leafTables)
        {
            sizes[signature] = bytes.Length;
        }

        var addresses = new Dictionary<string, ulong>();
        var offset = 0;
        foreach (var signature in order)
        {
            addresses[signature] = baseAddress + (ulong)offset;
            offset = Align(offset + sizes[signature]);
        }

        var contents = leafTables.ToDictionary(t => t.Signature, t => t.Bytes);
        contents["FACP"] = Fadt.Build(addresses["DSDT"]);
        contents["XSDT"] = Xsdt.Build(order.Where(s => s is not ("RSDP" or "XSDT" or "DSDT")).Select(s => addresses[s]));
        contents["RSDP"] = Rsdp.Build(addresses["XSDT"]);

        var image = new byte[offset];
        var entries = new List<AcpiTableEntry>();
        foreach (var signature in order)
        {
            var bytes = contents[signature];
            bytes.CopyTo(image, (int)(addresses[signature] - baseAddress));
            entries.Add(new AcpiTableEntry(signature, addresses[signature], bytes));
        }

        return new AcpiTableSet(image, baseAddress, addresses["RSDP"], entries);
    }

    /// <summary>The DSDT's AML: <c>Scope (\_SB) { COM0, PWRB, CPUS, GED0 }</c>.</summary>
    public static IReadOnlyList<IAmlWritable> BuildDsdtContent(AcpiPlatform platform)
    {
        ArgumentNullException.ThrowIfNull(platform);
        var cpus = platform.Cpus
            .Select(c => new CpuHotplugAmlCpu(c.Uid, c.IsEjectable, Gicc(platform, c, forceEnabled: true).ToBytes()))
            .ToArray();
        return
        [
            new AmlScope("\\_SB",
            [
                Pl011Aml.Build(platform.UartBase, platform.UartGsiv),
                PowerButtonAml.Build(),
                // CPUS precedes GED0 so the scan method is declared before the code calling it.
                CpuHotplugAml.Build(cpus, platform.CpuHotplugBase),
                GedAml.Build(platform.GedBase, platform.GedGsiv),
            ]),
        ];
    }

    /// <summary>
    /// The CPU's GICC: Enabled for cold-plugged CPUs, Online Capable for the others; the
    /// <c>_MAT</c> copy always says Enabled (the CPU is enabled whenever the OS reads it).
    /// </summary>
    public static MadtGicc Gicc(AcpiPlatform platform, AcpiCpu cpu, bool forceEnabled)
    {
        ArgumentNullException.ThrowIfNull(platform);
        ArgumentNullException.ThrowIfNull(cpu);
        var flags = forceEnabled || cpu.EnabledAtBoot ? MadtGiccFlags.Enabled : MadtGiccFlags.OnlineCapable;
        return new MadtGicc(cpu.Uid, cpu.Uid, flags, cpu.Mpidr, platform.PerformanceInterruptGsiv);
    }

    private static void Validate(AcpiPlatform platform)
    {
        var cpus = platform.Cpus;
        if (cpus.Count == 0)
        {
            throw new ArgumentException("The platform has no CPUs.", nameof(platform));
        }

        for (var i = 0; i < cpus.Count; i++)
        {
            // The hotplug registers select CPUs by slot index and the AML by UID: they must agree.
            if (cpus[i].Uid != (uint)i)
            {
                throw new ArgumentException($"CPU at index {i} has UID {cpus[i].Uid}; UIDs must equal slot indices.", nameof(platform));
            }
        }

        if (!cpus.Any(c => c.EnabledAtBoot))
        {
            throw new ArgumentException("At least one CPU must be enabled at boot.", nameof(platform));
        }

        if (cpus.Any(c => c.IsBootCpu && !c.EnabledAtBoot))
        {
            // The MADT must call the CPU the kernel starts on Enabled.
            throw new ArgumentException("The boot CPU must be enabled at boot.", nameof(platform));
        }

        var (sockets, clusters, cores, threads) = platform.Topology;
        if ((ulong)sockets * clusters * cores * threads != (ulong)cpus.Count)
        {
            throw new ArgumentException(
                $"Topology {sockets}x{clusters}x{cores}x{threads} does not match {cpus.Count} possible CPUs.", nameof(platform));
        }

        if (cpus.Any(c => c.SocketId >= sockets || c.ClusterId >= clusters || c.CoreId >= cores || c.ThreadId >= threads))
        {
            throw new ArgumentException("A CPU's topology ids lie outside the topology.", nameof(platform));
        }

        if (cpus.Select(c => (c.SocketId, c.ClusterId, c.CoreId, c.ThreadId)).Distinct().Count() != cpus.Count)
        {
            throw new ArgumentException("Two CPUs share the same topology position.", nameof(platform));
        }

        if (platform.GicRedistributorRegions.Count == 0)
        {
            throw new ArgumentException("At least one GIC redistributor region is required.", nameof(platform));
        }
    }

    private static int Align(int value) => (value + Alignment - 1) & ~(Alignment - 1);
}
