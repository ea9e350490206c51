using Parkway.Virtio.Diagnostics;
using Parkway.Virtio.Events;
using Parkway.Virtio.Queues;

namespace Parkway.Virtio.Devices.Rng;

/// <summary>
/// virtio-rng (virtio 1.2 §5.4): one request queue whose device-writable buffers are filled with
/// host randomness. Readable buffers in a request are ignored; each request is capped at
/// <see cref="MaxBytesPerRequest"/> so one guest request cannot pin the worker for long.
/// </summary>
public sealed class VirtioRngDevice : IVirtioDevice
{
    /// <summary>Most bytes one request receives (Linux asks for at most a page or so).</summary>
    public const uint MaxBytesPerRequest = 64 * 1024;

    private readonly GuestErrorLog _log;
    private VirtioDeviceContext? _context;

    /// <summary>Creates the device.</summary>
    public VirtioRngDevice(string name, GuestErrorLog log)
    {
        ArgumentNullException.ThrowIfNull(log);
        Name = name;
        _log = log;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public VirtioDeviceType DeviceType => VirtioDeviceType.Rng;

    /// <inheritdoc />
    public ulong DeviceFeatures => 0;

    /// <inheritdoc />
    public int QueueCount => 1;

    /// <inheritdoc />
    public ushort MaxQueueSize => 256;

    /// <inheritdoc />
    public IReadOnlyList<WorkSource> DeviceSources => [];

    /// <inheritdoc />
    public void ReadConfig(uint offset, Span<byte> data) => data.Clear(); // no configuration space

    /// <inheritdoc />
    public bool WriteConfig(uint offset, ReadOnlySpan<byte> data) => false;

    /// <inheritdoc />
    public void Activate(VirtioDeviceContext context) => _context = context;

    /// <inheritdoc />
    public void Reset() => _context = null;

    /// <inheritdoc />
    public VirtioDeviceState SaveState() => new RngDeviceState();

    /// <inheritdoc />
    public void ProcessQueue(int queueIndex)
    {
        VirtioDeviceContext? context = _context;
        SplitQueue? queue = context is not null && queueIndex == 0 ? context.Queues[0] : null;
        if (context is null || queue is null)
        {
            return;
        }

        PopStatus status;
        while ((status = queue.TryPop(out DescriptorChain? chain)) == PopStatus.Available)
        {
            uint written = 0;
            try
            {
                foreach (GuestBuffer piece in GuestBufferList.Slice(chain!.Writable, 0, Math.Min(chain.WritableLength, MaxBytesPerRequest)))
                {
                    HostRandom.Fill(Memory.GuestMemoryExtensions.GetSpan(context.Memory, piece.Address, piece.Length));
                    written += piece.Length;
                }
            }
            catch (IOException e)
            {
                _log.Report(Name, GuestErrorKind.BackendIoError, e.Message);
            }

            queue.AddUsed(chain!.Head, written);
        }

        context.FinishBatch(queue, status);
    }
}

/// <summary>virtio-rng has no state of its own beyond the transport's.</summary>
public sealed record RngDeviceState : VirtioDeviceState;
