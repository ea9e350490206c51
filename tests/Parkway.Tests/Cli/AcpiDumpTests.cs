using Parkway.Acpi.Tests;

namespace Parkway.Tests.Cli;

/// <summary><c>parkway acpi dump</c> writes the tables a guest would get, and iasl reads every one.</summary>
public sealed class AcpiDumpTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("parkway-acpi-dump-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Dump_writes_every_table_and_iasl_disassembles_each_without_errors()
    {
        CliResult result = ParkwayCli.Run("acpi", "dump", "--cpus", "boot=2,max=8", "--out", _directory);

        Assert.True(result.ExitCode == 0, result.ToString());
        string[] expected = ["rsdp.dat", "xsdt.dat", "facp.dat", "apic.dat", "gtdt.dat", "spcr.dat", "pptt.dat", "dsdt.dat"];
        Assert.Equal(expected.Order(), Directory.GetFiles(_directory).Select(Path.GetFileName).Order());
        foreach (string table in expected.Where(static t => t != "rsdp.dat"))
        {
            // iasl 20200925 cannot disassemble a standalone RSDP (Parkway.Acpi.Tests checks it byte for byte instead).
            Iasl.Result iasl = Iasl.Run(_directory, "-d", Path.Combine(_directory, table));
            Assert.True(iasl.ExitCode == 0 && iasl.Problems.Count == 0, $"iasl -d {table} ({iasl.ExitCode}):\n{iasl.Output}");
        }

        string dsdt = File.ReadAllText(Path.Combine(_directory, "dsdt.dsl"));
        Assert.Equal(8, dsdt.Split("\"ACPI0007\"").Length - 1);
    }

    [Fact]
    public void Dump_into_an_unwritable_place_is_a_usage_error()
    {
        string file = Path.Combine(_directory, "a-file");
        File.WriteAllText(file, "not a directory");

        CliResult result = ParkwayCli.Run("acpi", "dump", "--cpus", "boot=1", "--out", Path.Combine(file, "sub"));

        Assert.Equal(2, result.ExitCode);
        Assert.Single(result.StderrLines);
        Assert.StartsWith("parkway: --out:", result.StderrLines[0], StringComparison.Ordinal);
    }
}
