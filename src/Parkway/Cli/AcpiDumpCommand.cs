using System.CommandLine;
using Parkway.Acpi;
using Parkway.Machine.Arm64;
using Parkway.Machine.Config;

namespace Parkway.Cli;

/// <summary>
/// <c>parkway acpi dump</c>: writes the exact ACPI tables an arm64 guest with this configuration
/// would get (placed at the same guest addresses), one file per table, for <c>iasl -d</c>.
/// No KVM is needed: the CPUs' MPIDRs are the ones KVM assigns (checked by <c>check-host</c>).
/// </summary>
internal static class AcpiDumpCommand
{
    public static Command Create()
    {
        var cpus = CommonOptions.Cpus(required: true);
        var memory = CommonOptions.Memory();
        var output = new Option<string>("--out") { Description = "directory to write <signature>.dat files into", Required = true };
        var dump = new Command("dump", "Write the ACPI tables a guest would get, as files iasl -d reads") { cpus, memory, output };
        dump.SetAction(result =>
        {
            CpuConfig cpuConfig = CpuConfig.Parse(result.GetValue(cpus)!);
            ulong ram = SizeParser.Parse(result.GetValue(memory)!, "--memory");
            string directory = result.GetValue(output)!;
            if (ram < Arm64BootLayout.MinimumRam)
            {
                throw new ConfigurationException($"--memory {SizeParser.Format(ram)} is too small (at least {SizeParser.Format(Arm64BootLayout.MinimumRam)})");
            }

            // Same placement as a real boot: the firmware region at the top of RAM.
            ulong bootData = VirtMemoryMap.RamBase + ram - Arm64BootLayout.BootDataSize;
            var layout = new Arm64BootLayout(VirtMemoryMap.RamBase, VirtMemoryMap.RamBase, 0, 0, bootData);
            AcpiTableSet tables = Arm64AcpiBoot.BuildTables(Arm64AcpiDescription.DescribePredicted(cpuConfig), layout);
            try
            {
                Directory.CreateDirectory(directory);
                foreach (string file in tables.WriteFiles(directory))
                {
                    Console.WriteLine(file);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new ConfigurationException($"--out: cannot write to {directory}: {e.Message}", e);
            }

            return ExitCodes.Success;
        });
        return new Command("acpi", "ACPI tools") { dump };
    }
}
