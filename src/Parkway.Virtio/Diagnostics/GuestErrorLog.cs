using Microsoft.Extensions.Logging;

namespace Parkway.Virtio.Diagnostics;

/// <summary>
/// The one place guest-caused device errors are logged (virtio devices, and the ACPI register blocks
/// through the string-keyed overload). Each (device, kind) pair is logged at most
/// once per <see cref="Interval"/>; repeats inside the interval are counted and the count is
/// reported with the next line that gets through. A hostile guest can therefore not flood the
/// host's log, yet every new kind of mistake is visible at once. Thread-safe: vCPU threads
/// (register writes) and device threads (queue parsing) report concurrently.
/// </summary>
public sealed partial class GuestErrorLog
{
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Device, string Kind), Entry> _entries = [];

    /// <summary>Creates the log; <paramref name="time"/> defaults to the system clock.</summary>
    public GuestErrorLog(ILogger logger, TimeSpan interval, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        _logger = logger;
        Interval = interval;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The minimum time between two lines of one (device, kind).</summary>
    public TimeSpan Interval { get; }

    /// <summary>Records one guest error; returns true when it was written to the log.</summary>
    public bool Report(string device, GuestErrorKind kind, string detail) => Report(device, kind.ToString(), detail);

    /// <summary>
    /// Records one guest error of a kind named by the caller (a device outside virtio, with its own
    /// list of kinds); returns true when it was written to the log.
    /// </summary>
    public bool Report(string device, string kind, string detail)
    {
        long now = _time.GetTimestamp();
        int suppressed;
        lock (_lock)
        {
            var key = (device, kind);
            if (_entries.TryGetValue(key, out Entry? entry) && _time.GetElapsedTime(entry.LastLogged, now) < Interval)
            {
                entry.Suppressed++;
                return false;
            }

            suppressed = entry?.Suppressed ?? 0;
            _entries[key] = new Entry { LastLogged = now };
        }

        // Logged outside the lock: a slow sink must not stall the other reporters.
        if (suppressed == 0)
        {
            LogGuestError(_logger, device, kind, detail);
        }
        else
        {
            LogGuestErrorWithSuppressed(_logger, device, kind, detail, suppressed);
        }

        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Device}: guest error {Kind}: {Detail} (request refused, VM keeps running)")]
    private static partial void LogGuestError(ILogger logger, string device, string kind, string detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Device}: guest error {Kind}: {Detail} (request refused, VM keeps running; {Suppressed} more since the last report)")]
    private static partial void LogGuestErrorWithSuppressed(ILogger logger, string device, string kind, string detail, int suppressed);

    private sealed class Entry
    {
        public long LastLogged { get; init; }

        public int Suppressed { get; set; }
    }
}
