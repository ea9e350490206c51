namespace Parkway.Acpi.Aml;

/// <summary>AML opcode values (ACPI 6.5 §20.3), named as in the specification's grammar.</summary>
internal static class AmlOpcodes
{
    public const byte ZeroOp = 0x00;
    public const byte OneOp = 0x01;
    public const byte NameOp = 0x08;
    public const byte BytePrefix = 0x0A;
    public const byte WordPrefix = 0x0B;
    public const byte DWordPrefix = 0x0C;
    public const byte StringPrefix = 0x0D;
    public const byte QWordPrefix = 0x0E;
    public const byte ScopeOp = 0x10;
    public const byte BufferOp = 0x11;
    public const byte PackageOp = 0x12;
    public const byte VarPackageOp = 0x13;
    public const byte MethodOp = 0x14;
    public const byte DualNamePrefix = 0x2E;
    public const byte MultiNamePrefix = 0x2F;
    public const byte ExtOpPrefix = 0x5B;
    public const byte RootChar = 0x5C;
    public const byte ParentPrefixChar = 0x5E;
    public const byte NullName = 0x00;
    public const byte Local0Op = 0x60;
    public const byte Arg0Op = 0x68;
    public const byte StoreOp = 0x70;
    public const byte AddOp = 0x72;
    public const byte IncrementOp = 0x75;
    public const byte DecrementOp = 0x76;
    public const byte SubtractOp = 0x74;
    public const byte ShiftLeftOp = 0x79;
    public const byte ShiftRightOp = 0x7A;
    public const byte AndOp = 0x7B;
    public const byte OrOp = 0x7D;
    public const byte NotifyOp = 0x86;
    public const byte LAndOp = 0x90;
    public const byte LOrOp = 0x91;
    public const byte LNotOp = 0x92;
    public const byte LEqualOp = 0x93;
    public const byte LGreaterOp = 0x94;
    public const byte LLessOp = 0x95;
    public const byte IfOp = 0xA0;
    public const byte ElseOp = 0xA1;
    public const byte WhileOp = 0xA2;
    public const byte ReturnOp = 0xA4;
    public const byte BreakOp = 0xA5;
    public const byte OnesOp = 0xFF;

    // Second bytes after ExtOpPrefix.
    public const byte MutexOp = 0x01;
    public const byte AcquireOp = 0x23;
    public const byte ReleaseOp = 0x27;
    public const byte OpRegionOp = 0x80;
    public const byte FieldOp = 0x81;
    public const byte DeviceOp = 0x82;
}
