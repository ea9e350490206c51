using Microsoft.Extensions.Logging;
using Parkway.Kvm;
using Parkway.Machine.Config;
using Parkway.Machine.Devices;
using Parkway.Machine.Memory;
using Parkway.Machine.Snapshot;
using Parkway.Virtio.Description;
using Parkway.Virtio.Devices;
using Parkway.Virtio.Devices.Block;
using Parkway.Virtio.Devices.Console;
using Parkway.Virtio.Devices.Net;
using Parkway.Virtio.Devices.Rng;
using Parkway.Virtio.Devices.Vsock;
using Parkway.Virtio.Diagnostics;
using Parkway.Virtio.Events;
using Parkway.Virtio.Transport;
using Parkway.Virtio.Wiring;

namespace Parkway.Machine.Virtio;

/// <summary>
/// The machine's virtio-mmio devices, from their host backends to their KVM wiring.
/// <para>Life cycle: <see cref="Open"/> checks and opens every backend (disk images, taps) before
/// KVM is touched, so user mistakes stay exit-2 errors; <see cref="Attach"/> creates one transport
/// per device in QEMU virt's slots (disks, then NICs, then the console, the rng, the vsock), registers
/// each queue's notification eventfd with KVM_IOEVENTFD (data match on QueueNotify) and the
/// slot's interrupt eventfd with KVM_IRQFD, and puts the register window on the MMIO bus. A
/// transport starts its worker thread when the guest sets DRIVER_OK.</para>
/// <para>Ownership: this set owns every backend fd (disk images, taps, the console's input queue
/// and its eventfd, the vsock device with its listening socket and streams), every transport
/// (which owns its queue eventfds and joins its worker) and every interrupt eventfd.
/// <see cref="Dispose"/> runs after the vCPU threads are joined (the machine stops them first)
/// and while the VM fd is still open: workers joined, KVM registrations removed, eventfds
/// closed, backends closed (after their transports: a backend's fds are polled by the worker),
/// each once.</para>
/// </summary>
public sealed class VirtioDeviceSet : IDisposable
{
    /// <summary>How often one kind of guest mistake may be logged per device.</summary>
    public static readonly TimeSpan GuestErrorInterval = TimeSpan.FromSeconds(10);

    private readonly List<PendingDevice> _pending;
    private readonly List<AttachedDevice> _attached = [];
    private readonly GuestErrorLog _log;
    private readonly (ConsoleInput Queue, Stream Source)? _consoleInput;
    private IKvmEventfdRegistrar? _kvm;
    private bool _disposed;

    private VirtioDeviceSet(List<PendingDevice> pending, GuestErrorLog log, (ConsoleInput, Stream)? consoleInput)
    {
        _pending = pending;
        _log = log;
        _consoleInput = consoleInput;
    }

    /// <summary>Name of the thread that copies host input into the virtio console's queue.</summary>
    public const string ConsoleInputThreadName = "console-input";

    /// <summary>The slots in use, in order (for the FDT and the DSDT).</summary>
    public IReadOnlyList<VirtioMmioSlot> Slots => [.. _pending.Select(static (_, i) => VirtioMmioSlot.QemuVirt(i))];

    /// <summary>The attached transports (after <see cref="Attach"/>), in slot order.</summary>
    public IReadOnlyList<VirtioMmioTransport> Transports => [.. _attached.Select(static a => a.Transport)];

