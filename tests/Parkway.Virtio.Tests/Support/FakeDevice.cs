using Parkway.Virtio.Devices;
using Parkway.Virtio.Events;

namespace Parkway.Virtio.Tests.Support;

/// <summary>A device that only records what the transport does to it (for the transport's state machine).</summary>
internal sealed class FakeDevice : IVirtioDevice
{
    private readonly byte[] _config = [1, 2, 3, 4, 5, 6, 7, 8];

    public string Name => "fake0";

    public VirtioDeviceType DeviceType => VirtioDeviceType.Rng;

    public ulong DeviceFeatures { get; init; } = 1UL << 3;

    public int QueueCount { get; init; } = 2;

    public ushort MaxQueueSize { get; init; } = 64;

    public IReadOnlyList<WorkSource> DeviceSources => [];

    public VirtioDeviceContext? Context { get; private set; }

    public int Activations { get; private set; }

    public int Resets { get; private set; }

    /// <summary>Queue indices ProcessQueue was called with (from the worker thread when one runs).</summary>
    public System.Collections.Concurrent.ConcurrentQueue<int> Processed { get; } = new();

    public IReadOnlyList<byte> Config => _config;

    public void Activate(VirtioDeviceContext context)
    {
        Context = context;
        Activations++;
    }

    public void ProcessQueue(int queueIndex) => Processed.Enqueue(queueIndex);

    public void ReadConfig(uint offset, Span<byte> data)
    {
        data.Clear();
        for (int i = 0; i < data.Length && offset + i < _config.Length; i++)
        {
            data[i] = _config[offset + i];
        }
    }

    public bool WriteConfig(uint offset, ReadOnlySpan<byte> data)
    {
        if (offset + (uint)data.Length > _config.Length)
        {
            return false;
        }

        data.CopyTo(_config.AsSpan((int)offset));
        return true;
    }

    public void Reset()
    {
        Context = null;
        Resets++;
    }

    public VirtioDeviceState SaveState() => new FakeState();

    private sealed record FakeState : VirtioDeviceState;
}
