using Microsoft.Extensions.Logging;

namespace Parkway.Control;

/// <summary>Log messages of the QMP server.</summary>
internal static partial class QmpLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "qmp: {Message}")]
    public static partial void Message(ILogger logger, string message);
}