    /// <summary>
    /// Opens every backend <paramref name="config"/> names. A virtio console writes to
    /// <paramref name="consoleOutput"/> (the --serial destination; null discards) and reads
    /// <paramref name="consoleInput"/> (null: no input), through a bounded queue that a thread
    /// started by <see cref="Attach"/> fills. The vsock device starts listening on its socket
    /// here, so a path that cannot be bound is still the user's mistake.
    /// Throws <see cref="VirtioConfigurationException"/> for the user's mistakes.
    /// </summary>
    public static VirtioDeviceSet Open(DeviceConfig config, Stream? consoleOutput, ILogger logger, Stream? consoleInput = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        var log = new GuestErrorLog(logger, GuestErrorInterval);
        var pending = new List<PendingDevice>();
        (ConsoleInput, Stream)? input = null;
        try
        {
            int count = config.Disks.Count + config.Nets.Count + (config.Console == ConsoleDevice.Virtio ? 1 : 0) + (config.Rng ? 1 : 0)
                + (config.Vsock is null ? 0 : 1);
            if (count > VirtioMmioSlot.Count)
            {
                throw new VirtioConfigurationException($"too many virtio devices: {count} (the virt machine has {VirtioMmioSlot.Count} virtio-mmio slots)");
            }

            for (int i = 0; i < config.Disks.Count; i++)
            {
                BlockDiskOptions disk = config.Disks[i];
                BlockOptionsParser.CheckImage(disk);
                var backend = RawFileBackend.Open(disk.Path, disk.ReadOnly);
                pending.Add(new PendingDevice(new VirtioBlockDevice(disk.Id ?? $"virtio-blk{i}", disk, backend, log), backend));
            }

            for (int i = 0; i < config.Nets.Count; i++)
            {
                NetOptions net = config.Nets[i];
                TapBackend tap = TapBackend.Open(net.Tap);
                pending.Add(new PendingDevice(new VirtioNetDevice(net.Id ?? $"virtio-net{i}", net.Mac ?? MacAddress.Default(i), tap, log, net.Tap), tap));
            }

            if (config.Console == ConsoleDevice.Virtio)
            {
                ConsoleInput? queue = null;
                if (consoleInput is not null)
                {
                    queue = new ConsoleInput();
                    input = (queue, consoleInput);
                }

                pending.Add(new PendingDevice(new VirtioConsoleDevice("virtio-console", consoleOutput ?? Stream.Null, queue, log), queue));
            }

            if (config.Rng)
            {
                pending.Add(new PendingDevice(new VirtioRngDevice("virtio-rng", log), null));
            }

            if (config.Vsock is { } vsock)
            {
                VsockOptionsParser.CheckSocketPath(vsock);
                // The device is its own backend: disposing it closes its sockets and deletes PATH.
                var device = new VirtioVsockDevice("virtio-vsock0", vsock, log);
                pending.Add(new PendingDevice(device, device));
            }

            return new VirtioDeviceSet(pending, log, input);
        }
        catch
        {
            foreach (PendingDevice device in pending)
            {
                device.Backend?.Dispose();
            }

            throw;
        }
    }

    /// <summary>
    /// Creates the transports over <paramref name="memory"/>, wires their eventfds into
    /// <paramref name="vm"/> and maps their windows on <paramref name="bus"/>. Once, before the
    /// first KVM_RUN. With <paramref name="restore"/> (a snapshot's devices, which must be the
    /// ones this set was opened with: <see cref="CheckMatches"/>) each transport is rebuilt from
    /// its record with its worker held until <see cref="ResumeAfterRestore"/>.
    /// </summary>
    public void Attach(KvmVm vm, GuestMemory memory, MmioBus bus, IReadOnlyList<VirtioDeviceSnapshot>? restore = null)
    {
        ArgumentNullException.ThrowIfNull(vm);
        ArgumentNullException.ThrowIfNull(bus);
        if (restore is not null)
        {
            CheckMatches(restore);
        }

        if (_pending.Count == 0)
        {
            return;
        }

        CheckEventfdSupport(vm);
        _kvm = new KvmVmEventfdRegistrar(vm);
        var view = new GuestMemoryView(memory);
        for (int i = 0; i < _pending.Count; i++)
        {
            VirtioMmioSlot slot = VirtioMmioSlot.QemuVirt(i);
            EventFd interrupt = EventFd.Create();
            VirtioMmioTransport transport;
            try
            {
                transport = restore is null
                    ? new VirtioMmioTransport(_pending[i].Device, view, interrupt, _log)
                    : RestoreTransport(_pending[i].Device, view, interrupt, restore[i]);
            }
            catch
            {
                interrupt.Dispose();
                throw;
            }

            var attached = new AttachedDevice(slot, transport, interrupt);
            _attached.Add(attached);
            VirtioMmioEventfdWiring.Wire(_kvm, slot, transport, interrupt);
            attached.Wired = true;
            bus.Register(slot.BaseAddress, VirtioMmioSlot.WindowSize, new VirtioMmioBusDevice(transport));
        }

        // Host input starts flowing only once the console exists for the guest. The pump blocks
        // when the queue is full, so a guest that posts no receive buffers stops the reading.
        _consoleInput?.Queue.StartPump(_consoleInput.Value.Source, ConsoleInputThreadName);
    }

