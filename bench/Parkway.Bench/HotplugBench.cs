using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Parkway.Qmp;

namespace Parkway.Bench;

/// <summary>
/// (e) CPU hot-plug and hot-unplug of a live guest, split the way Firecracker splits its latencies:
/// when the control plane answered (QMP reply), when the VMM finished its part (plug: device_add
/// returns after the vCPU is reset, its thread started and the GED event raised; unplug: the
/// DEVICE_DELETED event's own timestamp, the vCPU parked again), and when the guest saw it (its
/// watch-mode /init printed the new online list). One CPU, then eight at once, each with
/// device_add per CPU and with one set-vcpus. Plugs are broken down with the VCPU_PLUGGED events
/// (Parkway's thread start, the guest's PSCI CPU_ON for each CPU) and, after the run, with the guest
/// kernel's own timestamps (<see cref="GuestCpuLog"/>).
/// QEMU 7.2 cannot hot-plug arm64 CPUs, so these rows have no QEMU column.
/// </summary>
internal sealed class HotplugBench(string parkway, int rounds, TextWriter progress, bool guestEvents = false)
{
    private const int Batch = 8;
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    private enum Method
    {
        DeviceAdd,
        SetVcpus,
    }

    public ResultTable Table { get; } = new();

    public async Task RunAsync()
    {
        string socket = Path.Combine(Path.GetTempPath(), $"parkway-bench-{Environment.ProcessId}.sock");
        using VmmProcess vmm = VmmProcess.Start(parkway,
            ["run", "--kernel", "/guest/Image", "--initramfs", "/guest/initrd", "--memory", "512M",
             "--cpus", $"boot=1,max={Batch + 1}", "--cmdline", "console=ttyAMA0 quiet parkway.watch parkway.cpulog" + (guestEvents ? " parkway.watch-events" : string.Empty), "--qmp", "unix:" + socket]);
        vmm.Console.WaitFor("PARKWAY-GUEST ready", TimeSpan.FromMinutes(5));

        await using QmpClient qmp = await QmpClient.ConnectAsync(socket);
        await qmp.NegotiateAsync();
        try
        {
            for (int round = 1; round <= rounds; round++)
            {
                progress.WriteLine($"hot-plug round {round}/{rounds}");
                await PlugAndUnplug(qmp, vmm.Console, 1, Method.DeviceAdd);
                await PlugAndUnplug(qmp, vmm.Console, Batch, Method.DeviceAdd);
                await PlugAndUnplug(qmp, vmm.Console, 1, Method.SetVcpus);
                await PlugAndUnplug(qmp, vmm.Console, Batch, Method.SetVcpus);
            }
        }
        catch (TimeoutException)
        {
            // What the guest said last, and its CPU log once it powered off: why the step stalled.
            await qmp.ExecuteAsync("system_powerdown");
            vmm.WaitForExit(Timeout);
            foreach (string line in vmm.Console.Transcript.TakeLast(40))
            {
                progress.WriteLine($"guest: {line}");
            }

            throw;
        }

        await qmp.ExecuteAsync("system_powerdown");
        vmm.WaitForExit(Timeout);
        AddGuestRows(vmm.Console.Transcript);
        AddRatio("hot-plug 8 CPUs at once: guest online", "hot-plug 1 CPU: guest online", "device_add");
        AddRatio("hot-plug 8 CPUs, set-vcpus: guest online", "hot-plug 1 CPU, set-vcpus: guest online", "set-vcpus");
    }

    private static string Name(int count, Method method) => (count, method) switch
    {
        (1, Method.DeviceAdd) => "1 CPU",
        (_, Method.DeviceAdd) => $"{count} CPUs at once",
        (1, Method.SetVcpus) => "1 CPU, set-vcpus",
        _ => $"{count} CPUs, set-vcpus",
    };

    private async Task PlugAndUnplug(QmpClient qmp, GuestConsole console, int count, Method method)
    {
        string what = Name(count, method);
        string all = $"0-{count}";
        int[] cores = [.. Enumerable.Range(1, count)];
        DateTimeOffset t0 = DateTimeOffset.UtcNow;
        if (method == Method.SetVcpus)
        {
            await qmp.ExecuteAsync("set-vcpus", new JsonObject { ["count"] = count + 1 });
        }
        else
        {
            foreach (int core in cores)
            {
                await qmp.ExecuteAsync("device_add", new JsonObject
                {
                    ["driver"] = "host-arm-cpu", ["id"] = Id(core), ["socket-id"] = 0, ["cluster-id"] = 0, ["core-id"] = core, ["thread-id"] = 0,
                });
            }
        }

        DateTimeOffset replied = DateTimeOffset.UtcNow;
        DateTimeOffset online = console.WaitFor($"online={all} enabled={all}", Timeout, atLineEnd: true);
        IReadOnlyList<PlugTimes> plugs = await WaitForPlugged(qmp, count);
        Table.Add($"hot-plug {what}: QMP reply{(method == Method.DeviceAdd ? " (= VMM done)" : string.Empty)}", "ms", ResultTable.Parkway, (replied - t0).TotalMilliseconds);
        Table.Add($"hot-plug {what}: last vCPU thread started (Parkway's part)", "ms", ResultTable.Parkway, (plugs.Max(p => p.ThreadStarted) - t0).TotalMilliseconds);
        Table.Add($"hot-plug {what}: first CPU_ON from the guest", "ms", ResultTable.Parkway, (plugs.Min(p => p.CpuOn) - t0).TotalMilliseconds);
        if (count > 1)
        {
            Table.Add($"hot-plug {what}: last CPU_ON from the guest", "ms", ResultTable.Parkway, (plugs.Max(p => p.CpuOn) - t0).TotalMilliseconds);
        }

        Table.Add($"hot-plug {what}: guest online", "ms", ResultTable.Parkway, (online - t0).TotalMilliseconds);

        t0 = DateTimeOffset.UtcNow;
        if (method == Method.SetVcpus)
        {
            await qmp.ExecuteAsync("set-vcpus", new JsonObject { ["count"] = 1 });
        }
        else
        {
            foreach (int core in cores)
            {
                await qmp.ExecuteAsync("device_del", new JsonObject { ["id"] = Id(core) });
            }
        }

        replied = DateTimeOffset.UtcNow;
        DateTimeOffset parked = t0;
        for (int i = 0; i < cores.Length; i++)
        {
            parked = await WaitForDeviceDeleted(qmp);
        }

        DateTimeOffset offline = console.WaitFor("online=0 enabled=0", Timeout, atLineEnd: true);
        Table.Add($"hot-unplug {what}: QMP reply", "ms", ResultTable.Parkway, (replied - t0).TotalMilliseconds);
        Table.Add($"hot-unplug {what}: VMM done (DEVICE_DELETED)", "ms", ResultTable.Parkway, (parked - t0).TotalMilliseconds);
        Table.Add($"hot-unplug {what}: guest offline", "ms", ResultTable.Parkway, (offline - t0).TotalMilliseconds);
    }

