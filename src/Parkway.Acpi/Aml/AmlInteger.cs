namespace Parkway.Acpi.Aml;

/// <summary>
/// An integer constant, encoded in the smallest form (ACPI 6.5 §20.2.3): ZeroOp, OneOp, OnesOp
/// (only for <see cref="Ones"/>), then Byte/Word/DWord/QWord prefixes.
/// </summary>
public sealed class AmlInteger : IAmlWritable
{
    /// <summary>ASL <c>Zero</c>.</summary>
    public static readonly AmlInteger Zero = new(0);

    /// <summary>ASL <c>One</c>.</summary>
    public static readonly AmlInteger One = new(1);

    /// <summary>ASL <c>Ones</c> (all bits set, encoded as OnesOp).</summary>
    public static readonly AmlInteger Ones = new(ulong.MaxValue, useOnesOp: true);

    private readonly bool _useOnesOp;

    /// <summary>Creates an integer constant.</summary>
    public AmlInteger(ulong value)
        : this(value, useOnesOp: false)
    {
    }

    private AmlInteger(ulong value, bool useOnesOp)
    {
        Value = value;
        _useOnesOp = useOnesOp;
    }

    /// <summary>The value.</summary>
    public ulong Value { get; }

    /// <inheritdoc />
    public void WriteTo(AmlWriter writer)
    {
        if (_useOnesOp)
        {
            writer.WriteByte(AmlOpcodes.OnesOp);
            return;
        }

        switch (Value)
        {
            case 0:
                writer.WriteByte(AmlOpcodes.ZeroOp);
                break;
            case 1:
                writer.WriteByte(AmlOpcodes.OneOp);
                break;
            case <= byte.MaxValue:
                writer.WriteByte(AmlOpcodes.BytePrefix);
                writer.WriteByte((byte)Value);
                break;
            case <= ushort.MaxValue:
                writer.WriteByte(AmlOpcodes.WordPrefix);
                writer.WriteUInt16((ushort)Value);
                break;
            case <= uint.MaxValue:
                writer.WriteByte(AmlOpcodes.DWordPrefix);
                writer.WriteUInt32((uint)Value);
                break;
            default:
                writer.WriteByte(AmlOpcodes.QWordPrefix);
                writer.WriteUInt64(Value);
                break;
        }
    }
}
