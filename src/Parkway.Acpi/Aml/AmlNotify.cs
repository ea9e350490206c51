namespace Parkway.Acpi.Aml;

/// <summary>ASL <c>Notify (object, value)</c>: 1 = Device Check, 3 = Eject Request, 0x80 = device specific.</summary>
public sealed class AmlNotify : IAmlWritable
{
    /// <summary>Notifies <paramref name="target"/> with <paramref name="value"/>.</summary>
    public AmlNotify(IAmlWritable target, IAmlWritable value)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(value);
        Target = target;
        Value = value;
    }

    /// <summary>The device (or processor/thermal zone) notified.</summary>
    public IAmlWritable Target { get; }

    /// <summary>The notification value.</summary>
    public IAmlWritable Value { get; }

    /// <inheritdoc />
    public void WriteTo(AmlWriter writer)
    {
        writer.WriteByte(AmlOpcodes.NotifyOp);
        writer.Write(Target);
        writer.Write(Value);
    }
}
