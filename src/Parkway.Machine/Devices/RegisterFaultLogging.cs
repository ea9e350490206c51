using Parkway.Acpi.Registers;
using Parkway.Virtio.Diagnostics;

namespace Parkway.Machine.Devices;

/// <summary>
/// Sends the ACPI register blocks' refused accesses to the machine's rate-limited guest error log,
/// keyed by (block, <see cref="RegisterFaultKind"/>): a guest that loops over bad accesses gets one
/// line per kind per interval, not one per access (issue 10: before this, every refused access was
/// a log line, so a hostile guest could fill the host's disk at MMIO speed).
/// </summary>
public static class RegisterFaultLogging
{
    /// <summary>The device name the CPU hotplug block's lines carry.</summary>
    public const string CpuHotplugDevice = "CPU hotplug";

    /// <summary>The device name the GED's lines carry.</summary>
    public const string GedDevice = "GED";

    /// <summary>Reports every access <paramref name="registers"/> refuses to <paramref name="log"/>.</summary>
    public static void ReportTo(this CpuHotplugRegisters registers, GuestErrorLog log)
    {
        ArgumentNullException.ThrowIfNull(registers);
        ArgumentNullException.ThrowIfNull(log);
        registers.Rejected += fault => log.Report(CpuHotplugDevice, fault.Kind.ToString(), fault.Detail);
    }

    /// <summary>Reports every access <paramref name="ged"/> refuses to <paramref name="log"/>.</summary>
    public static void ReportTo(this GedRegisters ged, GuestErrorLog log)
    {
        ArgumentNullException.ThrowIfNull(ged);
        ArgumentNullException.ThrowIfNull(log);
        ged.Rejected += fault => log.Report(GedDevice, fault.Kind.ToString(), fault.Detail);
    }
}
