using System.Buffers.Binary;
using Parkway.Virtio.Devices;
using Parkway.Virtio.Diagnostics;
using Parkway.Virtio.Events;
using Parkway.Virtio.Memory;
using Parkway.Virtio.Queues;

namespace Parkway.Virtio.Transport;

/// <summary>
/// One virtio-mmio (version 2) register window in front of an <see cref="IVirtioDevice"/>.
/// <para>Threads: <see cref="Read"/> and <see cref="Write"/> run on vCPU threads (under
/// <c>_lock</c>); the device runs on its own <see cref="DeviceWorker"/>, started at DRIVER_OK and
/// stopped at reset. The worker reaches the transport only through lock-free paths (interrupt
/// status, NEEDS_RESET, config generation), so a vCPU thread holding <c>_lock</c> may join it.</para>
/// <para>Eventfds: the transport owns one notification eventfd per queue (<see cref="QueueNotifiers"/>),
/// which the machine registers with KVM_IOEVENTFD on QueueNotify (data match = queue index); a
/// QueueNotify that still arrives as an MMIO exit signals the same eventfd. The interrupt signal is
/// the machine's (an irqfd eventfd in the VMM).</para>
/// <para>Guest writes are hostile: a refused write changes nothing and is logged once
/// (rate-limited) through <see cref="GuestErrorLog"/>.</para>
/// </summary>
public sealed class VirtioMmioTransport : IDisposable
{
    /// <summary>Feature bits the transport itself offers on top of the device's.</summary>
    public static readonly ulong TransportFeatures =
        VirtioFeatures.Bit(VirtioFeatures.Version1) | VirtioFeatures.Bit(VirtioFeatures.RingIndirectDesc) | VirtioFeatures.Bit(VirtioFeatures.RingEventIdx);

    private readonly IVirtioDevice _device;
    private readonly IGuestMemory _memory;
    private readonly IEventSignal _interrupt;
    private readonly GuestErrorLog _log;
    private readonly bool _startWorker;
    private readonly EventFd[] _notifiers;
    private readonly Lock _lock = new();
    private readonly VirtqueueState[] _queues;
    private SplitQueue?[] _activeQueues = [];
    private DeviceWorker? _worker;
    private List<WorkSource> _workerSources = [];
    private bool _paused;
    private uint _deviceFeaturesSel, _driverFeaturesSel, _queueSel;
    private ulong _driverFeatures;
    private DeviceStatus _status;
    private uint _interruptStatus;
    private uint _configGeneration;
    private int _needsReset;

    /// <summary>Creates the transport in the reset state.</summary>
    /// <param name="device">The device behind the window.</param>
    /// <param name="memory">Guest RAM.</param>
    /// <param name="interrupt">Raises the device's interrupt (an irqfd eventfd in the VMM).</param>
    /// <param name="log">Where guest mistakes are reported.</param>
    /// <param name="startWorker">False only in unit tests, which drive <see cref="IVirtioDevice.ProcessQueue"/> themselves.</param>
    public VirtioMmioTransport(IVirtioDevice device, IGuestMemory memory, IEventSignal interrupt, GuestErrorLog log, bool startWorker = true)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(memory);
        ArgumentNullException.ThrowIfNull(interrupt);
        ArgumentNullException.ThrowIfNull(log);
        if (device.MaxQueueSize == 0 || VirtqueueValidation.CheckSize(device.MaxQueueSize, VirtqueueLayout.MaxQueueSize) is not null)
        {
            throw new ArgumentException($"{device.Name}: the maximum queue size must be a power of two up to {VirtqueueLayout.MaxQueueSize}", nameof(device));
        }

        _device = device;
        _memory = memory;
        _interrupt = interrupt;
        _log = log;
        _startWorker = startWorker;
        _notifiers = new EventFd[device.QueueCount];
        for (int i = 0; i < _notifiers.Length; i++)
        {
            _notifiers[i] = EventFd.Create();
        }

