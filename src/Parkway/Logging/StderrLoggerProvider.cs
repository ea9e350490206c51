using Microsoft.Extensions.Logging;

namespace Parkway.Logging;

/// <summary>
/// Writes log lines synchronously to stderr ("parkway: info: ..."). Synchronous on purpose: the
/// console logger's background queue loses the last lines when a VMM exits right after logging,
/// and adds a thread to a process whose threads tests count.
/// </summary>
internal sealed class StderrLoggerProvider : ILoggerProvider
{
    private readonly LogLevel _minimum;
    private readonly Lock _lock = new();

    public StderrLoggerProvider(LogLevel minimum) => _minimum = minimum;

    public ILogger CreateLogger(string categoryName) => new StderrLogger(this);

    public void Dispose()
    {
    }

    private void Write(LogLevel level, string message, Exception? exception)
    {
        string text = $"parkway: {Label(level)}: {message}";
        if (exception is not null && level >= LogLevel.Error)
        {
            text += $" ({exception.GetType().Name}: {exception.Message})";
        }

        lock (_lock)
        {
            Console.Error.WriteLine(text);
        }
    }

    private static string Label(LogLevel level) => level switch
    {
        LogLevel.Trace => "trace",
        LogLevel.Debug => "debug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warning",
        LogLevel.Error => "error",
        _ => "critical",
    };

    private sealed class StderrLogger(StderrLoggerProvider provider) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= provider._minimum && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                provider.Write(logLevel, formatter(state, exception), exception);
            }
        }
    }
}
