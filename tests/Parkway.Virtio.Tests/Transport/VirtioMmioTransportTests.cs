using Parkway.Virtio.Devices;
using Parkway.Virtio.Diagnostics;
using Parkway.Virtio.Queues;
using Parkway.Virtio.Tests.Support;
using Parkway.Virtio.Transport;
using R = Parkway.Virtio.Transport.VirtioMmioRegisters;

namespace Parkway.Virtio.Tests.Transport;

/// <summary>The virtio-mmio register model and device status state machine, driven as Linux drives it, and as a hostile guest might.</summary>
public sealed class VirtioMmioTransportTests : IDisposable
{
    private const DeviceStatus Ack = DeviceStatus.Acknowledge;
    private const DeviceStatus AckDriver = DeviceStatus.Acknowledge | DeviceStatus.Driver;
    private const DeviceStatus Negotiated = AckDriver | DeviceStatus.FeaturesOk;

    private readonly TestLog _log = new();
    private readonly FakeDevice _device = new();
    private readonly CountingSignal _interrupt = new();
    private readonly QueueFixture _queue0;
    private readonly QueueFixture _queue1;
    private readonly VirtioMmioTransport _transport;
    private readonly MmioDriver _driver;

    public VirtioMmioTransportTests()
    {
        _queue0 = new QueueFixture(size: 16);
        _queue1 = new QueueFixture(size: 32, memory: _queue0.Memory, region: 1);
        _transport = new VirtioMmioTransport(_device, _queue0.Memory, _interrupt, _log.Log, startWorker: false);
        _driver = new MmioDriver(_transport);
    }

    public void Dispose() => _transport.Dispose();

    [Fact]
    public void Identity_registers_read_as_a_version_2_virtio_mmio_device()
    {
        Assert.Equal(0x74726976u, _driver.Read(R.MagicValue));
        Assert.Equal(2u, _driver.Read(R.Version));
        Assert.Equal((uint)VirtioDeviceType.Rng, _driver.Read(R.DeviceId));
        Assert.Equal(R.ParkwayVendorId, _driver.Read(R.VendorId));
        Assert.Equal(0u, _driver.Read(R.Status));
    }

    [Fact]
    public void Offered_features_are_the_device_bits_plus_version_1_indirect_and_event_index()
    {
        ulong expected = (1UL << 3) | (1UL << 28) | (1UL << 29) | (1UL << 32);
        Assert.Equal(expected, _driver.DeviceFeatures());
        _driver.Write(R.DeviceFeaturesSel, 2);
        Assert.Equal(0u, _driver.Read(R.DeviceFeatures));
    }

    [Fact]
    public void The_full_probe_activates_the_device_with_its_ready_queues_and_the_negotiated_features()
    {
        Assert.True(_driver.Negotiate(MmioDriver.VersionOne | (1UL << 28)));
        _driver.SetUpQueue(0, _queue0);
        Assert.Equal(0, _device.Activations);
        _driver.DriverOk();

        Assert.Equal(Negotiated | DeviceStatus.DriverOk, _driver.Status);
        Assert.Equal(1, _device.Activations);
        VirtioDeviceContext context = _device.Context!;
        Assert.Equal(MmioDriver.VersionOne | (1UL << 28), context.NegotiatedFeatures);
        Assert.Equal(_queue0.DescriptorTable, context.Queues[0]!.DescriptorTable);
        Assert.Equal(16, context.Queues[0]!.Size);
        Assert.Null(context.Queues[1]); // never made ready
        Assert.Empty(_log.Lines);
    }

    [Fact]
    public void Features_ok_is_refused_without_version_1()
    {
        Assert.False(_driver.Negotiate(1UL << 3));
        Assert.Equal(AckDriver, _driver.Status);
        Assert.True(_log.Mentions(GuestErrorKind.BadFeatures));
    }

    [Fact]
    public void Features_ok_is_refused_when_the_driver_accepts_bits_that_were_not_offered()
    {
        Assert.False(_driver.Negotiate(MmioDriver.VersionOne | (1UL << 4)));
        Assert.Equal(AckDriver, _driver.Status);
        Assert.Contains(_log.Lines, line => line.Contains("not offered", StringComparison.Ordinal));
    }

