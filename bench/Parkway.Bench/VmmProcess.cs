using System.Diagnostics;
using System.Globalization;

namespace Parkway.Bench;

/// <summary>
/// One VMM (or any program) started for a measurement: the launch time, its console read line by
/// line with arrival times, and what /proc says about its memory and threads while it runs.
/// </summary>
internal sealed class VmmProcess : IDisposable
{
    private readonly Process _process;

    private VmmProcess(Process process, DateTimeOffset launched)
    {
        _process = process;
        Launched = launched;
        Console = new GuestConsole(process);
    }

    public DateTimeOffset Launched { get; }

    public GuestConsole Console { get; }

    public int Id => _process.Id;

    public static VmmProcess Start(string program, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach ((string name, string value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        // Every measured launch starts on an idle host (the previous VMM's teardown finished).
        HostSettle.Wait();
        DateTimeOffset launched = DateTimeOffset.UtcNow;
        Process process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {program}");
        return new VmmProcess(process, launched);
    }

    /// <summary>Milliseconds from launch until a console line containing <paramref name="text"/>.</summary>
    public double MillisecondsUntil(string text, TimeSpan timeout) => (Console.WaitFor(text, timeout) - Launched).TotalMilliseconds;

    /// <summary>A field of /proc/PID/status in KiB (VmRSS, VmHWM) or as a count (Threads).</summary>
    public long Status(string field)
    {
        foreach (string line in File.ReadLines($"/proc/{_process.Id}/status"))
        {
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
            {
                string value = line[(field.Length + 1)..].Trim();
                int space = value.IndexOf(' ', StringComparison.Ordinal);
                return long.Parse(space < 0 ? value : value[..space], CultureInfo.InvariantCulture);
            }
        }

        throw new InvalidOperationException($"/proc/{_process.Id}/status has no {field}");
    }

    public bool WaitForExit(TimeSpan timeout) => _process.WaitForExit(timeout);

    public int ExitCode => _process.ExitCode;

    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }
}
