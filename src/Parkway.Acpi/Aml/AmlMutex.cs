namespace Parkway.Acpi.Aml;

/// <summary>ASL <c>Mutex (name, syncLevel)</c>.</summary>
public sealed class AmlMutex : IAmlWritable
{
    /// <summary>Declares a mutex.</summary>
    public AmlMutex(string name, byte syncLevel = 0)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(syncLevel, (byte)15);
        Name = new AmlPath(name);
        SyncLevel = syncLevel;
    }

    /// <summary>The mutex's name.</summary>
    public AmlPath Name { get; }

    /// <summary>Sync level 0..15.</summary>
    public byte SyncLevel { get; }

    /// <inheritdoc />
    public void WriteTo(AmlWriter writer)
    {
        writer.WriteByte(AmlOpcodes.ExtOpPrefix);
        writer.WriteByte(AmlOpcodes.MutexOp);
        writer.Write(Name);
        writer.WriteByte(SyncLevel);
    }
}
