using Parkway.Threading;
using Parkway.Virtio.Events;

namespace Parkway.Virtio.Devices.Console;

/// <summary>
/// Host input waiting for the guest's console: a bounded byte queue plus an eventfd that tells the
/// device worker data arrived. The bound is the back-pressure: when the guest stops reading, the
/// pump thread blocks (and so stops reading the host stream) instead of the VMM buffering without
/// limit.
/// </summary>
public sealed class ConsoleInput : IDisposable
{
    /// <summary>Most bytes held for the guest.</summary>
    public const int Capacity = 64 * 1024;

    // A Monitor (not System.Threading.Lock) because the pump waits on it for room.
    private readonly object _gate = new();
    private readonly byte[] _ring = new byte[Capacity];
    private int _start, _count;
    private bool _closed;

    /// <summary>Signalled whenever bytes are added.</summary>
    public EventFd DataAvailable { get; } = EventFd.Create();

    /// <summary>Bytes waiting.</summary>
    public int Available
    {
        get
        {
            lock (_gate)
            {
                return _count;
            }
        }
    }

    /// <summary>Adds what fits of <paramref name="data"/>; returns how many bytes were taken.</summary>
    public int TryWrite(ReadOnlySpan<byte> data)
    {
        int taken;
        lock (_gate)
        {
            taken = Math.Min(data.Length, Capacity - _count);
            for (int i = 0; i < taken; i++)
            {
                _ring[(_start + _count + i) % Capacity] = data[i];
            }

            _count += taken;
        }

        if (taken > 0)
        {
            DataAvailable.Signal();
        }

        return taken;
    }

    /// <summary>Moves up to <paramref name="destination"/>.Length bytes out and wakes a pump waiting for room.</summary>
    public int Take(Span<byte> destination)
    {
        lock (_gate)
        {
            int taken = Math.Min(destination.Length, _count);
            for (int i = 0; i < taken; i++)
            {
                destination[i] = _ring[(_start + i) % Capacity];
            }

            _start = (_start + taken) % Capacity;
            _count -= taken;
            Monitor.PulseAll(_gate);
            return taken;
        }
    }

    /// <summary>Starts a thread copying <paramref name="source"/> in until it ends or the input is disposed.</summary>
    public void StartPump(Stream source, string threadName)
    {
        ArgumentNullException.ThrowIfNull(source);
        ThreadConfinement.Start(new Thread(() => Pump(source)) { Name = threadName, IsBackground = true });
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            _closed = true;
            Monitor.PulseAll(_gate);
        }

        DataAvailable.Dispose();
    }

    private void Pump(Stream source)
    {
        ThreadConfinement.Enter(ThreadKind.Device);
        byte[] buffer = new byte[4096];
        while (true)
        {
            int read;
            try
            {
                read = source.Read(buffer, 0, buffer.Length);
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException)
            {
                return; // the host side went away: the console just has no more input
            }

            if (read == 0)
            {
                return;
            }

            int offset = 0;
            lock (_gate)
            {
                while (offset < read && !_closed)
                {
                    offset += TryWrite(buffer.AsSpan(offset, read - offset));
                    if (offset < read)
                    {
                        Monitor.Wait(_gate); // woken by Take (room) or Dispose
                    }
                }

                if (_closed)
                {
                    return;
                }
            }
        }
    }
}
