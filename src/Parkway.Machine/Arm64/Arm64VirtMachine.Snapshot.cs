using Microsoft.Extensions.Logging;
using Parkway.Acpi.Devices;
using Parkway.Acpi.Registers;
using Parkway.Interop;
using Parkway.Machine.Config;
using Parkway.Machine.Cpu;
using Parkway.Machine.Hotplug;
using Parkway.Machine.Memory;
using Parkway.Machine.Snapshot;
using Parkway.Machine.Virtio;

namespace Parkway.Machine.Arm64;

/// <summary>
/// Snapshots of the arm64 virt machine: save (paused) and <see cref="BuildFromSnapshot"/>, which
/// shares <see cref="BuildCore"/> with the normal build (every slot pre-created in the same order,
/// then the vGIC) and loads state where the normal build loads a guest.
/// </summary>
public sealed partial class Arm64VirtMachine : ISnapshotMachine
{
    private MachineSnapshot? _restore;

    /// <inheritdoc />
    public SnapshotSaveResult SaveSnapshot(string path)
    {
        if (Cpus.IsRunning)
        {
            throw new MachineRequestException("the machine must be paused for a snapshot");
        }

        (IReadOnlyList<VcpuRegister> Registers, KvmMpState MpState)[] vcpus =
            Cpus.OnEveryVcpu(static (_, vcpu) => (((ISnapshotVcpu)vcpu).SaveRegisters(), vcpu.GetMpState()));
        var slots = new CpuSlotSnapshot[Cpus.Slots.Count];
        foreach (CpuSlot slot in Cpus.Slots)
        {
            CpuSlotState state = slot.State;
            slots[slot.Index] = new CpuSlotSnapshot(slot.Index, slot.ArchId, state.IsEnabled, state.IsInserting, state.IsRemovePending, state.IsRemoving,
                state.IsPoweredOn, state.DeviceId, state.UnplugRequestedAt, state.LastOst, (uint)vcpus[slot.Index].MpState, vcpus[slot.Index].Registers,
                Hotplug.UnplugDeadlineRemaining(slot.Index));
        }

        GicSnapshot gic = Gic.Save([.. Cpus.Slots.Select(static s => s.ArchId)]);
        LogIdentities();
        AcpiDevicesState? acpi = null;
        if (Ged is not null && _hotplugRegisters is not null)
        {
            (uint selector, byte command, uint[] ost) = _hotplugRegisters.SaveState();
            acpi = new AcpiDevicesState(Ged.PendingEvents, selector, command, ost);
        }

        var snapshot = new MachineSnapshot(SnapshotMachineConfig.From(Config), slots, gic, new DeviceSnapshot(_uart!.SaveState(), acpi, _virtio?.Save() ?? []));
        long written = SnapshotFileWriter.Write(path, MachineSnapshotCodec.Encode(snapshot), Memory.HostAddress, Memory.Size);
        var result = new SnapshotSaveResult(new FileInfo(path).Length, written, Memory.Size, SnapshotFormat.PageSize);
        int plugged = slots.Count(static s => s.IsEnabled);
        SnapshotLog.Saved(_logger, path, slots.Length, plugged, written, Memory.Size);
        return result;
    }

