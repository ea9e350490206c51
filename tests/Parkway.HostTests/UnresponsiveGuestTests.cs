using Parkway.HostTests.BareMetal;

namespace Parkway.HostTests;

/// <summary>
/// A guest that ignores ACPI (a bare-metal spin loop booted with ACPI tables) never ejects: the
/// unplug request stays pending and visible, repeating it is harmless, and the control plane keeps
/// answering — Parkway never waits for the guest.
/// </summary>
[Collection(Arm64HostCollection.Name)]
public sealed class UnresponsiveGuestTests
{
    [Fact]
    public void UnplugOfACpuTheGuestNeverEjects_StaysPending_RepeatIsHarmless_QuitStillWorks()
    {
        string image = Path.Combine(Directory.CreateTempSubdirectory("parkway-spin-").FullName, "spin.img");
        File.WriteAllBytes(image, BareMetalImage.Wrap(new A64Assembler().Label("spin").B("spin").Assemble()));
        const string Q = "parkway qmp --socket /tmp/q.sock";
        string script = string.Join("; ",
            "parkway run --kernel /tmp/spin.img --cpus boot=1,max=2 --memory 64M --qmp unix:/tmp/q.sock > /tmp/out 2>&1 & P=$!",
            "i=0; while [ ! -S /tmp/q.sock ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done",
            $"{Q} device_add driver=host-arm-cpu id=c1 socket-id=0 cluster-id=0 core-id=1 thread-id=0; echo \"ADD $?\"",
            $"{Q} device_del id=c1; echo \"DEL1 $?\"",
            $"{Q} device_del id=c1; echo \"DEL2 $?\"",
            "sleep 1",
            $"{Q} query-cpus-powerstate | tr -d ' \\n'; echo",
            $"{Q} quit; echo \"QUIT $?\"",
            "wait $P; echo \"PARKWAY $?\"",
            // A QMP path that is taken by something other than a stale socket is refused up front.
            "touch /tmp/taken; parkway run --kernel /tmp/spin.img --memory 64M --qmp unix:/tmp/taken 2>/tmp/err; echo \"TAKEN $?\"; cat /tmp/err");

        Arm64HostResult result = Arm64Host.Run(script, add: [(image, "/tmp/spin.img")], timeout: TimeSpan.FromMinutes(3));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("0", result.ValueAfter("ADD "));
        Assert.Equal("0", result.ValueAfter("DEL1 "));
        Assert.Equal("0", result.ValueAfter("DEL2 "));
        string? slots = result.Lines.FirstOrDefault(static l => l.StartsWith("[{", StringComparison.Ordinal));
        Assert.NotNull(slots);
        // Slot 1: still plugged, unplug pending, never started by the spinning guest.
        Assert.Contains("\"cpu-index\":1,\"qom-path\":\"/machine/peripheral/c1\"", slots, StringComparison.Ordinal);
        Assert.Contains("\"admin-state\":\"enabled\",\"oper-state\":\"standby\",\"unplug-pending\":true", slots, StringComparison.Ordinal);
        Assert.Equal("0", result.ValueAfter("QUIT "));
        Assert.Equal("0", result.ValueAfter("PARKWAY "));
        Assert.Equal("2", result.ValueAfter("TAKEN "));
        string? refusal = result.FirstLineStartingWith("parkway: --qmp:");
        Assert.True(refusal is not null && refusal.Contains("/tmp/taken", StringComparison.Ordinal), result.ToString());
    }
}
