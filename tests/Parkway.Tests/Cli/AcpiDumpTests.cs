using System.Diagnostics;

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
            (int exit, string output) = Iasl(Path.Combine(_directory, table));
            Assert.True(exit == 0 && !output.Contains("Error", StringComparison.Ordinal) && !output.Contains("Warning", StringComparison.Ordinal),
                $"iasl -d {table} ({exit}):\n{output}");
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

    private (int Exit, string Output) Iasl(string path)
    {
        var start = new ProcessStartInfo("iasl") { WorkingDirectory = _directory, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-d");
        start.ArgumentList.Add(path);
        using Process process = Process.Start(start) ?? throw new InvalidOperationException("iasl is missing (install acpica-tools)");
        string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output);
    }
}
