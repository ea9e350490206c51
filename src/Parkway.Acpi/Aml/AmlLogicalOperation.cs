namespace Parkway.Acpi.Aml;

/// <summary>
/// Logical operators that yield True (Ones) or False (Zero) and take no target: ASL
/// <c>LEqual</c>, <c>LLess</c>, <c>LGreater</c>, <c>LAnd</c>, <c>LOr</c>, <c>LNot</c>.
/// </summary>
public sealed class AmlLogicalOperation : IAmlWritable
{
    private readonly byte _opcode;
    private readonly IAmlWritable[] _operands;

    private AmlLogicalOperation(byte opcode, params IAmlWritable[] operands)
    {
        foreach (var operand in operands)
        {
            ArgumentNullException.ThrowIfNull(operand);
        }

        _opcode = opcode;
        _operands = operands;
    }

    /// <summary>The operands (one for LNot, two otherwise).</summary>
    public IReadOnlyList<IAmlWritable> Operands => _operands;

    /// <summary>ASL <c>LEqual (left, right)</c>, <c>left == right</c>.</summary>
    public static AmlLogicalOperation Equal(IAmlWritable left, IAmlWritable right) => new(AmlOpcodes.LEqualOp, left, right);

    /// <summary>ASL <c>LLess (left, right)</c>, <c>left &lt; right</c>.</summary>
    public static AmlLogicalOperation Less(IAmlWritable left, IAmlWritable right) => new(AmlOpcodes.LLessOp, left, right);

    /// <summary>ASL <c>LGreater (left, right)</c>, <c>left &gt; right</c>.</summary>
    public static AmlLogicalOperation Greater(IAmlWritable left, IAmlWritable right) => new(AmlOpcodes.LGreaterOp, left, right);

    /// <summary>ASL <c>LAnd (left, right)</c>, <c>left &amp;&amp; right</c>.</summary>
    public static AmlLogicalOperation And(IAmlWritable left, IAmlWritable right) => new(AmlOpcodes.LAndOp, left, right);

    /// <summary>ASL <c>LOr (left, right)</c>, <c>left || right</c>.</summary>
    public static AmlLogicalOperation Or(IAmlWritable left, IAmlWritable right) => new(AmlOpcodes.LOrOp, left, right);

    /// <summary>ASL <c>LNot (operand)</c>, <c>!operand</c>.</summary>
    public static AmlLogicalOperation Not(IAmlWritable operand) => new(AmlOpcodes.LNotOp, operand);

    /// <inheritdoc />
    public void WriteTo(AmlWriter writer)
    {
        writer.WriteByte(_opcode);
        foreach (var operand in _operands)
        {
            writer.Write(operand);
        }
    }
}
