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
    private readonly ConcurrentQueue<string> _transcript = new();

    public GuestConsole(Process parkway)
    {
        var reader = new Thread(() =>
        {
            while (parkway.StandardOutput.ReadLine() is { } line)
            {
                string text = line.TrimEnd('\r');
                _transcript.Enqueue(text);
                _lines.Add((DateTimeOffset.UtcNow, text));
            }

            _lines.CompleteAdding();
        }) { IsBackground = true, Name = "guest-console" };
        reader.Start();
    }

    /// <summary>Every line read so far, in order (also the ones <see cref="WaitFor"/> skipped).</summary>
    public IReadOnlyList<string> Transcript => [.. _transcript];

    /// <summary>
    /// Waits for a line containing <paramref name="text"/> (ending with it when
    /// <paramref name="atLineEnd"/>: "online=0 enabled=0" must not match "online=0 enabled=0-1");
    /// returns when it arrived.
    /// </summary>
    public DateTimeOffset WaitFor(string text, TimeSpan timeout, bool atLineEnd = false)
    {
        DateTime deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_lines.TryTake(out var entry, TimeSpan.FromMilliseconds(100)) && (atLineEnd ? entry.Line.EndsWith(text, StringComparison.Ordinal) : entry.Line.Contains(text, StringComparison.Ordinal)))
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
