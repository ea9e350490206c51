namespace Parkway.Machine.Devices;

/// <summary>
/// Everything a <see cref="Pl031Rtc"/> holds, in one record it can be saved to and rebuilt from.
/// The counter itself is not stored: it is the host's wall clock plus <paramref name="OffsetSeconds"/>,
/// so a guest that loads RTCLR moves its own clock without touching the host's.
/// </summary>
/// <param name="OffsetSeconds">RTCDR minus the host's UNIX time, in seconds (0: the host's time).</param>
/// <param name="Match">RTCMR: when the counter reaches it, the match interrupt is raised.</param>
/// <param name="Load">RTCLR as last written (reads return it).</param>
/// <param name="InterruptMask">RTCIMSC bit 0: the match interrupt reaches the line.</param>
/// <param name="RawInterrupt">RTCRIS bit 0: the match happened and was not cleared.</param>
public sealed record Pl031State(long OffsetSeconds, uint Match, uint Load, bool InterruptMask, bool RawInterrupt)
{
    /// <summary>After power-on: the host's time, nothing matched, the interrupt masked.</summary>
    public static Pl031State Initial { get; } = new(0, 0, 0, false, false);
}
