using System.Collections.Concurrent;
using System.Diagnostics;

namespace Parkway.Bench;

/// <summary>
/// Parkway's stdout (the guest's serial console), read line by line on a background thread, with
/// the wall-clock time each line arrived.
/// </summary>
internal sealed class GuestConsole
{
    private readonly BlockingCollection<(DateTimeOffset At, string Line)> _lines = [];

    public GuestConsole(Process parkway)
    {
        var reader = new Thread(() =>
        {
            while (parkway.StandardOutput.ReadLine() is { } line)
            {
                _lines.Add((DateTimeOffset.UtcNow, line.TrimEnd('\r')));
            }

            _lines.CompleteAdding();
        }) { IsBackground = true, Name = "guest-console" };
        reader.Start();
    }

    /// <summary>Waits for a line containing <paramref name="text"/>; returns when it arrived.</summary>
    public DateTimeOffset WaitFor(string text, TimeSpan timeout)
    {
        DateTime deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_lines.TryTake(out var entry, TimeSpan.FromMilliseconds(100)) && entry.Line.Contains(text, StringComparison.Ordinal))
            {
                return entry.At;
            }

            if (_lines.IsCompleted)
            {
                break;
            }
        }

        throw new TimeoutException($"the guest did not print \"{text}\" within {timeout.TotalSeconds:0} s");
    }
}
