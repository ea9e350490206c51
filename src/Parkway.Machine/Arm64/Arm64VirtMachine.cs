using Microsoft.Extensions.Logging;
using Parkway.Acpi;
using Parkway.Acpi.Devices;
using Parkway.Acpi.Registers;
using Parkway.Kvm;
using Parkway.Kvm.Arm64;
using Parkway.Machine.Config;
using Parkway.Machine.Cpu;
using Parkway.Machine.Devices;
using Parkway.Machine.Hotplug;
using Parkway.Machine.Memory;
using Parkway.Machine.Virtio;
using Parkway.Virtio.Description;
using Parkway.Virtio.Diagnostics;

namespace Parkway.Machine.Arm64;

/// <summary>
/// The arm64 virt machine: builds the VM in the order KVM and the GICv3 demand (every possible vCPU,
/// then the vGIC sized for all of them, then CTRL_INIT), loads the guest, and runs it until it
/// powers off. Owns every kernel object of the VM; disposing releases them in reverse order.
/// </summary>
public sealed partial class Arm64VirtMachine : IMachine
{
    private readonly List<IDisposable> _owned = [];
    private readonly ILogger _logger;
    private Pl011Uart? _uart;
    private Pl031Rtc? _rtc;
    // The kernel and initramfs, open for the machine's life: a reset reloads from them (no open() under seccomp).
    private BootPayloadFiles? _payload;
    private CpuHotplugRegisters? _hotplugRegisters;
    private VirtioDeviceSet? _virtio;
    private StolenTime? _stolenTime;

    private Arm64VirtMachine(VmConfig config, ILogger logger)
    {
        Config = config;
        _logger = logger;
    }

    /// <summary>The arm64 CPU model: QEMU's type name for KVM's host CPU, ids are MPIDRs.</summary>
    public static readonly CpuModel Arm64CpuModel = new(CpuTypeName, "MPIDR");

    /// <inheritdoc />
    public VmConfig Config { get; }

    /// <inheritdoc />
    public CpuModel CpuModel => Arm64CpuModel;

    /// <inheritdoc />
    public CpuManager Cpus { get; private set; } = null!;

    /// <summary>The interrupt controller.</summary>
    public VgicV3 Gic { get; private set; } = null!;

    /// <summary>The VM.</summary>
    public KvmVm Vm { get; private set; } = null!;

    /// <summary>Guest RAM.</summary>
    public GuestMemory Memory { get; private set; } = null!;

    /// <inheritdoc />
    public MmioBus Mmio { get; } = new();

    /// <inheritdoc />
    /// <remarks>arm64 has no port I/O: the bus stays empty.</remarks>
    public PortIoBus PortIo { get; } = new();

    /// <inheritdoc />
    public MachineLifetime Lifetime { get; } = new();

    /// <inheritdoc />
    public ExitCounters Counters { get; } = new();

    /// <summary>True when PSCI CPU_ON/CPU_OFF reach Parkway (KVM's SMCCC filter is installed).</summary>
    public bool ForwardsPsci { get; private set; }

    /// <summary>The Generic Event Device (ACPI boot only).</summary>
    public GedRegisters? Ged { get; private set; }

    /// <summary>The ACPI tables the guest was given (ACPI boot only).</summary>
    public AcpiTableSet? AcpiTables { get; private set; }

    /// <inheritdoc />
    /// <remarks>Exists once the guest is loaded (<see cref="Build"/>), not after <see cref="BuildCore"/> alone.</remarks>
    public CpuHotplugController Hotplug { get; private set; } = null!;

    /// <summary>The arm64 CPU device type name (QEMU's for KVM's host CPU model).</summary>
    public const string CpuTypeName = "host-arm-cpu";

    /// <summary>Where the boot pieces were placed.</summary>
    public Arm64BootLayout? Layout { get; private set; }

