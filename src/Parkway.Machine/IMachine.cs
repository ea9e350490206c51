using Parkway.Machine.Config;
using Parkway.Machine.Cpu;
using Parkway.Machine.Devices;
using Parkway.Machine.Hotplug;

namespace Parkway.Machine;

/// <summary>
/// A built virtual machine as the CLI and the control plane see it, whatever the architecture:
/// its CPUs and their slots, CPU hot-plug, the device buses, lifetime, pause/resume, the power
/// button and reset. Arm64: <see cref="Arm64.Arm64VirtMachine"/>. Disposing releases every kernel
/// object the machine owns.
/// </summary>
public interface IMachine : IDisposable
{
    /// <summary>The configuration the machine was built from.</summary>
    VmConfig Config { get; }

    /// <summary>The CPU device type name and the wording of its architecture id.</summary>
    CpuModel CpuModel { get; }

    /// <summary>Every possible CPU slot (plugged or parked).</summary>
    CpuManager Cpus { get; }

    /// <summary>CPU hot-plug as the control plane sees it (device_add/device_del/device_set).</summary>
    CpuHotplugController Hotplug { get; }

    /// <summary>Guest MMIO: a device with a memory-mapped range registers here.</summary>
    MmioBus Mmio { get; }

    /// <summary>Guest port I/O: a device with a port range registers here (empty on arm64).</summary>
    PortIoBus PortIo { get; }

    /// <summary>When and why the machine ends.</summary>
    MachineLifetime Lifetime { get; }

    /// <summary>Exit statistics.</summary>
    ExitCounters Counters { get; }

    /// <summary>True unless paused.</summary>
    bool IsRunning { get; }

    /// <summary>Starts the boot CPUs and blocks until the machine ends.</summary>
    MachineExit Run();

    /// <summary>Stops every vCPU outside the guest (QMP stop); returns once they are.</summary>
    void Pause();

    /// <summary>Lets the vCPUs run again (QMP cont).</summary>
    void Resume();

    /// <summary>Presses the power button; the guest decides what to do. Refused with <see cref="MachineRequestException"/> when the machine has none.</summary>
    void PressPowerButton();

    /// <summary>
    /// Resets the machine (QMP system_reset). Refused with <see cref="MachineRequestException"/> by
    /// a machine that cannot reboot its guest.
    /// </summary>
    void Reset();
}
