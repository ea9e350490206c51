namespace Parkway.Acpi.Aml;

/// <summary>Field access width (FieldFlags bits 3:0).</summary>
public enum AmlFieldAccessType : byte
{
    /// <summary>AnyAcc.</summary>
    Any = 0,

    /// <summary>ByteAcc.</summary>
    Byte = 1,

    /// <summary>WordAcc.</summary>
    Word = 2,

    /// <summary>DWordAcc.</summary>
    DWord = 3,

    /// <summary>QWordAcc.</summary>
    QWord = 4,

    /// <summary>BufferAcc.</summary>
    Buffer = 5,
}

/// <summary>Whether field accesses take the global lock (FieldFlags bit 4).</summary>
public enum AmlFieldLockRule : byte
{
    /// <summary>NoLock.</summary>
    NoLock = 0,

    /// <summary>Lock.</summary>
    Lock = 1,
}

/// <summary>What happens to bits outside a written field unit (FieldFlags bits 6:5).</summary>
public enum AmlFieldUpdateRule : byte
{
    /// <summary>Preserve: read-modify-write.</summary>
    Preserve = 0,

    /// <summary>WriteAsOnes.</summary>
    WriteAsOnes = 1,

    /// <summary>WriteAsZeros.</summary>
    WriteAsZeros = 2,
}