    /// <summary>
    /// KVM_CAP_IOEVENTFD and KVM_CAP_IRQFD: without them no device can be wired, so say which one
    /// is missing instead of failing on the first ioctl.
    /// </summary>
    public static void CheckEventfdSupport(KvmVm vm)
    {
        ArgumentNullException.ThrowIfNull(vm);
        if (vm.CheckExtension(Parkway.Interop.KvmCapability.Ioeventfd) == 0)
        {
            throw new KvmUnavailableException("virtio devices need KVM_IOEVENTFD, which this host's KVM lacks (KVM_CAP_IOEVENTFD)", 0);
        }

        if (vm.CheckExtension(Parkway.Interop.KvmCapability.Irqfd) == 0)
        {
            throw new KvmUnavailableException("virtio devices need KVM_IRQFD, which this host's KVM lacks (KVM_CAP_IRQFD)", 0);
        }
    }

    /// <summary>
    /// Stops every device worker after its current request and joins it, and has each device give
    /// back what it held between requests (the machine calls this once its vCPU threads are
    /// stopped: at a pause, a snapshot, the end). Idempotent.
    /// </summary>
    public void StopWorkers()
    {
        foreach (AttachedDevice device in _attached)
        {
            device.Transport.Pause();
        }
    }

    /// <summary>Starts the workers <see cref="StopWorkers"/> stopped (a paused machine resumes).</summary>
    public void ResumeWorkers()
    {
        foreach (AttachedDevice device in _attached)
        {
            device.Transport.Resume();
        }
    }

    /// <summary>
    /// Every device's records for a snapshot, in slot order. The workers are stopped first (if the
    /// pause has not done it already), so no request is half done and the rings are a clean cut.
    /// </summary>
    public IReadOnlyList<VirtioDeviceSnapshot> Save()
    {
        StopWorkers();
        return [.. _attached.Select(static a => new VirtioDeviceSnapshot(a.Transport.Device.SaveState(), a.Transport.OfferedFeatures, a.Transport.SaveState()))];
    }

    /// <summary>
    /// A restore's devices go live once the guest's memory, interrupt controller and vCPUs are
    /// back: a vsock device first tells the guest its connections are gone (transport reset),
    /// then every worker starts and serves what the rings hold.
    /// </summary>
    public void ResumeAfterRestore()
    {
        foreach (AttachedDevice device in _attached)
        {
            (device.Transport.Device as VirtioVsockDevice)?.RequestTransportReset();
        }

        ResumeWorkers();
    }