    [Fact]
    public void Driver_features_written_before_driver_or_after_features_ok_are_ignored()
    {
        _driver.Write(R.DriverFeatures, 0xFFFF_FFFF);
        Assert.True(_driver.Negotiate(MmioDriver.VersionOne));
        _driver.Write(R.DriverFeaturesSel, 0);
        _driver.Write(R.DriverFeatures, 1 << 28);
        _driver.SetUpQueue(0, _queue0);
        _driver.DriverOk();

        Assert.Equal(MmioDriver.VersionOne, _device.Context!.NegotiatedFeatures);
        // Both refusals are the same kind inside one interval: one line.
        Assert.Single(_log.Lines, line => line.Contains(nameof(GuestErrorKind.BadFeatures), StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(DeviceStatus.Driver)] // DRIVER without ACKNOWLEDGE
    [InlineData(DeviceStatus.Acknowledge | DeviceStatus.FeaturesOk)] // FEATURES_OK without DRIVER
    [InlineData(AckDriver | DeviceStatus.DriverOk)] // DRIVER_OK without FEATURES_OK
    [InlineData((DeviceStatus)0x30)] // unknown bits
    public void Out_of_order_status_writes_are_refused_and_change_nothing(DeviceStatus status)
    {
        _driver.Write(R.Status, (uint)status);
        Assert.Equal(DeviceStatus.None, _driver.Status);
        Assert.True(_log.Mentions(GuestErrorKind.BadStatusTransition));
        Assert.Equal(0, _device.Activations);
    }

    [Fact]
    public void A_status_write_that_clears_bits_is_refused_only_zero_resets()
    {
        Assert.True(_driver.NegotiateAll());
        _driver.Write(R.Status, (uint)Ack);
        Assert.Equal(Negotiated, _driver.Status);
        Assert.True(_log.Mentions(GuestErrorKind.BadStatusTransition));
    }

    [Fact]
    public void Writing_zero_resets_device_features_queues_and_interrupts()
    {
        _driver.Probe(_queue0, _queue1); // Linux's probe starts with a reset too
        int resetsBefore = _device.Resets;
        _device.Context!.SignalUsedBuffers();
        Assert.NotEqual(0u, _driver.Read(R.InterruptStatus));

        _driver.Write(R.Status, 0);

        Assert.Equal(resetsBefore + 1, _device.Resets);
        Assert.Null(_device.Context);
        Assert.Equal(DeviceStatus.None, _driver.Status);
        Assert.Equal(0u, _driver.Read(R.InterruptStatus));
        _driver.Write(R.QueueSel, 1);
        Assert.Equal(0u, _driver.Read(R.QueueReady));
        VirtioMmioState state = _transport.SaveState();
        Assert.Equal(0UL, state.DriverFeatures);
        Assert.All(state.Queues, q => Assert.Equal(VirtqueueState.Reset(64), q));
    }

    [Fact]
    public void A_machine_reset_resets_a_live_paused_device_like_a_write_of_zero()
    {
        _driver.Probe(_queue0, _queue1);
        _transport.Pause();
        int resetsBefore = _device.Resets;

        _transport.Reset();

        Assert.Equal(resetsBefore + 1, _device.Resets);
        Assert.Null(_device.Context);
        Assert.Equal(DeviceStatus.None, _driver.Status);
        VirtioMmioState state = _transport.SaveState();
        Assert.Equal(0UL, state.DriverFeatures);
        Assert.All(state.Queues, q => Assert.Equal(VirtqueueState.Reset(64), q));
        // The pause is lifted: the next driver's probe activates the device again.
        _driver.Probe(_queue0, _queue1);
        Assert.NotNull(_device.Context);
    }

    [Fact]
    public void Queue_num_max_is_zero_for_a_queue_that_does_not_exist_and_its_registers_are_refused()
    {
        _driver.Write(R.QueueSel, 0);
        Assert.Equal(64u, _driver.Read(R.QueueNumMax));
        _driver.Write(R.QueueSel, 2);
        Assert.Equal(0u, _driver.Read(R.QueueNumMax));
        _driver.Write(R.QueueNum, 8);
        _driver.Write(R.QueueReady, 1);
        Assert.Equal(0u, _driver.Read(R.QueueReady));
        Assert.True(_log.Mentions(GuestErrorKind.BadQueueConfiguration));
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(12u)]
    [InlineData(128u)] // above QueueNumMax
    public void A_queue_size_that_is_not_a_power_of_two_up_to_the_maximum_is_refused(uint size)
    {
        Assert.True(_driver.NegotiateAll());
        _driver.Write(R.QueueSel, 0);
        _driver.Write(R.QueueNum, size);
        Assert.True(_log.Mentions(GuestErrorKind.BadQueueConfiguration));
        Assert.Equal(64, _transport.SaveState().Queues[0].Size); // unchanged (QueueNumMax after reset)
    }

    [Fact]
    public void Queue_ready_with_rings_outside_ram_is_refused_and_the_device_needs_a_reset()
    {
        Assert.True(_driver.NegotiateAll());
        _driver.Write(R.QueueSel, 0);
        _driver.Write(R.QueueNum, 16);
        _driver.Write(R.QueueDescLow, 0x1000); // below RAM
        _driver.Write(R.QueueAvailLow, (uint)_queue0.DriverArea);
        _driver.Write(R.QueueUsedLow, (uint)_queue0.DeviceArea);
        _driver.Write(R.QueueReady, 1);

        Assert.Equal(0u, _driver.Read(R.QueueReady));
        Assert.Equal(Negotiated | DeviceStatus.NeedsReset, _driver.Status);
        Assert.Equal(R.InterruptConfigChange, _driver.Read(R.InterruptStatus));
        Assert.Equal(1, _interrupt.Count);
        Assert.True(_log.Mentions(GuestErrorKind.BadQueueConfiguration));

        // DRIVER_OK on a device that needs a reset does not start it.
        _driver.DriverOk();
        Assert.Equal(0, _device.Activations);
    }

    [Fact]
    public void Queue_registers_are_refused_while_the_queue_is_ready()
    {
        Assert.True(_driver.NegotiateAll());
        _driver.SetUpQueue(0, _queue0);
        _driver.Write(R.QueueNum, 8);
        _driver.Write(R.QueueDescLow, 0);
        Assert.Equal(_queue0.State(), _transport.SaveState().Queues[0]);
        Assert.True(_log.Mentions(GuestErrorKind.BadQueueConfiguration));
    }

    [Fact]
    public void Queue_notify_signals_that_queues_eventfd_for_the_worker()
    {
        _driver.Probe(_queue0, _queue1);
        Assert.False(_transport.QueueNotifiers[1].TryConsume());

        _driver.Write(R.QueueNotify, 1);

        Assert.True(_transport.QueueNotifiers[1].TryConsume());
        Assert.False(_transport.QueueNotifiers[0].TryConsume());
        _driver.Write(R.QueueNotify, 7);
        Assert.True(_log.Mentions(GuestErrorKind.BadRegisterAccess));
    }

    [Fact]
    public void Used_buffers_and_config_changes_set_their_interrupt_bits_and_ack_clears_them()
    {
        _driver.Probe(_queue0);
        uint generation = _driver.Read(R.ConfigGeneration);

        _device.Context!.SignalUsedBuffers();
        _device.Context!.SignalConfigChanged();

        Assert.Equal(2, _interrupt.Count);
        Assert.Equal(R.InterruptUsedBuffer | R.InterruptConfigChange, _driver.Read(R.InterruptStatus));
        Assert.Equal(generation + 1, _driver.Read(R.ConfigGeneration));
        _driver.Write(R.InterruptAck, R.InterruptUsedBuffer);
        Assert.Equal(R.InterruptConfigChange, _driver.Read(R.InterruptStatus));
    }

    [Fact]
    public void A_device_request_for_reset_sets_needs_reset_and_raises_a_config_interrupt_once()
    {
        _driver.Probe(_queue0);
        _device.Context!.RequestReset("test");
        _device.Context!.RequestReset("again");
        Assert.Equal(Negotiated | DeviceStatus.DriverOk | DeviceStatus.NeedsReset, _driver.Status);
        Assert.Equal(1, _interrupt.Count);
        _driver.Write(R.Status, 0);
        Assert.Equal(DeviceStatus.None, _driver.Status);
    }

    [Theory]
    [InlineData(R.Status, 2)]
    [InlineData(R.Status, 1)]
    [InlineData(R.Status, 8)]
    [InlineData(R.Status + 2, 4)]
    public void Register_accesses_that_are_not_aligned_32_bit_are_refused(uint offset, int size)
    {
        var data = new byte[size];
        Array.Fill(data, (byte)0xFF);
        _transport.Write(offset, data);
        _transport.Read(offset, data);
        Assert.All(data, b => Assert.Equal(0, b));
        Assert.Equal(DeviceStatus.None, _driver.Status);
        Assert.True(_log.Mentions(GuestErrorKind.BadRegisterAccess));
    }

    [Fact]
    public void Config_space_accepts_byte_and_word_accesses_and_refuses_ones_past_the_window()
    {
        var one = new byte[1];
        _transport.Read(R.Config + 2, one);
        Assert.Equal(3, one[0]);
        var two = new byte[2];
        _transport.Read(R.Config + 4, two);
        Assert.Equal(new byte[] { 5, 6 }, two);
        _transport.Write(R.Config, new byte[] { 9 });
        Assert.Equal(9, _device.Config[0]);

        _transport.Write(R.WindowSize, new byte[] { 1, 2, 3, 4 });
        Assert.True(_log.Mentions(GuestErrorKind.BadRegisterAccess));
    }

    [Fact]
    public void Writes_to_read_only_registers_are_refused_and_a_storm_is_logged_once()
    {
        for (int i = 0; i < 100; i++)
        {
            _driver.Write(R.MagicValue, 0);
        }

        Assert.Equal(0x74726976u, _driver.Read(R.MagicValue));
        Assert.Single(_log.Lines);
    }

    [Fact]
    public void No_shared_memory_regions_are_reported()
    {
        _driver.Write(R.ShmSel, 0);
        Assert.Equal(uint.MaxValue, _driver.Read(R.ShmLenLow));
        Assert.Equal(uint.MaxValue, _driver.Read(R.ShmLenHigh));
    }

    [Fact]
    public void A_saved_live_transport_restores_to_the_same_state_and_an_active_device()
    {
        _driver.Probe(_queue0, _queue1);
        _queue0.SetDescriptor(0, _queue0.Allocate(4), 4, 0);
        _queue0.Publish(0);
        SplitQueue queue = _device.Context!.Queues[0]!;
        Assert.Equal(PopStatus.Available, queue.TryPop(out DescriptorChain? chain));
        queue.AddUsed(chain!.Head, 4);
        _device.Context.SignalUsedBuffers();
        _driver.Write(R.QueueSel, 1);

        VirtioMmioState saved = _transport.SaveState();

        Assert.Equal(1, saved.Queues[0].NextAvail);
        Assert.Equal(1, saved.Queues[0].NextUsed);
        var restoredDevice = new FakeDevice();
        using VirtioMmioTransport restored = VirtioMmioTransport.Restore(restoredDevice, _queue0.Memory, _interrupt, _log.Log, saved, startWorker: false);
        VirtioMmioState again = restored.SaveState();
        Assert.Equal(saved with { Queues = again.Queues }, again);
        Assert.Equal(saved.Queues, again.Queues);
        Assert.Equal(1, restoredDevice.Activations);
        Assert.Equal(1, restoredDevice.Context!.Queues[0]!.NextAvail);
        Assert.Equal(R.InterruptUsedBuffer, new MmioDriver(restored).Read(R.InterruptStatus));
    }

    [Fact]
    public void A_restore_with_the_wrong_number_of_queues_is_refused()
    {
        VirtioMmioState saved = _transport.SaveState();
        Assert.Throws<ArgumentException>(() => VirtioMmioTransport.Restore(new FakeDevice { QueueCount = 3 }, _queue0.Memory, _interrupt, _log.Log, saved, startWorker: false));
    }

    [Fact]
    public void A_restore_of_a_ready_queue_outside_ram_is_refused()
    {
        _driver.Probe(_queue0);
        VirtioMmioState saved = _transport.SaveState();
        VirtqueueState[] queues = [.. saved.Queues];
        queues[0] = queues[0] with { DeviceArea = 0x10 };
        Assert.Throws<ArgumentException>(() => VirtioMmioTransport.Restore(new FakeDevice(), _queue0.Memory, _interrupt, _log.Log, saved with { Queues = queues }, startWorker: false));
    }

    [Fact]
    public void A_restore_of_features_the_device_does_not_offer_is_refused()
    {
        _driver.Probe(_queue0);
        VirtioMmioState saved = _transport.SaveState();
        var error = Assert.Throws<ArgumentException>(() => VirtioMmioTransport.Restore(new FakeDevice { DeviceFeatures = 0 }, _queue0.Memory, _interrupt, _log.Log, saved, startWorker: false));
        Assert.Contains("does not offer", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_paused_restore_activates_the_device_and_a_resume_serves_its_queues()
    {
        _driver.Probe(_queue0);
        _queue0.SetDescriptor(0, _queue0.Allocate(4), 4, 0);
        _queue0.Publish(0);
        VirtioMmioState saved = _transport.SaveState();

        var device = new FakeDevice();
        using VirtioMmioTransport restored = VirtioMmioTransport.Restore(device, _queue0.Memory, _interrupt, _log.Log, saved, paused: true);
        Assert.Equal(1, device.Activations);
        Assert.Empty(device.Processed);
        restored.Resume();
        Parkway.Virtio.Tests.Support.VsockGuest.WaitFor(() => !device.Processed.IsEmpty, "the worker's first pass over the queues");
        restored.Pause();
        Assert.Contains(0, device.Processed);
    }
}
