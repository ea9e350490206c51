using System.Globalization;
using System.Text.RegularExpressions;

namespace Parkway.Acpi.Tests;

/// <summary>
/// Cross-checks the generated tables with ACPICA's iasl: every table disassembles cleanly, the
/// DSDT recompiles to the same bytes, and the RSDP (which iasl 20200925 cannot disassemble on
/// its own) is rebuilt by iasl's data-table compiler and compared.
/// </summary>
public sealed class IaslTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "parkway-iasl-" + Guid.NewGuid().ToString("N"));

    public IaslTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    public static TheoryData<int, int, uint, uint, uint> Platforms => new()
    {
        { 2, 8, 1, 1, 1 },
        { 4, 64, 1, 1, 1 },
        { 2, 16, 2, 2, 2 },
        { 8, 512, 2, 1, 1 },
    };

    [Theory]
    [MemberData(nameof(Platforms))]
    public void Every_table_disassembles_without_errors_or_warnings(int boot, int possible, uint sockets, uint clusters, uint threads)
    {
        var set = AcpiTableSetBuilder.Build(TestPlatforms.Create(boot, possible, sockets, clusters, threads), TestPlatforms.TablesBase);
        set.WriteFiles(_directory);
        foreach (var table in set.Tables.Where(t => t.Signature != "RSDP"))
        {
            var problems = Disassemble(table.Signature.ToLowerInvariant());
            Assert.True(problems.Count == 0, $"iasl -d {table.Signature}: \n{string.Join('\n', problems)}");
        }

        var dsdt = File.ReadAllText(Path.Combine(_directory, "dsdt.dsl"));
        var lastCpu = "Device (C" + (possible - 1).ToString("X3", CultureInfo.InvariantCulture) + ")";
        Assert.Contains(lastCpu, dsdt, StringComparison.Ordinal);
        Assert.Equal(possible, Regex.Count(dsdt, "\"ACPI0007\""));
        Assert.Equal(possible - boot, Regex.Count(dsdt, @"Method \(_EJ0, 1, Serialized\)"));
        Assert.Contains("\"ACPI0013\"", dsdt, StringComparison.Ordinal);
        Assert.Contains("\"ARMH0011\"", dsdt, StringComparison.Ordinal);
        Assert.Contains("\\_SB.CPUS.CSCN ()", dsdt, StringComparison.Ordinal);
        Assert.Contains("Interrupt (ResourceConsumer, Edge, ActiveHigh, Exclusive, ,, )", dsdt, StringComparison.Ordinal);

        var apic = File.ReadAllText(Path.Combine(_directory, "apic.dsl"));
        Assert.Equal(possible, Regex.Count(apic, @"Subtable Type : 0B"));
        Assert.Equal(boot, Regex.Count(apic, @"Flags \(decoded below\) : 00000001"));
        Assert.Equal(possible - boot, Regex.Count(apic, @"Flags \(decoded below\) : 00000008"));

        var facp = File.ReadAllText(Path.Combine(_directory, "facp.dsl"));
        Assert.Matches(@"Hardware Reduced \(V5\) : 1", facp);
        Assert.Matches(@"Must use HVC for PSCI : 1", facp);

        var pptt = File.ReadAllText(Path.Combine(_directory, "pptt.dsl"));
        Assert.Equal(possible, Regex.Count(pptt, @"Node is a leaf : 1"));
        Assert.Equal(threads > 1 ? possible : 0, Regex.Count(pptt, @"Processor is a thread : 1"));
    }

    [Theory]
    [InlineData("apic", 9)] // header checksum
    [InlineData("apic", 45)] // length of the first subtable
    [InlineData("dsdt", 60)] // inside the AML
    public void A_corrupted_table_is_reported(string name, int offset)
    {
        var set = AcpiTableSetBuilder.Build(TestPlatforms.Create(2, 8), TestPlatforms.TablesBase);
        set.WriteFiles(_directory);
        var path = Path.Combine(_directory, name + ".dat");
        var bytes = File.ReadAllBytes(path);
        bytes[offset] ^= 0x30;
        File.WriteAllBytes(path, bytes);
        Assert.NotEmpty(Disassemble(name));
    }

    [Fact]
    public void The_rtc_and_the_pmu_interrupt_disassemble_as_qemu_virt_describes_them()
    {
        var platform = TestPlatforms.Create(2, 4, performanceInterruptGsiv: 23, rtc: (0x0901_0000, 34));
        var set = AcpiTableSetBuilder.Build(platform, TestPlatforms.TablesBase);
        set.WriteFiles(_directory);
        Assert.Empty(Disassemble("dsdt"));
        Assert.Empty(Disassemble("apic"));

        var dsdt = File.ReadAllText(Path.Combine(_directory, "dsdt.dsl"));
        Assert.Contains("Device (RTC0)", dsdt, StringComparison.Ordinal);
        Assert.Contains("Name (_HID, \"LNRO0013\")", dsdt, StringComparison.Ordinal);
        Assert.Matches(@"Memory32Fixed \(ReadWrite,\s+0x09010000,\s+// Address Base\s+0x00001000,", dsdt);
        Assert.Matches(@"Interrupt \(ResourceConsumer, Level, ActiveHigh, Exclusive, ,, \)\s+\{\s+0x00000022,", dsdt);

        // Every GICC names the PMU's PPI (the guest otherwise logs "No ACPI PMU IRQ for CPUn").
        var apic = File.ReadAllText(Path.Combine(_directory, "apic.dsl"));
        Assert.Equal(4, Regex.Count(apic, @"Performance Interrupt : 00000017"));
    }

    [Fact]
    public void Disassembled_dsdt_recompiles_to_the_same_aml()
    {
        var set = AcpiTableSetBuilder.Build(TestPlatforms.Create(2, 8), TestPlatforms.TablesBase);
        set.WriteFiles(_directory);
        var disassembly = Iasl.Run(_directory, "-d", "dsdt.dat");
        Assert.Equal(0, disassembly.ExitCode);

        // -on: no namepath optimisation, so iasl keeps our (absolute) paths as written.
        var compile = Iasl.Run(_directory, "-on", "-p", "recompiled", "dsdt.dsl");
        Assert.True(compile.ExitCode == 0, compile.Output);
        Assert.True(compile.Problems.Count == 0, string.Join('\n', compile.Problems));

        var original = set["DSDT"].Bytes;
        var recompiled = File.ReadAllBytes(Path.Combine(_directory, "recompiled.aml"));
        Assert.Equal(original.Length, recompiled.Length);
        var endTags = 0;
        for (var i = 36; i < original.Length; i++)
        {
            if (original[i] == recompiled[i])
            {
                continue;
            }

            // iasl leaves End Tag checksums 0; we compute them. Nothing else may differ.
            Assert.True(original[i - 1] == 0x79 && recompiled[i] == 0, $"AML differs at offset {i}");
            endTags++;
        }

        Assert.Equal(2, endTags); // COM0 and GED0 templates (the checksums happen to be non-zero)
    }

    /// <summary>Runs <c>iasl -d NAME.dat</c>; returns every reported problem (empty when clean).</summary>
    private List<string> Disassemble(string name)
    {
        var result = Iasl.Run(_directory, "-d", name + ".dat");
        var problems = result.Problems.ToList();
        if (result.ExitCode != 0)
        {
            problems.Add($"exit code {result.ExitCode}: {result.Output}");
            return problems;
        }

        // The data-table disassembler flags bad structures inline: "****", "Invalid ...", "Incorrect ...".
        problems.AddRange(File.ReadAllLines(Path.Combine(_directory, name + ".dsl"))
            .Where(line => line.Contains("****", StringComparison.Ordinal) ||
                line.Contains("Invalid", StringComparison.Ordinal) ||
                line.Contains("Incorrect", StringComparison.Ordinal)));
        return problems;
    }

    [Fact]
    public void Rsdp_matches_what_the_iasl_data_table_compiler_builds()
    {
        var set = AcpiTableSetBuilder.Build(TestPlatforms.Create(1, 2), TestPlatforms.TablesBase);
        var rsdp = set["RSDP"].Bytes;
        // iasl fills in both checksums itself, so the values written here do not matter.
        var source = $"""
            [0008]                          Signature : "RSD PTR "
            [0001]                           Checksum : 00
            [0006]                             Oem ID : "PRKWAY"
            [0001]                           Revision : 02
            [0004]                       RSDT Address : 00000000
            [0004]                             Length : 00000024
            [0008]                       XSDT Address : {set["XSDT"].Address:X16}
            [0001]                  Extended Checksum : 00
            [0003]                           Reserved : 000000
            """;
        File.WriteAllText(Path.Combine(_directory, "rsdp.asl"), source + "\n");
        var compile = Iasl.Run(_directory, "rsdp.asl");
        Assert.True(compile.ExitCode == 0, compile.Output);
        Assert.Equal(Hex.Format(File.ReadAllBytes(Path.Combine(_directory, "rsdp.aml"))), Hex.Format(rsdp));
    }
}
