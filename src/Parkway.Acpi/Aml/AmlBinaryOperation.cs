namespace Parkway.Acpi.Aml;

/// <summary>
/// Arithmetic and bitwise operators with an optional result target: ASL
/// <c>Add (a, b, target)</c>, <c>Subtract</c>, <c>And</c>, <c>Or</c>, <c>ShiftLeft</c>,
/// <c>ShiftRight</c>. Without a target the encoding ends in NullName, i.e. the result is only
/// the expression's value (<c>a + b</c>).
/// </summary>
public sealed class AmlBinaryOperation : IAmlWritable
{
    private readonly byte _opcode;

    private AmlBinaryOperation(byte opcode, IAmlWritable left, IAmlWritable right, IAmlWritable? target)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        _opcode = opcode;
        Left = left;
        Right = right;
        Target = target;
    }

    /// <summary>First operand.</summary>
    public IAmlWritable Left { get; }

    /// <summary>Second operand.</summary>
    public IAmlWritable Right { get; }

    /// <summary>Where the result is also stored, or null.</summary>
    public IAmlWritable? Target { get; }

    /// <summary>ASL <c>Add (left, right, target)</c>.</summary>
    public static AmlBinaryOperation Add(IAmlWritable left, IAmlWritable right, IAmlWritable? target = null) =>
        new(AmlOpcodes.AddOp, left, right, target);

    /// <summary>ASL <c>Subtract (left, right, target)</c>.</summary>
    public static AmlBinaryOperation Subtract(IAmlWritable left, IAmlWritable right, IAmlWritable? target = null) =>
        new(AmlOpcodes.SubtractOp, left, right, target);

    /// <summary>ASL <c>And (left, right, target)</c> (bitwise).</summary>
    public static AmlBinaryOperation And(IAmlWritable left, IAmlWritable right, IAmlWritable? target = null) =>
        new(AmlOpcodes.AndOp, left, right, target);

    /// <summary>ASL <c>Or (left, right, target)</c> (bitwise).</summary>
    public static AmlBinaryOperation Or(IAmlWritable left, IAmlWritable right, IAmlWritable? target = null) =>
        new(AmlOpcodes.OrOp, left, right, target);

    /// <summary>ASL <c>ShiftLeft (value, count, target)</c>.</summary>
    public static AmlBinaryOperation ShiftLeft(IAmlWritable value, IAmlWritable count, IAmlWritable? target = null) =>
        new(AmlOpcodes.ShiftLeftOp, value, count, target);

    /// <summary>ASL <c>ShiftRight (value, count, target)</c>.</summary>
    public static AmlBinaryOperation ShiftRight(IAmlWritable value, IAmlWritable count, IAmlWritable? target = null) =>
        new(AmlOpcodes.ShiftRightOp, value, count, target);

    /// <inheritdoc />
    public void WriteTo(AmlWriter writer)
    {
        writer.WriteByte(_opcode);
        writer.Write(Left);
        writer.Write(Right);
        if (Target is null)
        {
            writer.WriteByte(AmlOpcodes.NullName);
        }
        else
        {
            writer.Write(Target);
        }
    }
}
