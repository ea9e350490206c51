using System.Text.Json.Serialization;

namespace Parkway.Qmp;

/// <summary>A wall-clock time in QMP's event timestamp shape: seconds and microseconds since the Unix epoch.</summary>
public sealed record QmpTimestamp(
    [property: JsonPropertyName("seconds")] long Seconds,
    [property: JsonPropertyName("microseconds")] long Microseconds)
{
    /// <summary>The timestamp of <paramref name="time"/>.</summary>
    public static QmpTimestamp From(DateTimeOffset time)
    {
        long microseconds = (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;
        return new QmpTimestamp(microseconds / 1_000_000, microseconds % 1_000_000);
    }
}