    /// <summary>
    /// Refuses (<see cref="ConfigurationException"/>) a restore whose command line does not give
    /// the snapshot's devices: the same kinds in the same order, and what the guest sees of each
    /// the same (disk size, read-only, serial; MAC; vsock CID; the features offered). The host
    /// side (image path, tap, socket path) may differ: it is given anew.
    /// </summary>
    public void CheckMatches(IReadOnlyList<VirtioDeviceSnapshot> saved)
    {
        ArgumentNullException.ThrowIfNull(saved);
        string Describe(IEnumerable<VirtioDeviceType> kinds) => kinds.Any() ? string.Join(", ", kinds) : "none";
        VirtioDeviceType[] savedKinds = [.. saved.Select(static d => VirtioSnapshotCodec.KindOf(d.Device))];
        VirtioDeviceType[] givenKinds = [.. _pending.Select(static p => p.Device.DeviceType)];
        if (!savedKinds.SequenceEqual(givenKinds))
        {
            throw new ConfigurationException($"--incoming: the snapshot's virtio devices are [{Describe(savedKinds)}], the command line gives [{Describe(givenKinds)}]; give the same --disk/--net/--console/--rng/--vsock options in the same order");
        }

        for (int i = 0; i < saved.Count; i++)
        {
            IVirtioDevice device = _pending[i].Device;
            string? difference = (saved[i].Device, device.SaveState()) switch
            {
                (BlockDeviceState was, BlockDeviceState now) when was.CapacitySectors != now.CapacitySectors =>
                    $"disk {now.Path} has {now.CapacitySectors} sectors, the saved disk ({was.Path}) {was.CapacitySectors}",
                (BlockDeviceState was, BlockDeviceState now) when was.ReadOnly != now.ReadOnly =>
                    $"disk {now.Path} is {(now.ReadOnly ? "read-only" : "writable")}, the saved disk was not",
                (BlockDeviceState was, BlockDeviceState now) when was.Serial != now.Serial =>
                    $"disk {now.Path} has serial '{now.Serial}', the saved disk '{was.Serial}'",
                (NetDeviceState was, NetDeviceState now) when was.Mac != now.Mac =>
                    $"NIC {i} has MAC {now.Mac}, the saved NIC {was.Mac}",
                (VsockDeviceState was, VsockDeviceState now) when was.GuestCid != now.GuestCid =>
                    $"vsock has guest CID {now.GuestCid}, the saved one {was.GuestCid}",
                _ => null,
            };
            ulong offered = device.DeviceFeatures | VirtioMmioTransport.TransportFeatures;
            if (difference is null && offered != saved[i].OfferedFeatures)
            {
                difference = $"{device.Name} offers features 0x{offered:x}, the saved device offered 0x{saved[i].OfferedFeatures:x} (a tap without the same offloads?)";
            }

            if (difference is not null)
            {
                throw new ConfigurationException($"--incoming: virtio device {i} ({device.DeviceType}) differs from the snapshot's: {difference}");
            }
        }
    }

    /// <summary>
    /// Joins every device worker, removes the KVM registrations, closes the eventfds and the
    /// backends. Called after the vCPU threads are joined and before the VM fd is closed.
    /// </summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        // Workers first: nothing may signal an eventfd that is about to go away.
        StopWorkers();

        foreach (AttachedDevice device in _attached)
        {
            if (device.Wired && _kvm is not null)
            {
                VirtioMmioEventfdWiring.Unwire(_kvm, device.Slot, device.Transport, device.Interrupt);
            }

            device.Transport.Dispose();
            device.Interrupt.Dispose();
        }

        foreach (PendingDevice device in _pending)
        {
            device.Backend?.Dispose();
        }
    }

    private VirtioMmioTransport RestoreTransport(IVirtioDevice device, GuestMemoryView view, EventFd interrupt, VirtioDeviceSnapshot saved)
    {
        try
        {
            return VirtioMmioTransport.Restore(device, view, interrupt, _log, saved.Transport, paused: true);
        }
        catch (ArgumentException e)
        {
            throw new ConfigurationException($"--incoming: {e.Message}", e);
        }
    }

    private sealed record PendingDevice(IVirtioDevice Device, IDisposable? Backend);

    private sealed class AttachedDevice(VirtioMmioSlot slot, VirtioMmioTransport transport, EventFd interrupt)
    {
        public VirtioMmioSlot Slot { get; } = slot;

        public VirtioMmioTransport Transport { get; } = transport;

        public EventFd Interrupt { get; } = interrupt;

        public bool Wired { get; set; }
    }
}
