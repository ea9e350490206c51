namespace Parkway.Acpi.Aml;

/// <summary>ASL <c>Acquire (mutex, timeoutMs)</c>; 0xFFFF waits forever.</summary>
public sealed class AmlAcquire : IAmlWritable
{
    /// <summary>Wait forever.</summary>
    public const ushort WaitForever = 0xFFFF;

    /// <summary>Acquires <paramref name="mutex"/>.</summary>
    public AmlAcquire(string mutex, ushort timeoutMilliseconds = WaitForever)
    {
        Mutex = new AmlPath(mutex);
        TimeoutMilliseconds = timeoutMilliseconds;
    }

    /// <summary>The mutex.</summary>
    public AmlPath Mutex { get; }

    /// <summary>Timeout in milliseconds.</summary>
    public ushort TimeoutMilliseconds { get; }

    /// <inheritdoc />
    public void WriteTo(AmlWriter writer)
    {
        writer.WriteByte(AmlOpcodes.ExtOpPrefix);
        writer.WriteByte(AmlOpcodes.AcquireOp);
        writer.Write(Mutex);
        writer.WriteUInt16(TimeoutMilliseconds);
    }
}