        _queues = new VirtqueueState[device.QueueCount];
        ResetRegisters();
    }

    /// <summary>The device.</summary>
    public IVirtioDevice Device => _device;

    /// <summary>Every feature bit offered to the driver.</summary>
    public ulong OfferedFeatures => _device.DeviceFeatures | TransportFeatures;

    /// <summary>One eventfd per queue, for KVM_IOEVENTFD at QueueNotify with data match = index.</summary>
    public IReadOnlyList<EventFd> QueueNotifiers => _notifiers;

    /// <summary>The status register as the guest reads it.</summary>
    public DeviceStatus Status
    {
        get
        {
            lock (_lock)
            {
                return CurrentStatus();
            }
        }
    }

    /// <summary>Pending InterruptStatus bits.</summary>
    public uint InterruptStatus => Volatile.Read(ref _interruptStatus);

    /// <summary>
    /// Rebuilds a transport from a saved record; a DRIVER_OK device is activated at once. With
    /// <paramref name="paused"/> its worker waits for <see cref="Resume"/> (a machine restore:
    /// guest memory and the interrupt controller are loaded first).
    /// </summary>
    public static VirtioMmioTransport Restore(IVirtioDevice device, IGuestMemory memory, IEventSignal interrupt, GuestErrorLog log, VirtioMmioState state, bool startWorker = true, bool paused = false)
    {
        ArgumentNullException.ThrowIfNull(state);
        var transport = new VirtioMmioTransport(device, memory, interrupt, log, startWorker);
        if (state.Queues.Count != device.QueueCount)
        {
            transport.Dispose();
            throw new ArgumentException($"{device.Name}: the saved state has {state.Queues.Count} queues, the device {device.QueueCount}", nameof(state));
        }

        lock (transport._lock)
        {
            transport._deviceFeaturesSel = state.DeviceFeaturesSel;
            transport._driverFeaturesSel = state.DriverFeaturesSel;
            transport._driverFeatures = state.DriverFeatures;
            transport._queueSel = state.QueueSel;
            transport._status = state.Status & ~DeviceStatus.NeedsReset;
            transport._needsReset = (state.Status & DeviceStatus.NeedsReset) != 0 ? 1 : 0;
            transport._interruptStatus = state.InterruptStatus;
            transport._configGeneration = state.ConfigGeneration;
            transport._paused = paused;
            ulong unoffered = state.DriverFeatures & ~transport.OfferedFeatures;
            if ((state.Status & DeviceStatus.FeaturesOk) != 0 && unoffered != 0)
            {
                transport.Dispose();
                throw new ArgumentException($"{device.Name}: the saved driver accepted features 0x{unoffered:x} that this device does not offer (offered 0x{transport.OfferedFeatures:x})", nameof(state));
            }

            for (int i = 0; i < transport._queues.Length; i++)
            {
                // A saved record is trusted no more than the guest that produced it.
                string? problem = state.Queues[i].Ready ? VirtqueueValidation.Check(memory, state.Queues[i], device.MaxQueueSize) : null;
                if (problem is not null)
                {
                    transport.Dispose();
                    throw new ArgumentException($"{device.Name}: saved queue {i} is invalid: {problem}", nameof(state));
                }

                transport._queues[i] = state.Queues[i];
            }

            if ((transport._status & DeviceStatus.DriverOk) != 0 && transport._needsReset == 0)
            {
                transport.Activate();
            }
        }

        return transport;
    }

    /// <summary>The transport's state record (queue positions come from the live queues when active).</summary>
    public VirtioMmioState SaveState()
    {
        lock (_lock)
        {
            var queues = new VirtqueueState[_queues.Length];
            for (int i = 0; i < queues.Length; i++)
            {
                SplitQueue? live = i < _activeQueues.Length ? _activeQueues[i] : null;
                queues[i] = live?.SaveState() ?? _queues[i];
            }

            return new VirtioMmioState(_deviceFeaturesSel, _driverFeaturesSel, _driverFeatures, _queueSel,
                CurrentStatus(), InterruptStatus, Volatile.Read(ref _configGeneration), queues);
        }
    }

    /// <summary>
    /// Stops the device's worker after its current request, so nothing moves in the rings or the
    /// backend: what <see cref="SaveState"/> then returns is consistent. Kicks that arrive while
    /// paused stay in their eventfds and are served on <see cref="Resume"/>. Idempotent.
    /// </summary>
    public void Pause()
    {
        lock (_lock)
        {
            _paused = true;
            StopWorker();
            if (_activeQueues.Length > 0)
            {
                // The worker is joined: its state may be touched here. Held buffers go back to the rings.
                _device.Quiesce();
            }
        }
    }

    /// <summary>Restarts the worker of a live device (it first serves every queue once). Idempotent.</summary>
    public void Resume()
    {
        lock (_lock)
        {
            if (_paused && _worker is null)
            {
                _paused = false;
                StartWorker();
            }

            _paused = false;
        }
    }

    /// <summary>
    /// Machine reset (no vCPU runs): what a driver's write of 0 to Status does — worker stopped,
    /// device reset, queues and registers back to their reset values — and a pause is lifted (the
    /// worker starts again when the next driver sets DRIVER_OK).
    /// </summary>
    public void Reset()
    {
        lock (_lock)
        {
            ResetDevice();
            _paused = false;
        }
    }

    /// <summary>A guest load from the window.</summary>
    public void Read(ulong offset, Span<byte> data)
    {
        data.Clear();
        if (offset >= VirtioMmioRegisters.Config)
        {
            if (offset < VirtioMmioRegisters.WindowSize && data.Length is 1 or 2 or 4 or 8)
            {
                _device.ReadConfig((uint)(offset - VirtioMmioRegisters.Config), data);
            }
            else
            {
                Refuse(GuestErrorKind.BadRegisterAccess, $"{data.Length}-byte read at config offset 0x{offset:x}");
            }

            return;
        }

        if (data.Length != 4 || offset % 4 != 0)
        {
            Refuse(GuestErrorKind.BadRegisterAccess, $"{data.Length}-byte read at register 0x{offset:x} (registers are 32-bit)");
            return;
        }

        uint value;
        lock (_lock)
        {
            value = ReadRegister((uint)offset);
        }

        BinaryPrimitives.WriteUInt32LittleEndian(data, value);
    }

    /// <summary>A guest store to the window.</summary>
    public void Write(ulong offset, ReadOnlySpan<byte> data)
    {
        if (offset >= VirtioMmioRegisters.Config)
        {
            if (offset >= VirtioMmioRegisters.WindowSize || data.Length is not (1 or 2 or 4 or 8)
                || !_device.WriteConfig((uint)(offset - VirtioMmioRegisters.Config), data))
            {
                Refuse(GuestErrorKind.BadRegisterAccess, $"{data.Length}-byte write at config offset 0x{offset:x} refused");
            }

            return;
        }

        if (data.Length != 4 || offset % 4 != 0)
        {
            Refuse(GuestErrorKind.BadRegisterAccess, $"{data.Length}-byte write at register 0x{offset:x} (registers are 32-bit)");
            return;
        }

        uint value = BinaryPrimitives.ReadUInt32LittleEndian(data);
        lock (_lock)
        {
            WriteRegister((uint)offset, value);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_lock)
        {
            StopWorker();
        }

        foreach (EventFd notifier in _notifiers)
        {
            notifier.Dispose();
        }
    }

    private uint ReadRegister(uint offset) => offset switch
    {
        VirtioMmioRegisters.MagicValue => VirtioMmioRegisters.MagicValueExpected,
        VirtioMmioRegisters.Version => VirtioMmioRegisters.VersionModern,
        VirtioMmioRegisters.DeviceId => (uint)_device.DeviceType,
        VirtioMmioRegisters.VendorId => VirtioMmioRegisters.ParkwayVendorId,
        VirtioMmioRegisters.DeviceFeatures => _deviceFeaturesSel switch
        {
            0 => (uint)OfferedFeatures,
            1 => (uint)(OfferedFeatures >> 32),
            _ => 0,
        },
        VirtioMmioRegisters.QueueNumMax => SelectedQueueExists() ? _device.MaxQueueSize : 0u,
        VirtioMmioRegisters.QueueReady => SelectedQueueExists() && _queues[_queueSel].Ready ? 1u : 0u,
        VirtioMmioRegisters.InterruptStatus => InterruptStatus,
        VirtioMmioRegisters.Status => (uint)CurrentStatus(),
        // No shared memory regions: a length of all ones means "absent" (virtio 1.2 §4.2.2).
        VirtioMmioRegisters.ShmLenLow or VirtioMmioRegisters.ShmLenHigh
            or VirtioMmioRegisters.ShmBaseLow or VirtioMmioRegisters.ShmBaseHigh => uint.MaxValue,
        VirtioMmioRegisters.ConfigGeneration => Volatile.Read(ref _configGeneration),
        _ => RefusedRead(offset),
    };

    private uint RefusedRead(uint offset)
    {
        Refuse(GuestErrorKind.BadRegisterAccess, $"read of write-only or unknown register 0x{offset:x}");
        return 0;
    }

    private void WriteRegister(uint offset, uint value)
    {
        switch (offset)
        {
            case VirtioMmioRegisters.DeviceFeaturesSel: _deviceFeaturesSel = value; break;
            case VirtioMmioRegisters.DriverFeaturesSel: _driverFeaturesSel = value; break;
            case VirtioMmioRegisters.DriverFeatures: WriteDriverFeatures(value); break;
            case VirtioMmioRegisters.QueueSel: _queueSel = value; break;
            case VirtioMmioRegisters.QueueNum: WriteQueueNum(value); break;
            case VirtioMmioRegisters.QueueReady: WriteQueueReady(value); break;
            case VirtioMmioRegisters.QueueNotify: Notify(value); break;
            case VirtioMmioRegisters.InterruptAck: Interlocked.And(ref _interruptStatus, ~value); break;
            case VirtioMmioRegisters.Status: WriteStatus(value); break;
            case VirtioMmioRegisters.QueueDescLow: WriteQueueAddress(value, high: false, static (q, a) => q with { DescriptorTable = a }, static q => q.DescriptorTable); break;
            case VirtioMmioRegisters.QueueDescHigh: WriteQueueAddress(value, high: true, static (q, a) => q with { DescriptorTable = a }, static q => q.DescriptorTable); break;
            case VirtioMmioRegisters.QueueAvailLow: WriteQueueAddress(value, high: false, static (q, a) => q with { DriverArea = a }, static q => q.DriverArea); break;
            case VirtioMmioRegisters.QueueAvailHigh: WriteQueueAddress(value, high: true, static (q, a) => q with { DriverArea = a }, static q => q.DriverArea); break;
            case VirtioMmioRegisters.QueueUsedLow: WriteQueueAddress(value, high: false, static (q, a) => q with { DeviceArea = a }, static q => q.DeviceArea); break;
            case VirtioMmioRegisters.QueueUsedHigh: WriteQueueAddress(value, high: true, static (q, a) => q with { DeviceArea = a }, static q => q.DeviceArea); break;
            case VirtioMmioRegisters.ShmSel: break; // selects among zero regions: harmless
            default:
                Refuse(GuestErrorKind.BadRegisterAccess, $"write of 0x{value:x} to read-only or unknown register 0x{offset:x}");
                break;
        }
    }

    private void WriteDriverFeatures(uint value)
    {
        if ((_status & DeviceStatus.Driver) == 0 || (_status & DeviceStatus.FeaturesOk) != 0)
        {
            Refuse(GuestErrorKind.BadFeatures, $"DriverFeatures written in status {_status} (only between DRIVER and FEATURES_OK)");
            return;
        }

        switch (_driverFeaturesSel)
        {
            case 0: _driverFeatures = (_driverFeatures & 0xFFFF_FFFF_0000_0000) | value; break;
            case 1: _driverFeatures = (_driverFeatures & 0x0000_0000_FFFF_FFFF) | ((ulong)value << 32); break;
            default:
                if (value != 0)
                {
                    Refuse(GuestErrorKind.BadFeatures, $"features 0x{value:x} in word {_driverFeaturesSel}, which offers none");
                }

                break;
        }
    }

    private void WriteStatus(uint value)
    {
        var requested = (DeviceStatus)value;
        if (requested == DeviceStatus.None)
        {
            ResetDevice();
            return;
        }

        // NEEDS_RESET is the device's to set; a driver writing it back (read-modify-write) is harmless.
        requested &= ~DeviceStatus.NeedsReset;
        const DeviceStatus Known = DeviceStatus.Acknowledge | DeviceStatus.Driver | DeviceStatus.FeaturesOk | DeviceStatus.DriverOk | DeviceStatus.Failed;
        string? problem =
            (requested & ~Known) != 0 ? $"unknown status bits 0x{(uint)(requested & ~Known):x}"
            : (_status & ~requested) != 0 ? $"status 0x{value:x} clears bits of {_status} (only a write of 0 resets)"
            : Has(requested, DeviceStatus.Driver) && !Has(requested, DeviceStatus.Acknowledge) ? "DRIVER without ACKNOWLEDGE"
            : Has(requested, DeviceStatus.FeaturesOk) && !Has(requested, DeviceStatus.Driver) ? "FEATURES_OK without DRIVER"
            : Has(requested, DeviceStatus.DriverOk) && !Has(requested, DeviceStatus.FeaturesOk) ? "DRIVER_OK without FEATURES_OK"
            : null;
        if (problem is not null)
        {
            Refuse(GuestErrorKind.BadStatusTransition, problem);
            return;
        }

        if (Has(requested, DeviceStatus.FeaturesOk) && !Has(_status, DeviceStatus.FeaturesOk))
        {
            string? featureProblem = CheckNegotiatedFeatures();
            if (featureProblem is not null)
            {
                // Leaving FEATURES_OK clear is how the device says "no" (virtio 1.2 §3.1.1).
                Refuse(GuestErrorKind.BadFeatures, featureProblem);
                requested &= ~(DeviceStatus.FeaturesOk | DeviceStatus.DriverOk);
            }
        }

        bool goingLive = Has(requested, DeviceStatus.DriverOk) && !Has(_status, DeviceStatus.DriverOk);
        _status = requested;
        if (goingLive && Volatile.Read(ref _needsReset) == 0)
        {
            Activate();
        }
    }

    private string? CheckNegotiatedFeatures()
    {
        ulong unoffered = _driverFeatures & ~OfferedFeatures;
        if (unoffered != 0)
        {
            return $"driver accepted features 0x{unoffered:x} that were not offered";
        }

        return VirtioFeatures.Has(_driverFeatures, VirtioFeatures.Version1)
            ? null
            : "driver did not accept VIRTIO_F_VERSION_1 (legacy drivers are not supported)";
    }

    private void WriteQueueNum(uint value)
    {
        if (!TrySelectedConfigurableQueue("QueueNum"))
        {
            return;
        }

        string? problem = VirtqueueValidation.CheckSize(value, _device.MaxQueueSize);
        if (problem is not null)
        {
            Refuse(GuestErrorKind.BadQueueConfiguration, $"queue {_queueSel}: {problem}");
            return;
        }

        _queues[_queueSel] = _queues[_queueSel] with { Size = (ushort)value };
    }

    private void WriteQueueAddress(uint value, bool high, Func<VirtqueueState, ulong, VirtqueueState> set, Func<VirtqueueState, ulong> get)
    {
        if (!TrySelectedConfigurableQueue("a queue address"))
        {
            return;
        }

        ulong current = get(_queues[_queueSel]);
        ulong updated = high
            ? (current & 0xFFFF_FFFF) | ((ulong)value << 32)
            : (current & 0xFFFF_FFFF_0000_0000) | value;
        _queues[_queueSel] = set(_queues[_queueSel], updated);
    }

    private void WriteQueueReady(uint value)
    {
        if (!SelectedQueueExists() || Has(_status, DeviceStatus.DriverOk))
        {
            Refuse(GuestErrorKind.BadQueueConfiguration, $"QueueReady={value} for queue {_queueSel} refused (no such queue, or the device is live)");
            return;
        }

        if (value == 0)
        {
            _queues[_queueSel] = _queues[_queueSel] with { Ready = false };
            return;
        }

        VirtqueueState candidate = _queues[_queueSel] with { Ready = true };
        string? problem = VirtqueueValidation.Check(_memory, candidate, _device.MaxQueueSize);
        if (problem is not null)
        {
            Refuse(GuestErrorKind.BadQueueConfiguration, $"queue {_queueSel} cannot be made ready: {problem}");
            MarkNeedsReset();
            return;
        }

        _queues[_queueSel] = candidate;
    }

    private bool TrySelectedConfigurableQueue(string what)
    {
        if (!SelectedQueueExists())
        {
            Refuse(GuestErrorKind.BadQueueConfiguration, $"{what} written for queue {_queueSel}, which does not exist");
            return false;
        }

        if (_queues[_queueSel].Ready || Has(_status, DeviceStatus.DriverOk))
        {
            Refuse(GuestErrorKind.BadQueueConfiguration, $"{what} written for queue {_queueSel} while it is ready or the device is live");
            return false;
        }

        return true;
    }

    private void Notify(uint queue)
    {
        // The queue index is all a driver without VIRTIO_F_NOTIFICATION_DATA writes.
        if (queue >= (uint)_notifiers.Length)
        {
            Refuse(GuestErrorKind.BadRegisterAccess, $"QueueNotify for queue {queue}, which does not exist");
            return;
        }

        // Same eventfd as KVM_IOEVENTFD would signal: the worker, not this vCPU thread, does the work.
        _notifiers[queue].Signal();
    }

    private void Activate()
    {
        ulong negotiated = _driverFeatures;
        var walk = new ChainWalkOptions(IndirectAllowed: VirtioFeatures.Has(negotiated, VirtioFeatures.RingIndirectDesc));
        bool eventIndex = VirtioFeatures.Has(negotiated, VirtioFeatures.RingEventIdx);
        var queues = new SplitQueue?[_queues.Length];
        var sources = new List<WorkSource>();
        for (int i = 0; i < queues.Length; i++)
        {
            if (!_queues[i].Ready)
            {
                continue;
            }

            queues[i] = new SplitQueue(_memory, _queues[i], eventIndex, walk, _log, $"{_device.Name} queue {i}");
            int index = i;
            sources.Add(new WorkSource(_notifiers[i], () => _device.ProcessQueue(index)));
        }

        _activeQueues = queues;
        _device.Activate(new VirtioDeviceContext(_memory, queues, negotiated, RaiseUsedBuffers, RaiseConfigChanged, RequestResetFromDevice));
        sources.AddRange(_device.DeviceSources);
        _workerSources = sources;
        if (!_paused)
        {
            StartWorker();
        }
    }

    private void ResetDevice()
    {
        StopWorker();
        _device.Reset();
        foreach (EventFd notifier in _notifiers)
        {
            notifier.TryConsume(); // kicks for the old rings mean nothing to the next driver
        }

        ResetRegisters();
    }

    private void ResetRegisters()
    {
        _activeQueues = [];
        _workerSources = [];
        _deviceFeaturesSel = _driverFeaturesSel = _queueSel = 0;
        _driverFeatures = 0;
        _status = DeviceStatus.None;
        Volatile.Write(ref _needsReset, 0);
        Volatile.Write(ref _interruptStatus, 0);
        for (int i = 0; i < _queues.Length; i++)
        {
            _queues[i] = VirtqueueState.Reset(_device.MaxQueueSize);
        }
    }

    private void StartWorker()
    {
        DynamicWorkSources? dynamic = _device.DynamicSources;
        if (_startWorker && (_workerSources.Count > 0 || dynamic is not null))
        {
            _worker = new DeviceWorker(_device.Name, _workerSources, e => RequestResetFromDevice($"device worker failed: {e.Message}"), dynamic);
            _worker.Start();
        }
    }

    private void StopWorker()
    {
        _worker?.Dispose();
        _worker = null;
    }

    private void RaiseUsedBuffers()
    {
        Interlocked.Or(ref _interruptStatus, VirtioMmioRegisters.InterruptUsedBuffer);
        _interrupt.Signal();
    }

    private void RaiseConfigChanged()
    {
        Interlocked.Increment(ref _configGeneration);
        Interlocked.Or(ref _interruptStatus, VirtioMmioRegisters.InterruptConfigChange);
        _interrupt.Signal();
    }

    private void RequestResetFromDevice(string reason)
    {
        _log.Report(_device.Name, GuestErrorKind.MalformedRequest, $"device needs reset: {reason}");
        MarkNeedsReset();
    }

    private void MarkNeedsReset()
    {
        if (Interlocked.Exchange(ref _needsReset, 1) == 0)
        {
            // The driver learns of NEEDS_RESET through a configuration-change interrupt.
            Interlocked.Or(ref _interruptStatus, VirtioMmioRegisters.InterruptConfigChange);
            _interrupt.Signal();
        }
    }

    private DeviceStatus CurrentStatus() =>
        _status | (Volatile.Read(ref _needsReset) != 0 ? DeviceStatus.NeedsReset : DeviceStatus.None);

    private bool SelectedQueueExists() => _queueSel < (uint)_queues.Length;

    private void Refuse(GuestErrorKind kind, string detail) => _log.Report(_device.Name, kind, detail);

    private static bool Has(DeviceStatus status, DeviceStatus bit) => (status & bit) == bit;
}
