using System.Globalization;
using Parkway.Bench;
using Parkway.Qmp;

// Benchmarks that run inside the arm64 test host (scripts/bench, scripts/bench-hotplug). Not tests:
// they print tables, side by side with QEMU and a minimal C VMM, and assert nothing.
//
// usage: parkway-bench suite [--quick] [--reps N] [--assets DIR] [--parkway PATH]
//        parkway-bench hotplug [--rounds N] [--parkway PATH] [--guest-events]
//        parkway-bench mmio [--reps N] [--reads 2000|20000] [--compare PATH] [--assets DIR] [--parkway PATH]
//   mmio: the MMIO exit round trip alone (Parkway, the floor, the floor with a signal mask), with
//   --compare a second parkway binary beside it in the same test-host boot (before/after a change).
//   --guest-events: the test guest's /init also wakes on CPU uevents (parkway.watch-events)
//   instead of only polling every 0.2 s: the comparison in docs/hotplug.md.
if (args.Length == 0 || args[0] is not ("suite" or "hotplug" or "mmio"))
{
    Console.Error.WriteLine("usage: parkway-bench suite [--quick] [--reps N] [--assets DIR] | hotplug [--rounds N] [--guest-events] | mmio [--reps N] [--reads N] [--compare PATH]");
    return 2;
}

bool quick = false, guestEvents = false;
int? reps = null;
int reads = 20_000;
string assets = "/bench", parkway = "parkway";
string? compare = null;
for (int i = 1; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--quick": quick = true; break;
        case "--guest-events": guestEvents = true; break;
        case "--reps" or "--rounds" when i + 1 < args.Length: reps = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--reads" when i + 1 < args.Length: reads = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--compare" when i + 1 < args.Length: compare = args[++i]; break;
        case "--assets" when i + 1 < args.Length: assets = args[++i]; break;
        case "--parkway" when i + 1 < args.Length: parkway = args[++i]; break;
        default: Console.Error.WriteLine($"parkway-bench: unknown or incomplete option {args[i]}"); return 2;
    }
}

try
{
    if (args[0] == "mmio")
    {
        var mmio = new MmioBench(new Subjects(assets, parkway), reps ?? 3, reads, compare, Console.Error);
        mmio.Run();
        Console.WriteLine("PARKWAY-BENCH-TABLE-BEGIN");
        mmio.Table.Print(Console.Out);
        Console.WriteLine("PARKWAY-BENCH-TABLE-END");
        return 0;
    }

    var hotplug = new HotplugBench(parkway, reps ?? (quick ? 1 : 3), Console.Error, guestEvents);
    if (args[0] == "hotplug")
    {
        await hotplug.RunAsync();
        hotplug.Table.Print(Console.Out);
        return 0;
    }

    SuiteOptions options = quick ? SuiteOptions.Quick(reps ?? 2) : SuiteOptions.Full(reps ?? 5);
    var suite = new SuiteBench(new Subjects(assets, parkway), options, Console.Error);
    suite.Run();
    await hotplug.RunAsync();
    Console.WriteLine("PARKWAY-BENCH-TABLE-BEGIN");
    suite.Table.Print(Console.Out);
    Console.WriteLine();
    hotplug.Table.Print(Console.Out);
    Console.WriteLine("PARKWAY-BENCH-TABLE-END");
    return 0;
}
catch (Exception e) when (e is TimeoutException or IOException or QmpErrorException or InvalidOperationException or OperationCanceledException)
{
    Console.Error.WriteLine($"parkway-bench: {e.Message}");
    return 1;
}
