using Parkway.Acpi.Aml;
using Parkway.Acpi.Devices;
using Parkway.Acpi.Tables;

namespace Parkway.Acpi;

/// <summary>
/// Builds the hardware-reduced ACPI table set for a platform: the shared tables (RSDP, XSDT, FADT,
/// PPTT, DSDT with the power button, CPU hot-plug and GED devices) around the architecture's own
/// (<see cref="IAcpiArchitecture"/>; arm64: MADT with GICC/GICD/GICR, GTDT, SPCR).
/// </summary>
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
        var leafTables = new List<(string Signature, byte[] Bytes)>(platform.Architecture.BuildTables(platform))
        {
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
        contents["FACP"] = Fadt.Build(addresses["DSDT"], platform.Architecture.BootArchitecture);
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

    /// <summary>
    /// The DSDT's AML: <c>Scope (\_SB) { architecture devices (arm64: COM0), PWRB, CPUS, GED0 }</c>;
    /// each processor device's <c>_MAT</c> comes from the architecture.
    /// </summary>
    public static IReadOnlyList<IAmlWritable> BuildDsdtContent(AcpiPlatform platform)
    {
        ArgumentNullException.ThrowIfNull(platform);
        var cpus = platform.Cpus
            .Select(c => new CpuHotplugAmlCpu(c.Uid, c.IsEjectable, platform.Architecture.CpuMat(platform, c)))
            .ToArray();
        return
        [
            new AmlScope("\\_SB",
            [
                .. platform.Architecture.DsdtDevices(platform),
                PowerButtonAml.Build(),
                // CPUS precedes GED0 so the scan method is declared before the code calling it.
                CpuHotplugAml.Build(cpus, platform.CpuHotplugBase),
                GedAml.Build(platform.GedBase, platform.GedGsiv),
            ]),
        ];
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

        platform.Architecture.Validate(platform);
    }

    private static int Align(int value) => (value + Alignment - 1) & ~(Alignment - 1);
}
