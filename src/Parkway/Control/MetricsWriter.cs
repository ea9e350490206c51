using System.Buffers;
using System.Diagnostics;
using System.Text.Json;
using Parkway.Machine;
using Parkway.Machine.Config;
using Parkway.Machine.Hotplug;
using Parkway.Qmp;

namespace Parkway.Control;

/// <summary>
/// <c>--metrics PATH</c>: appends one JSON object per line to PATH every interval and once more at
/// exit, in Firecracker's style (groups of counters; docs/metrics.md lists every field). Counters
/// are totals since the VMM started; a reader takes differences between lines for rates.
/// </summary>
internal sealed class MetricsWriter : IDisposable
{
    private readonly FileStream _file;
    // Opened with the writer (before the seccomp filters, which forbid opening files) and read again
    // from its start for every line.
    private readonly FileStream? _statm = ProcessMemorySample.OpenStatm();
    private IMachine? _machine;
    private Func<QmpRequestCounters?> _qmp = static () => null;
    private Timer? _timer;
    private readonly Lock _writeLock = new();
    private readonly long _started = Stopwatch.GetTimestamp();
    private bool _disposed;

    private MetricsWriter(string path)
    {
        try
        {
            _file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigurationException($"--metrics: cannot open '{path}' for appending: {e.Message}", e);
        }

    }

    /// <summary>Opens <paramref name="path"/> for appending (before the VM is built: a bad path is a usage error).</summary>
    public static MetricsWriter Open(string path) => new(path);

    /// <summary>Starts writing a line every <paramref name="interval"/> about <paramref name="machine"/>.</summary>
    public void Start(IMachine machine, Func<QmpRequestCounters?> qmp, TimeSpan interval)
    {
        _machine = machine;
        _qmp = qmp;
        _timer = new Timer(_ => Write(), null, interval, interval);
    }

    /// <summary>Writes one line now.</summary>
    public void Write()
    {
        if (_machine is null)
        {
            return;
        }

        byte[] line = Line(
            _machine.Counters, _machine.Hotplug.PowerStates(), _machine.Hotplug.Records.Statistics(), _qmp(),
            TakeMemorySample(), Stopwatch.GetElapsedTime(_started), DateTimeOffset.UtcNow);
        lock (_writeLock)
        {
            if (_disposed)
            {
                return;
            }

            try
            {
                _file.Write(line);
                _file.Flush();
            }
            catch (IOException)
            {
                // A full disk must not take the VM down; the next line tries again.
            }
        }
    }

    /// <summary>Stops the periodic lines and closes the file (the caller writes the final line while the machine is still there).</summary>
    public void Dispose()
    {
        _timer?.Dispose();
        lock (_writeLock)
        {
            _disposed = true;
            _file.Dispose();
            _statm?.Dispose();
        }
    }

    private ProcessMemorySample TakeMemorySample()
    {
        // The statm stream is shared by the timer and the final line: one reader at a time.
        lock (_writeLock)
        {
            return ProcessMemorySample.Take(_disposed ? null : _statm);
        }
    }

    /// <summary>One metrics line (UTF-8 JSON and a newline).</summary>
    internal static byte[] Line(
        ExitCounters exits, IReadOnlyList<CpuSlotView> slots, HotplugStatistics hotplug, QmpRequestCounters? qmp,
        ProcessMemorySample memory, TimeSpan uptime, DateTimeOffset now)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("utc_time_ms", now.ToUnixTimeMilliseconds());
            json.WriteNumber("uptime_ms", (long)uptime.TotalMilliseconds);

            json.WriteStartObject("vcpu_exits");
            json.WriteNumber("mmio", exits.Mmio);
            json.WriteNumber("mmio_unhandled", exits.UnhandledMmio);
            json.WriteNumber("port_io", exits.PortIo);
            json.WriteNumber("port_io_unhandled", exits.UnhandledPortIo);
            json.WriteNumber("hypercall", exits.Hypercall);
            json.WriteNumber("system_event", exits.SystemEvent);
            json.WriteNumber("interrupted", exits.Interrupted);
            json.WriteNumber("other", exits.Other);
            json.WriteEndObject();

            json.WriteStartObject("cpus");
            json.WriteNumber("possible", slots.Count);
            json.WriteNumber("plugged", slots.Count(static s => s.IsPlugged));
            json.WriteNumber("running", slots.Count(static s => s.OperState == CpuOperState.On));
            json.WriteNumber("unplug_pending", slots.Count(static s => s.UnplugPending));
            json.WriteEndObject();

            json.WriteStartObject("hotplug");
            json.WriteNumber("plugs_requested", hotplug.PlugsRequested);
            json.WriteNumber("plugs_completed", hotplug.PlugsCompleted);
            json.WriteNumber("unplugs_requested", hotplug.UnplugsRequested);
            json.WriteNumber("unplugs_completed", hotplug.UnplugsCompleted);
            json.WriteNumber("unplugs_guest_refused", hotplug.UnplugsRefused);
            json.WriteNumber("unplugs_timed_out", hotplug.UnplugsTimedOut);
            json.WriteNumber("resizes", hotplug.Resizes);
            WriteLatency(json, "plug_latency_ms", hotplug.PlugLatency);
            WriteLatency(json, "unplug_latency_ms", hotplug.UnplugLatency);
            json.WriteEndObject();

            json.WriteStartObject("qmp");
            json.WriteNumber("requests", qmp?.Requests ?? 0);
            json.WriteNumber("errors", qmp?.Errors ?? 0);
            json.WriteEndObject();

            json.WriteStartObject("process");
            json.WriteNumber("rss_bytes", memory.RssBytes);
            json.WriteNumber("gc_heap_after_last_gc_bytes", memory.GcHeapAfterLastCollectionBytes);
            json.WriteNumber("gc_heap_bytes", memory.GcHeapBytes);
            json.WriteNumber("gc_committed_bytes", memory.GcCommittedBytes);
            json.WriteNumber("gc_allocated_bytes", memory.GcAllocatedBytes);
            json.WriteNumber("gc_gen0_collections", memory.Gen0Collections);
            json.WriteNumber("gc_gen2_collections", memory.Gen2Collections);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        buffer.Write("\n"u8);
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteLatency(Utf8JsonWriter json, string name, LatencyPercentiles latency)
    {
        json.WriteStartObject(name);
        json.WriteNumber("samples", latency.Samples);
        WriteOptional(json, "p50", latency.P50);
        WriteOptional(json, "p90", latency.P90);
        WriteOptional(json, "p99", latency.P99);
        WriteOptional(json, "max", latency.Max);
        json.WriteEndObject();
    }

    private static void WriteOptional(Utf8JsonWriter json, string name, double? value)
    {
        if (value is { } number)
        {
            json.WriteNumber(name, Math.Round(number, 3));
        }
        else
        {
            json.WriteNull(name);
        }
    }
}
