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
/// watch-mode /init printed the new online list). One CPU at a time, then eight at once.
/// QEMU 7.2 cannot hot-plug arm64 CPUs, so these rows have no QEMU column.
/// </summary>
internal sealed class HotplugBench(string parkway, int rounds, TextWriter progress)
{
    private const int Batch = 8;
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    public ResultTable Table { get; } = new();

    public async Task RunAsync()
    {
        string socket = Path.Combine(Path.GetTempPath(), $"parkway-bench-{Environment.ProcessId}.sock");
        using VmmProcess vmm = VmmProcess.Start(parkway,
            ["run", "--kernel", "/guest/Image", "--initramfs", "/guest/initrd", "--memory", "512M",
             "--cpus", $"boot=1,max={Batch + 1}", "--cmdline", "console=ttyAMA0 quiet parkway.watch", "--qmp", "unix:" + socket]);
        vmm.Console.WaitFor("PARKWAY-GUEST ready", TimeSpan.FromMinutes(5));

        await using QmpClient qmp = await QmpClient.ConnectAsync(socket);
        await qmp.NegotiateAsync();
        for (int round = 1; round <= rounds; round++)
        {
            progress.WriteLine($"hot-plug round {round}/{rounds}");
            await PlugAndUnplug(qmp, vmm.Console, [1], "1 CPU");
            await PlugAndUnplug(qmp, vmm.Console, [.. Enumerable.Range(1, Batch)], $"{Batch} CPUs at once");
        }

        await qmp.ExecuteAsync("system_powerdown");
        vmm.WaitForExit(Timeout);
    }

    private async Task PlugAndUnplug(QmpClient qmp, GuestConsole console, int[] cores, string what)
    {
        string all = cores.Length == 1 ? "0-1" : $"0-{cores[^1]}";
        DateTimeOffset t0 = DateTimeOffset.UtcNow;
        foreach (int core in cores)
        {
            await qmp.ExecuteAsync("device_add", new JsonObject
            {
                ["driver"] = "host-arm-cpu", ["id"] = Id(core), ["socket-id"] = 0, ["cluster-id"] = 0, ["core-id"] = core, ["thread-id"] = 0,
            });
        }

        DateTimeOffset replied = DateTimeOffset.UtcNow;
        DateTimeOffset online = console.WaitFor($"online={all} enabled={all}", Timeout);
        Table.Add($"hot-plug {what}: QMP reply (= VMM done)", "ms", ResultTable.Parkway, (replied - t0).TotalMilliseconds);
        Table.Add($"hot-plug {what}: guest online", "ms", ResultTable.Parkway, (online - t0).TotalMilliseconds);

        t0 = DateTimeOffset.UtcNow;
        foreach (int core in cores)
        {
            await qmp.ExecuteAsync("device_del", new JsonObject { ["id"] = Id(core) });
        }

        replied = DateTimeOffset.UtcNow;
        DateTimeOffset parked = t0;
        for (int i = 0; i < cores.Length; i++)
        {
            parked = await WaitForDeviceDeleted(qmp);
        }

        DateTimeOffset offline = console.WaitFor("online=0 enabled=0", Timeout);
        Table.Add($"hot-unplug {what}: QMP reply", "ms", ResultTable.Parkway, (replied - t0).TotalMilliseconds);
        Table.Add($"hot-unplug {what}: VMM done (DEVICE_DELETED)", "ms", ResultTable.Parkway, (parked - t0).TotalMilliseconds);
        Table.Add($"hot-unplug {what}: guest offline", "ms", ResultTable.Parkway, (offline - t0).TotalMilliseconds);
    }

    private static string Id(int core) => string.Create(CultureInfo.InvariantCulture, $"bench{core}");

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
