using Microsoft.Extensions.Logging;
using Parkway.Machine.Arm64;
using Parkway.Machine.Config;

namespace Parkway.Machine;

/// <summary>Builds the machine for a configuration: the one place that picks an architecture.</summary>
public static class MachineFactory
{
    /// <summary>
    /// Validates <paramref name="config"/>, builds the machine and loads the guest. The arm64
    /// <c>virt</c> machine is the only one so far; on any other host it fails with the same
    /// KVM capability errors as before (the guest kernel is checked first).
    /// </summary>
    public static IMachine Build(VmConfig config, ILogger logger) => Arm64VirtMachine.Build(config, logger);

    /// <summary>
    /// Builds the machine a snapshot describes (the same pre-creation path as <see cref="Build"/>),
    /// with <paramref name="config"/>'s host plumbing; the guest resumes when it runs.
    /// </summary>
    public static IMachine BuildFromSnapshot(VmConfig config, Snapshot.MachineSnapshot snapshot, Snapshot.SnapshotFileReader file, ILogger logger) =>
        Arm64VirtMachine.BuildFromSnapshot(config, snapshot, file, logger);
}