    /// <summary>The guest kernel's per-CPU costs, from its own log (one sample per batch / per CPU).</summary>
    private void AddGuestRows(IReadOnlyList<string> transcript)
    {
        foreach (GuestCpuLog.Batch batch in GuestCpuLog.Batches(transcript))
        {
            foreach ((_, double detected, double booted) in batch.Cpus)
            {
                Table.Add("guest kernel: a new CPU's own start (Detected … on CPUn → Booted)", "ms", ResultTable.Parkway, (booted - detected) * 1000);
            }

            if (batch.Cpus.Count == Batch)
            {
                double span = batch.Cpus[^1].Booted - batch.Cpus[0].Booted;
                Table.Add("guest kernel: one CPU of an 8-CPU batch (Booted → next CPU's Booted, mean)", "ms", ResultTable.Parkway, span * 1000 / (Batch - 1));
            }
        }
    }

    private void AddRatio(string eight, string one, string method)
    {
        if (Table.Median(eight, ResultTable.Parkway) is double e && Table.Median(one, ResultTable.Parkway) is double o && o > 0)
        {
            Table.AddDerived($"hot-plug 8 CPUs ÷ 1 CPU, guest online ({method}, medians)", "×", ResultTable.Parkway, e / o);
        }
    }

    private static string Id(int core) => string.Create(CultureInfo.InvariantCulture, $"bench{core}");

    /// <summary>When Parkway started a plugged CPU's thread and when the guest called CPU_ON for it (wall clock).</summary>
    private readonly record struct PlugTimes(DateTimeOffset ThreadStarted, DateTimeOffset CpuOn);

    private static async Task<IReadOnlyList<PlugTimes>> WaitForPlugged(QmpClient qmp, int count)
    {
        var plugs = new List<PlugTimes>();
        using var cancel = new CancellationTokenSource(Timeout);
        try
        {
            while (plugs.Count < count && await qmp.ReadEventAsync(cancel.Token) is { } line)
            {
                using JsonDocument document = JsonDocument.Parse(line);
                JsonElement root = document.RootElement;
                if (root.GetProperty("event").GetString() != "VCPU_PLUGGED")
                {
                    continue;
                }

                JsonElement timings = root.GetProperty("data").GetProperty("timings");
                DateTimeOffset requested = DateTimeOffset.FromUnixTimeMilliseconds(0).AddTicks(timings.GetProperty("requested-at").GetInt64() * 10);
                plugs.Add(new PlugTimes(
                    requested.AddMilliseconds(timings.GetProperty("thread-started-ms").GetDouble()),
                    requested.AddMilliseconds(timings.GetProperty("guest-cpu-on-ms").GetDouble())));
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{plugs.Count} of {count} VCPU_PLUGGED within {Timeout.TotalSeconds:0} s");
        }

        return plugs.Count == count ? plugs : throw new IOException("QMP connection closed before every VCPU_PLUGGED");
    }

    private static async Task<DateTimeOffset> WaitForDeviceDeleted(QmpClient qmp)
    {
        using var cancel = new CancellationTokenSource(Timeout);
        try
        {
            for (string? line = await qmp.ReadEventAsync(cancel.Token); line is not null; line = await qmp.ReadEventAsync(cancel.Token))
            {
                using JsonDocument document = JsonDocument.Parse(line);
                JsonElement root = document.RootElement;
                if (root.GetProperty("event").GetString() == "DEVICE_DELETED")
                {
                    JsonElement stamp = root.GetProperty("timestamp");
                    return DateTimeOffset.FromUnixTimeSeconds(stamp.GetProperty("seconds").GetInt64())
                        .AddTicks(stamp.GetProperty("microseconds").GetInt64() * 10);
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"no DEVICE_DELETED within {Timeout.TotalSeconds:0} s");
        }

        throw new IOException("QMP connection closed before DEVICE_DELETED");
    }
}
