using Microsoft.Extensions.Logging;
using Parkway.Interop;
using Parkway.Kvm;
using Parkway.Machine.Cpu;

namespace Parkway.Machine.Arm64;

/// <summary>
/// The per-vCPU features set after the vGIC (virtual PMU, stolen time) and the machine reset
/// (docs/architecture.md, "Reset"): the guest's PSCI SYSTEM_RESET or QMP system_reset reboots the
/// guest in this process, keeping the QMP socket, its clients and the plugged set.
/// </summary>
public sealed partial class Arm64VirtMachine
{
    /// <summary>True when every vCPU has a virtual PMUv3 (the host has KVM_CAP_ARM_PMU_V3).</summary>
    public bool HasPmu { get; private set; }

    /// <summary>True when KVM reports stolen time to the guest (KVM_CAP_STEAL_TIME).</summary>
    public bool HasStolenTime => _stolenTime is not null;

    /// <summary>Times the machine was reset in place.</summary>
    public int ResetCount { get; private set; }

    /// <summary>
    /// After the vGIC's CTRL_INIT (vcpu.rst: the PMU needs an initialised vGIC): the PMU interrupt
    /// and PMU_V3_INIT on every vCPU, and the stolen-time region with each vCPU's structure.
    /// </summary>
    private void SetUpPmuAndStolenTime()
    {
        if (StolenTime.Unavailable(Vm, Config.Cpus.Max) is { } reason)
        {
            Log.StolenTimeSkipped(_logger, reason);
        }
        else
        {
            _stolenTime = Own(StolenTime.Map(Vm, Config.Cpus.Max));
        }

        foreach (CpuSlot slot in Cpus.Slots)
        {
            ConfigureVcpuFeatures(slot);
        }

        Log.VcpuFeatures(_logger, HasPmu, HasStolenTime);
        StartupTrace.Mark("PMU and stolen time set on every vCPU");
    }

    /// <summary>The attributes that follow KVM_ARM_VCPU_INIT (at build, and again after a reset's).</summary>
    private void ConfigureVcpuFeatures(CpuSlot slot)
    {
        if (!HasPmu && _stolenTime is null)
        {
            return;
        }

        KvmVcpu kvm = ((Arm64Vcpu)slot.Vcpu).Kernel;
        if (HasPmu)
        {
            VirtualPmu.Configure(kvm);
        }

        if (_stolenTime is not null)
        {
            StolenTime.Configure(kvm);
        }
    }

    /// <summary>
    /// Resets the machine on the thread in <see cref="Run"/> (never a vCPU thread, no lock held):
    /// vCPU threads stopped and joined; virtio transports, PL011, PL031, GED and CPU hot-plug
    /// registers reset; the vGIC back to its power-on state; every vCPU reset (KVM_ARM_VCPU_INIT, then PMU and stolen time); RAM zeroed
    /// and the boot payload loaded again (kernel, initrd, FDT or EFI handoff + ACPI tables); slot 0
    /// made runnable at the kernel entry; RESET reported; the plugged CPUs' threads started (slot 0
    /// runs, the others wait for the guest's CPU_ON). A failure ends the machine with exit 1.
    /// </summary>
    private void ResetInPlace(ResetCause cause)
    {
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        if (Layout is null || _payload is null)
        {
            // Only a machine restored from a snapshot whose kernel could not be opened (logged then).
            Lifetime.RequestExit(1, "reset failed: the guest's kernel and initramfs were not available when this machine was restored");
            return;
        }

        if (!Cpus.BeginReset())
        {
            Lifetime.RequestExit(1, "reset failed: a vCPU thread did not stop");
            return;
        }

        try
        {
            // Device workers first: nothing may touch RAM or a ring while it is cleared.
            foreach (Parkway.Virtio.Transport.VirtioMmioTransport transport in _virtio?.Transports ?? [])
            {
                transport.Reset();
            }

            _uart?.Reset();
            _rtc?.Reset();
            Ged?.Reset();
            _hotplugRegisters?.Reset();
            // After the devices (a line they lower stays low), before the vCPUs run again: no
            // interrupt pending, active or enabled from the old guest survives into the new one.
            Gic.ResetToPowerOnState();
            Cpus.ResetVcpus(ConfigureVcpuFeatures);
            Memory.ZeroAll();
            LoadGuest(Layout!);
            Cpus.Slots[0].Vcpu.SetMpState(KvmMpState.Runnable);
        }
        catch (Exception e) when (e is KvmException or IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            Log.ResetFailed(_logger, e.Message);
            Lifetime.RequestExit(1, $"reset failed: {e.Message}");
            Cpus.EndReset();
            return;
        }

        ResetCount++;
        string who = cause == ResetCause.Guest ? "the guest" : "QMP system_reset";
        int plugged = Cpus.Slots.Count(static s => s.IsEnabled);
        double ms = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        Log.ResetDone(_logger, who, plugged, ms);
        Lifetime.ReportReset(cause);
        Cpus.EndReset();
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Debug, Message = "stolen time not offered: {Reason}")]
        public static partial void StolenTimeSkipped(ILogger logger, string reason);

        [LoggerMessage(Level = LogLevel.Debug, Message = "vCPU features: PMUv3 {Pmu}, stolen time {StolenTime}")]
        public static partial void VcpuFeatures(ILogger logger, bool pmu, bool stolenTime);

        [LoggerMessage(Level = LogLevel.Information, Message = "machine reset (asked by {Who}): {Plugged} plugged CPU(s) kept, guest reloaded in {Ms:F1} ms")]
        public static partial void ResetDone(ILogger logger, string who, int plugged, double ms);

        [LoggerMessage(Level = LogLevel.Error, Message = "machine reset failed: {Message}")]
        public static partial void ResetFailed(ILogger logger, string message);
    }
}
