using System.Diagnostics;
using Parkway.Threading;

namespace Parkway.Machine.Hotplug;

/// <summary>
/// Follows every plug and unplug from its request to its end and reports each as a
/// <see cref="HotplugTimeline"/>; tracks the CPUs of the current resize and reports its end; keeps
/// the hot-plug counters and recent latencies the metrics file prints. Architecture-neutral and
/// fed by the controller (requests) and the CPU manager's events (guest steps).
/// </summary>
/// <remarks>
/// Its lock is a leaf (<see cref="LockRank.HotplugRecords"/>): state changes under it, events are
/// raised after it is released, on whichever thread reported the step (a vCPU thread, a timer, the
/// control plane).
/// </remarks>
public sealed class HotplugRecorder
{
    /// <summary>Latency samples kept per kind for the percentiles (the most recent ones).</summary>
    public const int LatencySamples = 1024;

    private readonly RankedLock _lock = new(LockRank.HotplugRecords, nameof(HotplugRecorder));
    private readonly Entry?[] _active;
    private readonly LatencyWindow _plugLatencies = new(LatencySamples);
    private readonly LatencyWindow _unplugLatencies = new(LatencySamples);
    private Batch? _batch;
    private long _plugsRequested, _plugsCompleted, _unplugsRequested, _unplugsCompleted, _unplugsRefused, _unplugsTimedOut, _resizes;

    /// <summary>Creates a recorder for <paramref name="slots"/> CPU slots.</summary>
    public HotplugRecorder(int slots) => _active = new Entry?[slots];

    /// <summary>A plug or unplug ended (raised once per request, with no lock held).</summary>
    public event Action<HotplugTimeline>? Completed;

    /// <summary>Every CPU of a resize has ended, or a newer resize replaced it (no lock held).</summary>
    public event Action<ResizeSummary>? ResizeCompleted;

    /// <summary>A request was accepted. A repeated unplug request of a CPU already being unplugged keeps its first time.</summary>
    public void Accepted(int slot, HotplugKind kind, DateTimeOffset requestedAt)
    {
        using (_lock.EnterScope())
        {
            if (_active[slot] is { } current && current.Kind == kind && kind == HotplugKind.Unplug)
            {
                return;
            }

            _active[slot] = new Entry(kind, requestedAt, Stopwatch.GetTimestamp());
            if (kind == HotplugKind.Plug)
            {
                _plugsRequested++;
            }
            else
            {
                _unplugsRequested++;
            }
        }
    }

    /// <summary>The plugged CPU's thread was started.</summary>
    public void ThreadStarted(int slot) => Step(slot, static (e, t) => e.ThreadStarted ??= t);

    /// <summary>The guest reported _OST for the CPU.</summary>
    public void GuestOst(int slot) => Step(slot, static (e, t) => e.GuestOst ??= t);

    /// <summary>The guest stopped the CPU (CPU_OFF).</summary>
    public void GuestCpuOff(int slot) => Step(slot, static (e, t) => e.GuestCpuOff ??= t);

    /// <summary>The guest started the CPU (CPU_ON): a plug is complete.</summary>
    public void GuestCpuOn(int slot)
    {
        Step(slot, static (e, t) => e.GuestCpuOn ??= t);
        Finish(slot, HotplugKind.Plug, HotplugOutcome.Completed);
    }

    /// <summary>The ejected CPU's thread stopped and the slot is parked: an unplug is complete.</summary>
    public void ThreadStopped(int slot)
    {
        Step(slot, static (e, t) => e.ThreadStopped ??= t);
        Finish(slot, HotplugKind.Unplug, HotplugOutcome.Completed);
    }

    /// <summary>An unplug ended without an eject.</summary>
    public void UnplugFailed(int slot, UnplugFailure failure) =>
        Finish(slot, HotplugKind.Unplug, failure == UnplugFailure.TimedOut ? HotplugOutcome.TimedOut : HotplugOutcome.GuestRefused);

