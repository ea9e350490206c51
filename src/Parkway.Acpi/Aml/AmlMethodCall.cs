namespace Parkway.Acpi.Aml;

/// <summary>
/// A method invocation, ASL <c>PATH (arg, ...)</c>. AML has no call opcode: the name is followed
/// by as many argument terms as the method declares, so the argument count must match.
/// </summary>
public sealed class AmlMethodCall : IAmlWritable
{
    /// <summary>Calls <paramref name="method"/> with <paramref name="arguments"/>.</summary>
    public AmlMethodCall(string method, params IAmlWritable[] arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(arguments.Length, 7);
        Method = new AmlPath(method);
        Arguments = arguments.ToArray();
    }

    /// <summary>The method's path.</summary>
    public AmlPath Method { get; }

    /// <summary>The argument terms.</summary>
    public IReadOnlyList<IAmlWritable> Arguments { get; }

    /// <inheritdoc />
    public void WriteTo(AmlWriter writer)
    {
        writer.Write(Method);
        writer.WriteAll(Arguments);
    }
}
