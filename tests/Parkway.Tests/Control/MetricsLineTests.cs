using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Parkway.Control;
using Parkway.Machine;
using Parkway.Machine.Arm64;
using Parkway.Machine.Config;
using Parkway.Machine.Cpu;
using Parkway.Machine.Hotplug;
using Parkway.Tests.Fakes;

namespace Parkway.Tests.Control;

/// <summary>The --metrics line: one JSON object per line with the fields docs/metrics.md lists.</summary>
public sealed class MetricsLineTests
{
    [Fact]
    public void A_line_is_one_json_object_with_every_documented_group_and_field()
    {
        using CpuManager cpus = CpuManager.CreateAll(null!, CpuConfig.Parse("boot=1,max=4"), new FakeVcpuArchitecture(), NullLogger.Instance);
        var controller = new CpuHotplugController(cpus, Arm64VirtMachine.Arm64CpuModel, notifyGuest: static () => { });
        controller.Add("host-arm-cpu", "cpu1", new CpuTopologyRequest(0, 0, 1, 0));
        controller.Delete("cpu1");

        byte[] line = MetricsWriter.Line(new ExitCounters(), controller.PowerStates(), controller.Records.Statistics(), qmp: null,
            new ProcessMemorySample(90_000_000, 3_000_000, 4_000_000, 8_000_000, 50_000_000, 7, 1), TimeSpan.FromMilliseconds(1234), DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));

        string text = Encoding.UTF8.GetString(line);
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', text[..^1]);
        using JsonDocument document = JsonDocument.Parse(line);
        JsonElement root = document.RootElement;
        Assert.Equal(
            ["utc_time_ms", "uptime_ms", "vcpu_exits", "cpus", "hotplug", "qmp", "process"],
            root.EnumerateObject().Select(static p => p.Name));
        Assert.Equal(1_700_000_000_000, root.GetProperty("utc_time_ms").GetInt64());
        Assert.Equal(1234, root.GetProperty("uptime_ms").GetInt64());
        Assert.Equal(
            ["mmio", "mmio_unhandled", "port_io", "port_io_unhandled", "hypercall", "system_event", "interrupted", "other"],
            root.GetProperty("vcpu_exits").EnumerateObject().Select(static p => p.Name));
        JsonElement cpuGroup = root.GetProperty("cpus");
        Assert.Equal((4, 2, 1), (cpuGroup.GetProperty("possible").GetInt32(), cpuGroup.GetProperty("plugged").GetInt32(), cpuGroup.GetProperty("unplug_pending").GetInt32()));
        JsonElement hotplug = root.GetProperty("hotplug");
        Assert.Equal(1, hotplug.GetProperty("plugs_requested").GetInt64());
        Assert.Equal(0, hotplug.GetProperty("plugs_completed").GetInt64());
        Assert.Equal(1, hotplug.GetProperty("unplugs_requested").GetInt64());
        Assert.Equal(0, hotplug.GetProperty("plug_latency_ms").GetProperty("samples").GetInt32());
        Assert.Equal(JsonValueKind.Null, hotplug.GetProperty("plug_latency_ms").GetProperty("p50").ValueKind);
        Assert.Equal(
            ["plugs_requested", "plugs_completed", "unplugs_requested", "unplugs_completed", "unplugs_guest_refused", "unplugs_timed_out", "resizes", "plug_latency_ms", "unplug_latency_ms"],
            hotplug.EnumerateObject().Select(static p => p.Name));
        Assert.Equal(["requests", "errors"], root.GetProperty("qmp").EnumerateObject().Select(static p => p.Name));
        JsonElement process = root.GetProperty("process");
        Assert.Equal(
            ["rss_bytes", "gc_heap_after_last_gc_bytes", "gc_heap_bytes", "gc_committed_bytes", "gc_allocated_bytes", "gc_gen0_collections", "gc_gen2_collections"],
            process.EnumerateObject().Select(static p => p.Name));
        Assert.Equal(90_000_000, process.GetProperty("rss_bytes").GetInt64());
        Assert.Equal(3_000_000, process.GetProperty("gc_heap_after_last_gc_bytes").GetInt64());
    }

    [Theory]
    [InlineData(new double[] { 5 }, 5, 5, 5)]
    [InlineData(new double[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 }, 5, 9, 10)]
    [InlineData(new double[] { 10, 1, 7, 3 }, 3, 10, 10)]
    public void Percentiles_are_nearest_rank(double[] samples, double p50, double p90, double p99)
    {
        var window = new LatencyWindow(1024);
        foreach (double sample in samples)
        {
            window.Add(sample);
        }

        LatencyPercentiles percentiles = window.Percentiles();

        Assert.Equal((samples.Length, p50, p90, p99, samples.Max()), (percentiles.Samples, percentiles.P50!.Value, percentiles.P90!.Value, percentiles.P99!.Value, percentiles.Max!.Value));
    }

    [Fact]
    public void The_window_keeps_only_the_most_recent_samples()
    {
        var window = new LatencyWindow(3);
        foreach (double sample in (double[])[100, 200, 1, 2, 3])
        {
            window.Add(sample);
        }

        Assert.Equal((3, 3.0), (window.Percentiles().Samples, window.Percentiles().Max!.Value));
    }

    [Fact]
    public void A_process_sample_reads_the_kernels_resident_size_and_the_managed_heap()
    {
        byte[] held = new byte[8 << 20];
        Array.Fill(held, (byte)1);
        using FileStream? statm = ProcessMemorySample.OpenStatm();
        ProcessMemorySample first = ProcessMemorySample.Take(statm);
        ProcessMemorySample sample = ProcessMemorySample.Take(statm);

        // statm counts pages this process touched, so 8 MiB just written are part of it; the same
        // open file read twice gives figures both times (the metrics writer reads it for every line).
        Assert.True(first.RssBytes >= held.Length, $"rss {first.RssBytes}");
        Assert.True(sample.RssBytes >= held.Length, $"rss {sample.RssBytes}");
        Assert.True(sample.GcHeapBytes >= held.Length, $"heap {sample.GcHeapBytes}");
        Assert.True(sample.GcAllocatedBytes >= held.Length, $"allocated {sample.GcAllocatedBytes}");
        GC.KeepAlive(held);
    }
}
