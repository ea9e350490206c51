namespace Parkway.Acpi.Aml;

/// <summary>ASL <c>Method (name, argCount, Serialized|NotSerialized) { ... }</c> (sync level 0).</summary>
public sealed class AmlMethod : IAmlWritable
{
    /// <summary>Creates a method.</summary>
    /// <param name="name">The method's name.</param>
    /// <param name="argumentCount">0..7 arguments.</param>
    /// <param name="serialized">Whether concurrent evaluations are serialized by the interpreter.</param>
    /// <param name="body">The method's statements.</param>
    public AmlMethod(string name, int argumentCount, bool serialized, IEnumerable<IAmlWritable> body)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(argumentCount);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(argumentCount, 7);
        Name = new AmlPath(name);
        ArgumentCount = argumentCount;
        Serialized = serialized;
        Body = body.ToArray();
    }

    /// <summary>The method's name.</summary>
    public AmlPath Name { get; }

    /// <summary>Number of arguments.</summary>
    public int ArgumentCount { get; }

    /// <summary>Whether the method is Serialized.</summary>
    public bool Serialized { get; }

    /// <summary>The statements.</summary>
    public IReadOnlyList<IAmlWritable> Body { get; }

    /// <inheritdoc />
    public void WriteTo(AmlWriter writer) => writer.WritePackage([AmlOpcodes.MethodOp], body =>
    {
        body.Write(Name);
        // MethodFlags: bits 2:0 argument count, bit 3 serialized, bits 7:4 sync level (0).
        body.WriteByte((byte)(ArgumentCount | (Serialized ? 0x08 : 0)));
        body.WriteAll(Body);
    });
}
