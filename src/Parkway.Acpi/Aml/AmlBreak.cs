namespace Parkway.Acpi.Aml;

/// <summary>ASL <c>Break</c>: leaves the innermost While.</summary>
public sealed class AmlBreak : IAmlWritable
{
    /// <summary>The only instance (the statement has no operands).</summary>
    public static readonly AmlBreak Instance = new();

    private AmlBreak()
    {
    }

    /// <inheritdoc />
    public void WriteTo(AmlWriter writer) => writer.WriteByte(AmlOpcodes.BreakOp);
}
