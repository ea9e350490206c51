using Parkway.Machine;
using Parkway.Machine.Hotplug;

namespace Parkway.Tests.Hotplug;

/// <summary>Which CPUs a resize to N touches, and when it is refused (issue 11, point 1).</summary>
public sealed class ResizePlannerTests
{
    // "B" boot CPU (plugged, must stay), "P" plugged, "U" plugged with an unplug pending,
    // "." parked, "s" ejected but its thread still stopping, "b" boot CPU that may be unplugged.
    private static ResizeSlot[] Slots(string layout) =>
    [
        .. layout.Select(static (c, i) => c switch
        {
            'B' => new ResizeSlot(i, true, false, true, CanUnplug: false),
            'b' => new ResizeSlot(i, true, false, true, CanUnplug: true),
            'P' => new ResizeSlot(i, true, false, true, CanUnplug: true),
            'U' => new ResizeSlot(i, true, true, true, CanUnplug: true),
            's' => new ResizeSlot(i, false, false, true, CanUnplug: true),
            _ => new ResizeSlot(i, false, false, false, CanUnplug: true),
        }),
    ];

    [Theory]
    [InlineData("B.......", 4, new[] { 1, 2, 3 })]
    [InlineData("B.P..P..", 6, new[] { 1, 3, 4 })]
    [InlineData("B.......", 8, new[] { 1, 2, 3, 4, 5, 6, 7 })]
    [InlineData("BUP.....", 4, new[] { 3, 4 })] // a CPU being unplugged does not count
    public void Growing_plugs_the_lowest_numbered_parked_slots(string layout, int count, int[] plugged)
    {
        ResizePlan plan = ResizePlanner.Plan(Slots(layout), count);

        Assert.Equal(plugged, plan.Plug);
        Assert.Empty(plan.Unplug);
    }

    [Theory]
    [InlineData("BPPP....", 1, new[] { 3, 2, 1 })]
    [InlineData("BP.P.P..", 2, new[] { 5, 3 })]
    [InlineData("BPPU....", 2, new[] { 2 })] // the pending one is already leaving
    [InlineData("bPPP", 1, new[] { 3, 2, 1 })]
    [InlineData("bbbb", 1, new[] { 3, 2, 1 })] // hotpluggable boot CPUs go too, CPU 0 last
    public void Shrinking_unplugs_the_highest_numbered_cpus_that_may_go(string layout, int count, int[] unplugged)
    {
        ResizePlan plan = ResizePlanner.Plan(Slots(layout), count);

        Assert.Empty(plan.Plug);
        Assert.Equal(unplugged, plan.Unplug);
    }

    [Fact]
    public void The_same_count_changes_nothing()
    {
        ResizePlan plan = ResizePlanner.Plan(Slots("BPP....."), 3);

        Assert.Empty(plan.Plug);
        Assert.Empty(plan.Unplug);
    }

    [Theory]
    [InlineData("B.......", 0, "Parameter 'count' expects a value between 1 and 8")]
    [InlineData("B.......", -3, "Parameter 'count' expects a value between 1 and 8")]
    [InlineData("B.......", 9, "Parameter 'count' expects a value between 1 and 8")]
    [InlineData("BBP.....", 1, "Parameter 'count' expects a value between 2 and 8")]
    [InlineData("BPUUs", 5, "Cannot plug 3 CPUs now: 3 are still being unplugged; retry when DEVICE_DELETED arrives")]
    public void Impossible_counts_are_refused(string layout, int count, string message)
    {
        var error = Assert.Throws<MachineRequestException>(() => ResizePlanner.Plan(Slots(layout), count));

        Assert.Equal(MachineErrorKind.Generic, error.Kind);
        Assert.Equal(message, error.Message);
    }
}
