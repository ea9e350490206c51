namespace Parkway.Acpi.Aml;

/// <summary>ASL <c>Increment (target)</c> / <c>Decrement (target)</c> (<c>target++</c> / <c>target--</c>).</summary>
public sealed class AmlIncrement : IAmlWritable
{
    private readonly byte _opcode;

    private AmlIncrement(byte opcode, IAmlWritable target)
    {
        ArgumentNullException.ThrowIfNull(target);
        _opcode = opcode;
        Target = target;
    }

    /// <summary>The variable changed.</summary>
    public IAmlWritable Target { get; }

    /// <summary>ASL <c>Increment (target)</c>.</summary>
    public static AmlIncrement Increment(IAmlWritable target) => new(AmlOpcodes.IncrementOp, target);

    /// <summary>ASL <c>Decrement (target)</c>.</summary>
    public static AmlIncrement Decrement(IAmlWritable target) => new(AmlOpcodes.DecrementOp, target);

    /// <inheritdoc />
    public void WriteTo(AmlWriter writer)
    {
        writer.WriteByte(_opcode);
        writer.Write(Target);
    }
}
