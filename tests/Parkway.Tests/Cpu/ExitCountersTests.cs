using Parkway.Machine;

namespace Parkway.Tests.Cpu;

/// <summary>
/// Each vCPU slot counts into its own block on its own thread; the totals are the sums over every
/// slot, whichever thread reads them.
/// </summary>
public sealed class ExitCountersTests
{
    [Fact]
    public void Totals_are_the_sums_over_every_slot_counting_on_its_own_thread()
    {
        var counters = new ExitCounters();
        const int perThread = 10_000;
        Thread[] threads = [.. Enumerable.Range(0, 4).Select(slot => new Thread(() =>
        {
            SlotExitCounts mine = counters.ForSlot(slot * 3);
            for (int i = 0; i < perThread; i++)
            {
                mine.CountMmio(handled: i % 10 != 0);
                if (i % 100 == 0)
                {
                    mine.CountInterrupted();
                }
            }

            mine.CountSystemEvent();
        }))];

        foreach (Thread thread in threads)
        {
            thread.Start();
        }

        foreach (Thread thread in threads)
        {
            thread.Join();
        }

        Assert.Equal(4L * perThread, counters.Mmio);
        Assert.Equal(4L * perThread / 10, counters.UnhandledMmio);
        Assert.Equal(4L * perThread / 100, counters.Interrupted);
        Assert.Equal(4, counters.SystemEvent);
        Assert.Equal(0, counters.PortIo + counters.UnhandledPortIo + counters.Hypercall + counters.Other);
    }

    [Fact]
    public void A_slot_gets_the_same_block_every_time_and_fresh_counters_read_zero()
    {
        var counters = new ExitCounters();
        Assert.Equal(0, counters.Mmio);
        SlotExitCounts first = counters.ForSlot(5);
        first.CountPortIo(handled: false);

        Assert.Same(first, counters.ForSlot(5));
        _ = counters.ForSlot(40);
        Assert.Same(first, counters.ForSlot(5));
        Assert.Equal(1, counters.PortIo);
        Assert.Equal(1, counters.UnhandledPortIo);
        Assert.Contains("port-io=1 (unhandled 1)", counters.ToString(), StringComparison.Ordinal);
    }
}
