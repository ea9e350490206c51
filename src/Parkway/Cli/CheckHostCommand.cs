using System.CommandLine;
using Microsoft.Extensions.Logging;
using Parkway.Interop;
using Parkway.Machine.Arm64;
using Parkway.Machine.Config;
using Parkway.Machine.Cpu;

namespace Parkway.Cli;

/// <summary>
/// <c>parkway check-host</c>: builds a VM with every possible vCPU and the vGIC (no guest) and
/// verifies, on this host's real KVM, the rules Parkway's hot-plug design stands on: each slot's
/// MPIDR and redistributor (GICR_TYPER affinity, processor number, Last) are bound at build time,
/// and KVM refuses any vCPU created after the vGIC is initialised.
/// </summary>
internal static class CheckHostCommand
{
    public static Command Create()
    {
        var cpus = CommonOptions.Cpus(required: true);
        var logLevel = CommonOptions.LogLevelOption();
        var command = new Command("check-host", "Verify this host's KVM: build all vCPU slots and the vGIC, print each slot's MPIDR and GICR_TYPER") { cpus, logLevel };
        command.SetAction(result =>
        {
            LogLevel level = CommonOptions.ParseLogLevel(result.GetValue(logLevel)!);
            CpuConfig cpuConfig = CpuConfig.Parse(result.GetValue(cpus)!);
            using ILoggerFactory loggers = CommonOptions.CreateLoggerFactory(level);
            var config = new VmConfig(string.Empty, null, string.Empty, cpuConfig, Arm64BootLayout.MinimumRam, new SerialConfig(SerialMode.Off), Acpi: false);
            using Arm64VirtMachine machine = Arm64VirtMachine.BuildCore(config, loggers.CreateLogger("parkway"));
            return Report(machine);
        });
        return command;
    }

    private static int Report(Arm64VirtMachine machine)
    {
        int failures = 0;
        IReadOnlyList<CpuSlot> slots = machine.Cpus.Slots;
        Console.WriteLine("slot  socket cluster core thread  mpidr       gicr_typer          affinity    proc  last  check");
        foreach (CpuSlot slot in slots)
        {
            var typer = new GicrTyper(machine.Gic.ReadRedistributorTyper(slot.ArchId));
            bool isLast = slot.Index == slots.Count - 1;
            bool ok = typer.Affinity == GicrTyper.AffinityOf(slot.ArchId)
                && typer.ProcessorNumber == (uint)slot.Index
                && typer.Last == isLast;
            failures += ok ? 0 : 1;
            CpuTopologyIds ids = slot.TopologyIds;
            Console.WriteLine(
                $"{slot.Index,4}  {ids.SocketId,6} {ids.ClusterId,7} {ids.CoreId,4} {ids.ThreadId,6}  0x{slot.ArchId:x8}  0x{typer.Value:x16}  0x{typer.Affinity:x8}  {typer.ProcessorNumber,4}  {(typer.Last ? "yes" : "no"),4}  {(ok ? "ok" : "MISMATCH")}");
        }

        Console.WriteLine($"created vCPUs: {machine.Cpus.CreatedCount}, running vCPU threads: {machine.Cpus.RunningCount}");
        try
        {
            using var late = CpuManager.CreateVcpu(machine.Vm, new Arm64VcpuArchitecture(machine.Vm), slots.Count);
            Console.WriteLine($"late vCPU creation: ACCEPTED by KVM (unexpected: Parkway's model needs KVM to refuse it)");
            failures++;
        }
        catch (ConfigurationException e)
        {
            Console.WriteLine($"late vCPU creation: refused as expected: {e.Message}");
        }

        // virtio devices notify and interrupt through eventfds that KVM watches and writes.
        bool ioeventfd = machine.Vm.CheckExtension(KvmCapability.Ioeventfd) > 0;
        bool irqfd = machine.Vm.CheckExtension(KvmCapability.Irqfd) > 0;
        Console.WriteLine($"virtio eventfds: KVM_CAP_IOEVENTFD {(ioeventfd ? "yes" : "MISSING")}, KVM_CAP_IRQFD {(irqfd ? "yes" : "MISSING")}");
        failures += (ioeventfd ? 0 : 1) + (irqfd ? 0 : 1);

        Console.WriteLine(failures == 0 ? "check-host: all checks passed" : $"check-host: {failures} check(s) FAILED");
        return failures == 0 ? ExitCodes.Success : ExitCodes.Failure;
    }
}