    /// <summary>
    /// A resize started with these CPUs to plug and unplug. A resize still unfinished is reported
    /// now, its unfinished CPUs listed. A resize with nothing to do is reported at once.
    /// </summary>
    public void ResizeStarted(int count, IReadOnlyList<int> plugs, IReadOnlyList<int> unplugs)
    {
        ResizeSummary? replaced;
        ResizeSummary? empty = null;
        using (_lock.EnterScope())
        {
            replaced = _batch?.Summary(unfinished: true);
            _resizes++;
            _batch = new Batch(count, Stopwatch.GetTimestamp(), [.. plugs, .. unplugs]);
            if (_batch.Outstanding.Count == 0)
            {
                empty = _batch.Summary(unfinished: false);
                _batch = null;
            }
        }

        if (replaced is not null)
        {
            ResizeCompleted?.Invoke(replaced);
        }

        if (empty is not null)
        {
            ResizeCompleted?.Invoke(empty);
        }
    }

    /// <summary>The counters and latency percentiles at this instant.</summary>
    public HotplugStatistics Statistics()
    {
        using (_lock.EnterScope())
        {
            return new HotplugStatistics(
                _plugsRequested, _plugsCompleted, _unplugsRequested, _unplugsCompleted, _unplugsRefused, _unplugsTimedOut, _resizes,
                _plugLatencies.Percentiles(), _unplugLatencies.Percentiles());
        }
    }

    private void Step(int slot, Action<Entry, long> record)
    {
        using (_lock.EnterScope())
        {
            if (_active[slot] is { } entry)
            {
                record(entry, Stopwatch.GetTimestamp());
            }
        }
    }

    private void Finish(int slot, HotplugKind kind, HotplugOutcome outcome)
    {
        HotplugTimeline timeline;
        ResizeSummary? resized = null;
        using (_lock.EnterScope())
        {
            if (_active[slot] is not { } entry || entry.Kind != kind)
            {
                return;
            }

            _active[slot] = null;
            timeline = entry.ToTimeline(slot, outcome, Stopwatch.GetTimestamp());
            Count(timeline);
            if (_batch is { } batch && batch.Outstanding.Remove(slot))
            {
                (outcome != HotplugOutcome.Completed ? batch.Failed : kind == HotplugKind.Plug ? batch.Plugged : batch.Unplugged).Add(slot);
                if (batch.Outstanding.Count == 0)
                {
                    resized = batch.Summary(unfinished: false);
                    _batch = null;
                }
            }
        }

        Completed?.Invoke(timeline);
        if (resized is not null)
        {
            ResizeCompleted?.Invoke(resized);
        }
    }

    private void Count(HotplugTimeline timeline)
    {
        switch (timeline)
        {
            case { Kind: HotplugKind.Plug }:
                _plugsCompleted++;
                _plugLatencies.Add(timeline.CompletedMs);
                break;
            case { Outcome: HotplugOutcome.Completed }:
                _unplugsCompleted++;
                _unplugLatencies.Add(timeline.CompletedMs);
                break;
            case { Outcome: HotplugOutcome.GuestRefused }:
                _unplugsRefused++;
                break;
            default:
                _unplugsTimedOut++;
                break;
        }
    }

    private static double Milliseconds(long from, long? to) => to is { } end ? Stopwatch.GetElapsedTime(from, end).TotalMilliseconds : double.NaN;

    private sealed class Entry(HotplugKind kind, DateTimeOffset requestedAt, long accepted)
    {
        public HotplugKind Kind { get; } = kind;
        public long? ThreadStarted { get; set; }
        public long? GuestCpuOn { get; set; }
        public long? GuestCpuOff { get; set; }
        public long? GuestOst { get; set; }
        public long? ThreadStopped { get; set; }

        public HotplugTimeline ToTimeline(int slot, HotplugOutcome outcome, long now) => new(
            Kind, slot, requestedAt,
            Since(ThreadStarted), Since(GuestCpuOn), Since(GuestCpuOff), Since(GuestOst), Since(ThreadStopped),
            Milliseconds(accepted, now), outcome);

        private double? Since(long? step) => step is null ? null : Milliseconds(accepted, step);
    }

    private sealed class Batch(int count, long started, IEnumerable<int> slots)
    {
        public HashSet<int> Outstanding { get; } = [.. slots];
        public List<int> Plugged { get; } = [];
        public List<int> Unplugged { get; } = [];
        public List<int> Failed { get; } = [];

        public ResizeSummary Summary(bool unfinished) => new(
            count, [.. Plugged.Order()], [.. Unplugged.Order()], [.. Failed.Order()],
            unfinished ? [.. Outstanding.Order()] : [], Milliseconds(started, Stopwatch.GetTimestamp()));
    }
}
