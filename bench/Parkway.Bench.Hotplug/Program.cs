using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Parkway.Bench.Hotplug;
using Parkway.Qmp;

// Measures CPU hot-plug and hot-unplug of a live guest, split the way Firecracker splits its
// hot-plug latencies: when the control plane answered (QMP reply), when the VMM finished its part
// (plug: device_add returns after the vCPU is reset, its thread started and the GED event raised;
// unplug: the DEVICE_DELETED event's own timestamp, i.e. the vCPU parked again), and when the guest
// saw it (its watch-mode /init printed the new online list on the serial console).
//
// usage: parkway-bench-hotplug [--repeats N] [--parkway PATH] [--kernel Image] [--initramfs initrd]
int repeats = 5;
string parkwayPath = "parkway", kernel = "/guest/Image", initramfs = "/guest/initrd";
for (int i = 0; i + 1 < args.Length; i += 2)
{
    switch (args[i])
    {
        case "--repeats": repeats = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
        case "--parkway": parkwayPath = args[i + 1]; break;
        case "--kernel": kernel = args[i + 1]; break;
        case "--initramfs": initramfs = args[i + 1]; break;
        default: Console.Error.WriteLine($"parkway-bench-hotplug: unknown option {args[i]}"); return 2;
    }
}

string socket = Path.Combine(Path.GetTempPath(), $"parkway-bench-{Environment.ProcessId}.sock");
var start = new ProcessStartInfo(parkwayPath) { RedirectStandardOutput = true, UseShellExecute = false };
foreach (string argument in (string[])["run", "--kernel", kernel, "--initramfs", initramfs, "--memory", "512M",
    "--cpus", "boot=1,max=2", "--cmdline", "console=ttyAMA0 quiet parkway.watch", "--qmp", "unix:" + socket])
{
    start.ArgumentList.Add(argument);
}

using Process parkway = Process.Start(start) ?? throw new InvalidOperationException("cannot start parkway");
try
{
    return await Measure(parkway, socket, repeats);
}
catch (Exception e) when (e is TimeoutException or IOException or QmpErrorException or OperationCanceledException)
{
    Console.Error.WriteLine($"parkway-bench-hotplug: {e.Message}");
    parkway.Kill();
    return 1;
}

static async Task<int> Measure(Process parkway, string socket, int repeats)
{
    var console = new GuestConsole(parkway);
    var timeout = TimeSpan.FromMinutes(2);
    console.WaitFor("PARKWAY-GUEST ready", TimeSpan.FromMinutes(5));

    await using QmpClient qmp = await QmpClient.ConnectAsync(socket);
    await qmp.NegotiateAsync();
    var table = new LatencyTable();
    var cpu1 = new JsonObject { ["driver"] = "host-arm-cpu", ["id"] = "bench1", ["socket-id"] = 0, ["cluster-id"] = 0, ["core-id"] = 1, ["thread-id"] = 0 };

    for (int round = 0; round < repeats; round++)
    {
        DateTimeOffset t0 = DateTimeOffset.UtcNow;
        await qmp.ExecuteAsync("device_add", cpu1);
        DateTimeOffset replied = DateTimeOffset.UtcNow;
        DateTimeOffset online = console.WaitFor("online=0-1 enabled=0-1", timeout);
        table.Add("plug: QMP reply", replied - t0);
        table.Add("plug: VMM done (= reply)", replied - t0);
        table.Add("plug: guest online", online - t0);

        t0 = DateTimeOffset.UtcNow;
        await qmp.ExecuteAsync("device_del", new JsonObject { ["id"] = "bench1" });
        replied = DateTimeOffset.UtcNow;
        DateTimeOffset parked = await WaitForDeviceDeleted(qmp, timeout);
        DateTimeOffset offline = console.WaitFor("online=0 enabled=0", timeout);
        table.Add("unplug: QMP reply", replied - t0);
        table.Add("unplug: VMM done (DEVICE_DELETED)", parked - t0);
        table.Add("unplug: guest offline", offline - t0);
}

Console.WriteLine($"CPU hot-plug latency, {repeats} plug/unplug rounds of one vCPU (boot=1,max=2), times from the QMP request:");
table.Print(Console.Out);
await qmp.ExecuteAsync("system_powerdown");
await parkway.WaitForExitAsync();
return parkway.ExitCode;
}

static async Task<DateTimeOffset> WaitForDeviceDeleted(QmpClient qmp, TimeSpan timeout)
{
    using var cancel = new CancellationTokenSource(timeout);
    string? line;
    try
    {
        line = await qmp.ReadEventAsync(cancel.Token);
    }
    catch (OperationCanceledException)
    {
        throw new TimeoutException($"no DEVICE_DELETED within {timeout.TotalSeconds:0} s");
    }

    for (; line is not null; line = await qmp.ReadEventAsync(cancel.Token))
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

    throw new IOException("QMP connection closed before DEVICE_DELETED");
}
