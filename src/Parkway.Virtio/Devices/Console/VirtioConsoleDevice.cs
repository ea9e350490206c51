using Parkway.Virtio.Diagnostics;
using Parkway.Virtio.Events;
using Parkway.Virtio.Memory;
using Parkway.Virtio.Queues;

namespace Parkway.Virtio.Devices.Console;

/// <summary>
/// virtio-console (virtio 1.2 §5.3) with a single port, which Linux names hvc0. Transmit: every
/// readable byte the guest posts goes to the host output stream, in order. Receive: host input
/// (<see cref="ConsoleInput"/>) is copied into the guest's posted writable buffers when both
/// exist; with no posted buffer it waits in the bounded input queue.
/// </summary>
public sealed class VirtioConsoleDevice : IVirtioDevice
{
    private readonly Stream _output;
    private readonly ConsoleInput? _input;
    private readonly GuestErrorLog _log;
    private VirtioDeviceContext? _context;

    /// <summary>Creates the console writing to <paramref name="output"/> and reading <paramref name="input"/> (null: no input).</summary>
    public VirtioConsoleDevice(string name, Stream output, ConsoleInput? input, GuestErrorLog log)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(log);
        Name = name;
        _output = output;
        _input = input;
        _log = log;
        DeviceSources = input is null ? [] : [new WorkSource(input.DataAvailable, DeliverInput)];
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public VirtioDeviceType DeviceType => VirtioDeviceType.Console;

    /// <inheritdoc />
    public ulong DeviceFeatures => 0;

    /// <inheritdoc />
    public int QueueCount => 2;

    /// <inheritdoc />
    public ushort MaxQueueSize => 256;

    /// <inheritdoc />
    public IReadOnlyList<WorkSource> DeviceSources { get; }

    /// <inheritdoc />
    public void ReadConfig(uint offset, Span<byte> data) => data.Clear(); // cols, rows, max_nr_ports, emerg_wr: all unused without features

    /// <inheritdoc />
    public bool WriteConfig(uint offset, ReadOnlySpan<byte> data) => false;

    /// <inheritdoc />
    public void Activate(VirtioDeviceContext context) => _context = context;

    /// <inheritdoc />
    public void Reset() => _context = null;

    /// <inheritdoc />
    public VirtioDeviceState SaveState() => new ConsoleDeviceState(_input?.Available ?? 0);

    /// <inheritdoc />
    public void ProcessQueue(int queueIndex)
    {
        switch (queueIndex)
        {
            case VirtioConsole.ReceiveQueue: DeliverInput(); break;
            case VirtioConsole.TransmitQueue: Transmit(); break;
            default: break;
        }
    }

    /// <summary>Copies waiting host input into posted receive buffers (worker thread).</summary>
    public void DeliverInput()
    {
        VirtioDeviceContext? context = _context;
        SplitQueue? queue = context?.Queues[VirtioConsole.ReceiveQueue];
        if (context is null || queue is null || _input is null)
        {
            return;
        }

        PopStatus status = PopStatus.Empty;
        byte[] chunk = new byte[4096];
        // Pop only when there is something to deliver: a popped buffer cannot be put back.
        while (_input.Available > 0 && (status = queue.TryPop(out DescriptorChain? chain)) == PopStatus.Available)
        {
            uint written = 0;
            while (written < chain!.WritableLength)
            {
                int want = (int)Math.Min((uint)chunk.Length, chain.WritableLength - written);
                int taken = _input.Take(chunk.AsSpan(0, want));
                if (taken == 0)
                {
                    break;
                }

                written += (uint)GuestBufferList.Write(context.Memory, chain.Writable, written, chunk.AsSpan(0, taken));
            }

            queue.AddUsed(chain.Head, written);
        }

        context.FinishBatch(queue, status);
    }

    private void Transmit()
    {
        VirtioDeviceContext? context = _context;
        SplitQueue? queue = context?.Queues[VirtioConsole.TransmitQueue];
        if (context is null || queue is null)
        {
            return;
        }

        PopStatus status;
        while ((status = queue.TryPop(out DescriptorChain? chain)) == PopStatus.Available)
        {
            try
            {
                foreach (GuestBuffer piece in chain!.Readable)
                {
                    _output.Write(context.Memory.GetSpan(piece.Address, piece.Length));
                }
            }
            catch (IOException e)
            {
                _log.Report(Name, GuestErrorKind.BackendIoError, $"console output: {e.Message}");
            }

            queue.AddUsed(chain!.Head, 0);
        }

        try
        {
            _output.Flush();
        }
        catch (IOException e)
        {
            _log.Report(Name, GuestErrorKind.BackendIoError, $"console output: {e.Message}");
        }

        context.FinishBatch(queue, status);
    }
}

/// <summary>virtio-console's own state: how many input bytes were waiting (they are host-side data, not guest state).</summary>
/// <param name="PendingInputBytes">Bytes in the input queue when saved.</param>
public sealed record ConsoleDeviceState(int PendingInputBytes) : VirtioDeviceState;