    /// <summary>
    /// Builds the machine a snapshot describes: <paramref name="config"/> carries the snapshot's
    /// shape with this run's host plumbing (serial, QMP). Every slot is created as in a normal build
    /// and its MPIDR checked against the snapshot; then memory, the vGIC, the slots' plug state, the
    /// devices. The vCPU registers are written when <see cref="Run"/> starts: parked slots' from the
    /// starting thread (they have none), plugged slots' on their own threads before they first enter
    /// the guest. A snapshot that does not fit raises <see cref="ConfigurationException"/>.
    /// </summary>
    public static Arm64VirtMachine BuildFromSnapshot(VmConfig config, MachineSnapshot snapshot, SnapshotFileReader file, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(file);
        if (snapshot.Cpus.Count != config.Cpus.Max || file.MemorySize != config.MemoryBytes)
        {
            throw new ConfigurationException($"--incoming: the snapshot is inconsistent ({snapshot.Cpus.Count} CPU slots for max={config.Cpus.Max}, {file.MemorySize} bytes of memory for {config.MemoryBytes})");
        }

        // The devices' host side is given anew on the command line; it must match the snapshot's devices.
        (Stream? serial, VirtioDeviceSet virtio) = OpenHostDevices(config, logger);

        try
        {
            virtio.CheckMatches(snapshot.Devices.Virtio); // before KVM is touched
        }
        catch
        {
            virtio.Dispose();
            serial?.Dispose();
            throw;
        }

        Arm64VirtMachine machine;
        try
        {
            machine = BuildCore(config, logger);
        }
        catch
        {
            virtio.Dispose();
            serial?.Dispose();
            throw;
        }

        try
        {
            if (serial is not null)
            {
                machine.Own(serial);
            }

            machine._virtio = machine.Own(virtio);
            machine.CheckArchIds(snapshot);
            machine.AttachDevices(serial, snapshot.Devices.Virtio);
            GedRegisters? ged = machine.Ged;
            machine.Hotplug = new CpuHotplugController(machine.Cpus, Arm64CpuModel, ged is null ? null : () => ged.Raise(GedEventBits.CpuHotplug));
            file.LoadMemory(machine.Memory.HostAddress);
            StartupTrace.Mark("snapshot memory loaded");
            machine.Gic.Restore(snapshot.InterruptController);
            foreach (CpuSlotSnapshot slot in snapshot.Cpus)
            {
                machine.Cpus.RestoreSlotState(slot);
            }

            machine.RestoreDevices(snapshot.Devices);
            machine.PrepareRebootAfterRestore();
            machine._restore = snapshot;
            return machine;
        }
        catch (Exception e) when (e is SnapshotFormatException or ArgumentException)
        {
            machine.Dispose();
            throw new ConfigurationException($"--incoming: {e.Message}", e);
        }
        catch
        {
            machine.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A restored guest may reboot later, and a reset loads the kernel and initramfs the snapshot's
    /// machine booted from. They are opened now, while files may still be opened (the seccomp
    /// filters forbid it later); when they are gone the machine runs on and a reset ends it.
    /// </summary>
    private void PrepareRebootAfterRestore()
    {
        try
        {
            Arm64Image kernel = Arm64Image.ReadFile(Config.KernelPath);
            Layout = Arm64BootLayout.Compute(kernel, InitrdSize(Config.InitramfsPath), VirtMemoryMap.RamBase, Config.MemoryBytes);
            _payload = Own(BootPayloadFiles.Open(Config.KernelPath, Config.InitramfsPath));
        }
        catch (Exception e) when (e is ConfigurationException or IOException or UnauthorizedAccessException)
        {
            Layout = null;
            SnapshotLog.NoRebootPayload(_logger, e.Message);
        }
    }

    private void CheckArchIds(MachineSnapshot snapshot)
    {
        foreach (CpuSlotSnapshot saved in snapshot.Cpus)
        {
            ulong archId = Cpus.Slots[saved.Index].ArchId;
            if (archId != saved.ArchId)
            {
                throw new ConfigurationException($"--incoming: CPU slot {saved.Index} has MPIDR 0x{archId:x} on this host, the snapshot's is 0x{saved.ArchId:x}");
            }
        }
    }

    private void RestoreDevices(DeviceSnapshot devices)
    {
        _uart!.RestoreState(devices.Uart);
        if ((devices.Acpi is null) != (Ged is null))
        {
            throw new ConfigurationException("--incoming: the snapshot's ACPI devices do not match the machine");
        }

        if (devices.Acpi is { } acpi)
        {
            _hotplugRegisters!.RestoreState(acpi.HotplugSelector, acpi.HotplugCommand, acpi.OstEvents);
            if (acpi.GedPendingEvents != 0)
            {
                // Raised again: the guest reads the event register on the interrupt and handles it.
                Ged!.Raise(acpi.GedPendingEvents);
            }
        }
    }

    /// <summary>Before the vCPU threads start on a restore: closed run gate, so they wait for their registers.</summary>
    private void HoldVcpusForRestore()
    {
        if (_restore is not null)
        {
            Cpus.Pause();
        }
    }

    /// <summary>
    /// After the threads started on a restore: each vCPU's registers and MP state written on its own
    /// thread (parked ones from this thread), then the machine runs.
    /// </summary>
    private void CompleteRestore()
    {
        if (_restore is not { } snapshot)
        {
            return;
        }

        _restore = null;
        LogIdentities();
        Cpus.OnEveryVcpu((slot, vcpu) =>
        {
            CpuSlotSnapshot saved = snapshot.Cpus[slot.Index];
            ((ISnapshotVcpu)vcpu).RestoreRegisters(saved.Registers);
            vcpu.SetMpState((KvmMpState)saved.MpState);
            return true;
        });
        int plugged = snapshot.Cpus.Count(static s => s.IsEnabled);
        SnapshotLog.Restored(_logger, snapshot.Cpus.Count, plugged);
        // The deadlines count guest time from here, as the guest's own clock does.
        Hotplug.RearmRestoredUnplugs([.. snapshot.Cpus.Select(static c => c.UnplugDeadlineRemaining)]);
        _virtio?.ResumeAfterRestore();
        Cpus.Resume();
    }

    /// <summary>Each slot's MPIDR and GICR_TYPER (paused: no vCPU in KVM_RUN), so a save and its restore can be compared.</summary>
    private void LogIdentities()
    {
        if (!_logger.IsEnabled(LogLevel.Information))
        {
            return;
        }

        foreach (CpuSlot slot in Cpus.Slots)
        {
            ulong typer = Gic.ReadRedistributorTyper(slot.ArchId);
            SnapshotLog.Identity(_logger, slot.Index, slot.ArchId, typer);
        }
    }

    private static partial class SnapshotLog
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "snapshot slot {Slot}: MPIDR 0x{Mpidr:x} GICR_TYPER 0x{Typer:x}")]
        public static partial void Identity(ILogger logger, int slot, ulong mpidr, ulong typer);

        [LoggerMessage(Level = LogLevel.Information, Message = "snapshot written to {Path}: {Slots} CPU slots ({Plugged} plugged), {Written} of {Memory} bytes of memory written")]
        public static partial void Saved(ILogger logger, string path, int slots, int plugged, long written, ulong memory);

        [LoggerMessage(Level = LogLevel.Information, Message = "snapshot restored: {Slots} CPU slots ({Plugged} plugged), vCPU registers written on their threads")]
        public static partial void Restored(ILogger logger, int slots, int plugged);
    }

    private static partial class SnapshotLog
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "the restored guest cannot be rebooted in this process (a reset will end it): its kernel or initramfs cannot be loaded: {Reason}")]
        public static partial void NoRebootPayload(ILogger logger, string reason);
    }
}
