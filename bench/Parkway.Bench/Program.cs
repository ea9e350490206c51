using System.Globalization;
using Parkway.Bench;
using Parkway.Qmp;

// Benchmarks that run inside the arm64 test host (scripts/bench, scripts/bench-hotplug). Not tests:
// they print tables, side by side with QEMU and a minimal C VMM, and assert nothing.
//
// usage: parkway-bench suite [--quick] [--reps N] [--assets DIR] [--parkway PATH]
//        parkway-bench hotplug [--rounds N] [--parkway PATH] [--guest-events]
//   --guest-events: the test guest's /init also wakes on CPU uevents (parkway.watch-events)
//   instead of only polling every 0.2 s: the comparison in docs/hotplug.md.
if (args.Length == 0 || args[0] is not ("suite" or "hotplug"))
{
    Console.Error.WriteLine("usage: parkway-bench suite [--quick] [--reps N] [--assets DIR] | hotplug [--rounds N] [--guest-events]");
    return 2;
}

bool quick = false, guestEvents = false;
int? reps = null;
string assets = "/bench", parkway = "parkway";
for (int i = 1; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--quick": quick = true; break;
        case "--guest-events": guestEvents = true; break;
        case "--reps" or "--rounds" when i + 1 < args.Length: reps = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--assets" when i + 1 < args.Length: assets = args[++i]; break;
        case "--parkway" when i + 1 < args.Length: parkway = args[++i]; break;
        default: Console.Error.WriteLine($"parkway-bench: unknown or incomplete option {args[i]}"); return 2;
    }
}

try
{
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