    /// <summary>
    /// Builds the machine without a guest: VM, every vCPU, the vGIC. Used by <see cref="Build"/>
    /// and by diagnostics that inspect the CPU slots.
    /// </summary>
    public static Arm64VirtMachine BuildCore(VmConfig config, ILogger logger)
    {
        var machine = new Arm64VirtMachine(config, logger);
        try
        {
            machine.CreateVmAndCpus();
            return machine;
        }
        catch
        {
            machine.Dispose();
            throw;
        }
    }

    /// <summary>Validates the configuration, builds the machine and loads the guest.</summary>
    public static Arm64VirtMachine Build(VmConfig config, ILogger logger)
    {
        // Everything the user can get wrong is checked before KVM is touched.
        Arm64Image kernel = Arm64Image.ReadFile(config.KernelPath);
        ulong initrdSize = InitrdSize(config.InitramfsPath);
        if (config.MemoryBytes > VirtMemoryMap.RamLimit - VirtMemoryMap.RamBase)
        {
            throw new ConfigurationException($"--memory {SizeParser.Format(config.MemoryBytes)} is too large for the arm64 virt memory map (at most {SizeParser.Format(VirtMemoryMap.RamLimit - VirtMemoryMap.RamBase)})");
        }

        Arm64BootLayout layout = Arm64BootLayout.Compute(kernel, initrdSize, VirtMemoryMap.RamBase, config.MemoryBytes);
        (Stream? serial, VirtioDeviceSet virtio) = OpenHostDevices(config, logger);

        StartupTrace.Mark("configuration checked (kernel header, layout, serial, device backends)");
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
            machine.Layout = layout;
            if (serial is not null)
            {
                machine.Own(serial);
            }

            // Owned after the VM and the serial stream, so disposed before both: device workers
            // are joined while the console can still take their output and the VM fd is open.
            machine._virtio = machine.Own(virtio);
            machine.AttachDevices(serial);
            GedRegisters? ged = machine.Ged;
            machine.Hotplug = new CpuHotplugController(machine.Cpus, Arm64CpuModel, ged is null ? null : () => ged.Raise(GedEventBits.CpuHotplug));
            StartupTrace.Mark("devices attached");
            machine.LoadGuest(layout);
            StartupTrace.Mark("guest loaded (kernel, initrd, boot data, registers)");
            return machine;
        }
        catch
        {
            machine.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public MachineExit Run()
    {
        var architecture = new Arm64ExitHandler(ForwardsPsci ? new PsciHandler(Cpus, _logger) : null, new GuestErrorLog(_logger, VirtioDeviceSet.GuestErrorInterval));
        var handler = new VcpuExitDispatcher(Mmio, PortIo, Lifetime, Counters, architecture, _logger);
        HoldVcpusForRestore();
        Cpus.Start(handler, (slot, error) =>
        {
            Log.VcpuFailed(_logger, slot.Index, error.Message);
            Lifetime.RequestExit(1, $"vCPU {slot.Index} failed: {error.Message}");
        });
        CompleteRestore();
        MachineExit? exit;
        while ((exit = Lifetime.WaitForExitOrReset(out ResetCause reset)) is null)
        {
            ResetInPlace(reset);
        }

        // vCPUs first (no guest can touch a device register or ring any more), then the device
        // workers, then the console is drained.
        Cpus.StopAll();
        _virtio?.StopWorkers();
        _uart?.Flush();
        Log.Stopped(_logger, exit.Reason, Counters);
        return exit;
    }

    /// <inheritdoc />
    /// <remarks>
    /// As QEMU stops a VM: the vCPUs first (no guest can kick a queue any more), then each device
    /// worker after its current request, its held buffers back in the rings, so a paused machine's
    /// memory and rings do not change under a snapshot.
    /// </remarks>
    public void Pause()
    {
        Cpus.Pause();
        _virtio?.StopWorkers();
    }

    /// <inheritdoc />
    public void Resume()
    {
        _virtio?.ResumeWorkers();
        Cpus.Resume();
    }

    /// <inheritdoc />
    public bool IsRunning => Cpus.IsRunning;

    /// <inheritdoc />
    /// <remarks>The ACPI power button (GED power-down event); without ACPI there is none.</remarks>
    public void PressPowerButton()
    {
        if (Ged is null)
        {
            throw new MachineRequestException("system_powerdown needs the ACPI power button: boot the guest with --acpi on");
        }

        Ged.Raise(GedEventBits.PowerDown);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Asynchronous, like QEMU's: the request is handed to the thread in <see cref="Run"/>, which
    /// resets the machine (Arm64VirtMachine.Reset.cs) and raises <see cref="MachineLifetime.ResetDone"/>;
    /// with <c>--on-reset exit</c> the machine ends instead.
    /// </remarks>
    public void Reset() => Lifetime.RequestReset(ResetCause.HostQmpSystemReset);

    /// <inheritdoc />
    public void Dispose()
    {
        for (int i = _owned.Count - 1; i >= 0; i--)
        {
            _owned[i].Dispose();
        }

        _owned.Clear();
    }

    /// <summary>The virtio-mmio slots in use.</summary>
    public IReadOnlyList<VirtioMmioSlot> VirtioSlots => _virtio?.Slots ?? [];

    /// <summary>The virtio devices (empty set when none were configured).</summary>
    public VirtioDeviceSet? VirtioDevices => _virtio;

    private static ulong InitrdSize(string? path)
    {
        if (path is null)
        {
            return 0;
        }

        if (!File.Exists(path))
        {
            throw new ConfigurationException($"--initramfs: file not found: {path}");
        }

        return (ulong)new FileInfo(path).Length;
    }

    private T Own<T>(T resource)
        where T : IDisposable
    {
        _owned.Add(resource);
        return resource;
    }

    private void CreateVmAndCpus()
    {
        KvmSystem kvm = Own(KvmSystem.Open());
        Arm64HostChecks.CheckSystem(kvm, Config.Cpus);
        Vm = Own(kvm.CreateVm());
        Arm64HostChecks.CheckVm(Vm);
        InstallPsciPolicy();
        // Without it, one load pair on a device register fails KVM_RUN and so ends the VM.
        Vm.EnableNisvExits();
        StartupTrace.Mark("VM created (capabilities checked, SMCCC filter)");

        Memory = Own(new GuestMemory(VirtMemoryMap.RamBase, Config.MemoryBytes));
        // Boot data (FDT, EFI and ACPI tables: tens of KiB) takes the top 2 MiB of RAM; as a huge
        // page it alone would add 2 MiB to the VMM's RSS (docs/performance.md, promise 5).
        Memory.UseSmallPages(Memory.EndAddress - Arm64BootLayout.BootDataSize, Arm64BootLayout.BootDataSize);
        Vm.SetUserMemoryRegion(0, Memory.BaseAddress, Memory.Size, Memory.HostAddress);
        StartupTrace.Mark("guest RAM mapped");

        // The order is the point of Parkway: all possible vCPUs first, then the vGIC for all of them.
        HasPmu = VirtualPmu.IsSupported(Vm);
        Cpus = Own(CpuManager.CreateAll(Vm, Config.Cpus, new Arm64VcpuArchitecture(Vm, HasPmu), _logger));
        StartupTrace.Mark("every possible vCPU created");
        Gic = Own(VgicV3.Create(Vm, VirtMemoryMap.RedistributorRegions(Config.Cpus.Max), 32 + VirtMemoryMap.SpiCount));
        Gic.Initialize();
        StartupTrace.Mark("vGIC created and initialised");
        SetUpPmuAndStolenTime();
        // Before any vCPU runs: what a reset writes back (VgicV3.Reset.cs).
        Gic.RecordPowerOnState([.. Cpus.Slots.Select(static s => s.ArchId)]);
        StartupTrace.Mark("vGIC power-on state recorded");
    }

    private void InstallPsciPolicy()
    {
        if (SmcccFilter.IsSupported(Vm))
        {
            SmcccFilter.ForwardCpuPowerCalls(Vm);
            ForwardsPsci = true;
        }
        else if (Config.Cpus.Max > Config.Cpus.Boot || Config.Cpus.HotpluggableBoot)
        {
            // Without the filter KVM's in-kernel PSCI would start a parked vCPU that no thread runs.
            throw new ConfigurationException(
                $"--cpus: max={Config.Cpus.Max} above boot={Config.Cpus.Boot} needs KVM's SMCCC filter (KVM_ARM_VM_SMCCC_FILTER, host Linux 6.4 or later) to refuse PSCI CPU_ON for unplugged CPUs; this host's KVM lacks it, so use max={Config.Cpus.Boot}");
        }
    }

    private void AttachAcpiDevices()
    {
        // Whatever a guest writes is hostile: each kind of refused access is logged at most once per
        // interval per block, so a guest looping over bad accesses cannot flood the host's log.
        var guestErrors = new GuestErrorLog(_logger, VirtioDeviceSet.GuestErrorInterval);
        var gedLine = new SpiLine(Vm, VirtMemoryMap.GedSpi);
        Ged = new GedRegisters(gedLine.Pulse);
        Ged.ReportTo(guestErrors);
        Mmio.Register(VirtMemoryMap.GedBase, VirtMemoryMap.GedSize, new GedDevice(Ged));

        var hotplug = _hotplugRegisters = new CpuHotplugRegisters(new CpuHotplugBackend(Cpus));
        hotplug.ReportTo(guestErrors);
        Mmio.Register(VirtMemoryMap.CpuHotplugBase, VirtMemoryMap.CpuHotplugSize, new CpuHotplugDevice(hotplug));
    }

    /// <summary>
    /// The --serial destination and the virtio devices' host side (images, taps, sockets), opened
    /// before KVM is touched, by a normal build and by a restore alike; nothing stays open on failure.
    /// </summary>
    private static (Stream? Serial, VirtioDeviceSet Virtio) OpenHostDevices(VmConfig config, ILogger logger)
    {
        Stream? serial = OpenSerial(config.Serial);
        // A virtio console shares the --serial destination with the PL011 from its own thread.
        if (serial is not null && config.VirtioDevices.Console == ConsoleDevice.Virtio)
        {
            serial = Stream.Synchronized(serial);
        }

        try
        {
            return (serial, VirtioDeviceSet.Open(config.VirtioDevices, serial, logger, OpenConsoleInput(config)));
        }
        catch
        {
            serial?.Dispose();
            throw;
        }
    }

    private static Stream? OpenSerial(SerialConfig serial) => serial.Mode switch
    {
        SerialMode.Stdio => Console.OpenStandardOutput(),
        SerialMode.File => OpenSerialFile(serial.Path!),
        _ => null,
    };

    /// <summary>
    /// Parkway's standard input feeds the virtio console when the console is on the terminal
    /// (--serial stdio). The PL011 has no receive side, so with --console pl011 input is unused.
    /// </summary>
    private static Stream? OpenConsoleInput(VmConfig config) =>
        config.Serial.Mode == SerialMode.Stdio && config.VirtioDevices.Console == ConsoleDevice.Virtio
            ? StandardInput.Open()
            : null;

    private void AttachDevices(Stream? serial, IReadOnlyList<Snapshot.VirtioDeviceSnapshot>? virtioRestore = null)
    {
        if (Config.Acpi)
        {
            AttachAcpiDevices();
        }

        _uart = Own(new Pl011Uart(serial, new SpiLine(Vm, VirtMemoryMap.UartSpi)));
        _uart.OutputFailed += message => Log.ConsoleOutputFailed(_logger, message);
        Mmio.Register(VirtMemoryMap.UartBase, VirtMemoryMap.UartSize, _uart);
        _rtc = Own(new Pl031Rtc(new SpiLine(Vm, VirtMemoryMap.RtcSpi)));
        _rtc.Rejected += message => Log.GuestRegisterWriteIgnored(_logger, "PL031", message);
        Mmio.Register(VirtMemoryMap.RtcBase, VirtMemoryMap.RtcSize, _rtc);
        _virtio?.Attach(Vm, Memory, Mmio, virtioRestore);
    }

    private static FileStream OpenSerialFile(string path)
    {
        try
        {
            // Unbuffered: the UART already writes whole lines, and a FileStream buffer would be
            // flushed again at dispose, where a full disk would turn into a failed exit.
            return new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, bufferSize: 0);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigurationException($"--serial: cannot open {path}: {e.Message}", e);
        }
    }

    private void LoadGuest(Arm64BootLayout layout)
    {
        _payload ??= Own(BootPayloadFiles.Open(Config.KernelPath, Config.InitramfsPath));
        Memory.LoadFile(_payload.Kernel, layout.KernelAddress);
        if (_payload.Initramfs is { } initramfs)
        {
            Memory.LoadFile(initramfs, layout.InitrdAddress);
        }

        if (Config.Acpi)
        {
            AcpiPlatform platform = Arm64AcpiDescription.Describe(Config.Cpus, [.. Cpus.Slots.Select(static s => s.ArchId)], VirtioSlots, HasPmu);
            AcpiTables = Arm64AcpiBoot.Write(Memory, layout, platform, Config.Cmdline);
        }
        else
        {
            WriteDeviceTree(layout);
        }

        // booting.rst: x0 = physical address of the DTB, x1..x3 = 0, EL1h with DAIF masked.
        IVcpu boot = Cpus.Slots[0].Vcpu;
        boot.SetRegister(Arm64Registers.Pc, layout.KernelAddress);
        boot.SetRegister(Arm64Registers.X(0), layout.FdtAddress);
        boot.SetRegister(Arm64Registers.Pstate, Arm64Registers.PstateEl1hAllMasked);
        Log.Loaded(_logger, layout.KernelAddress, layout.InitrdAddress, layout.InitrdSize, layout.FdtAddress);
    }

    private void WriteDeviceTree(Arm64BootLayout layout)
    {
        byte[] fdt = VirtDeviceTree.Build(new VirtDeviceTree.Inputs(
            Memory.BaseAddress,
            Memory.Size,
            [.. Cpus.Slots.Where(static s => s.IsBootCpu)],
            VirtMemoryMap.RedistributorRegions(Config.Cpus.Max),
            Config.Cmdline,
            layout.InitrdAddress,
            layout.InitrdSize,
            [.. VirtioSlots.Select(VirtioMmioDeviceTreeNode.For)],
            HasPmu));
        if ((ulong)fdt.Length > Arm64BootLayout.FdtMaxSize)
        {
            throw new InvalidOperationException($"device tree of {fdt.Length} bytes exceeds its {Arm64BootLayout.FdtMaxSize}-byte slot");
        }

        Memory.Write(layout.FdtAddress, fdt);
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "kernel at 0x{Kernel:x}, initrd at 0x{Initrd:x} ({InitrdSize} bytes), FDT at 0x{Fdt:x}")]
        public static partial void Loaded(ILogger logger, ulong kernel, ulong initrd, ulong initrdSize, ulong fdt);

        [LoggerMessage(Level = LogLevel.Warning, Message = "guest access to the {Device} registers refused: {Message}")]
        public static partial void GuestRegisterWriteIgnored(ILogger logger, string device, string message);

        [LoggerMessage(Level = LogLevel.Warning, Message = "guest console output failed ({Message}); the guest keeps running, lines that cannot be written are dropped (reported at most once a minute)")]
        public static partial void ConsoleOutputFailed(ILogger logger, string message);

        [LoggerMessage(Level = LogLevel.Error, Message = "vCPU {Slot} failed: {Message}")]
        public static partial void VcpuFailed(ILogger logger, int slot, string message);

        [LoggerMessage(Level = LogLevel.Information, Message = "machine stopped ({Reason}); exits: {Counters}")]
        public static partial void Stopped(ILogger logger, string reason, ExitCounters counters);
    }
}
