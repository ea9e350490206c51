namespace Parkway.Fdt;

/// <summary>
/// Node and property name rules of the Devicetree Specification (v0.4 §2.2.1 and §2.2.4). Enforcing
/// them at build time turns a typo into an exception here instead of a silently ignored node in the
/// guest kernel or a dtc warning later.
/// </summary>
internal static class FdtNames
{
    /// <summary>Both the node-name part and property names are limited to 31 characters.</summary>
    public const int MaxNameLength = 31;

    public static void ValidateNodeName(string name, bool isRoot)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (isRoot)
        {
            if (name.Length != 0)
            {
                throw new ArgumentException($"The root node must be named \"\" (got \"{name}\").", nameof(name));
            }

            return;
        }

        if (name.Length == 0)
        {
            throw new ArgumentException("Only the root node may have an empty name.", nameof(name));
        }

        int at = name.IndexOf('@', StringComparison.Ordinal);
        string baseName = at < 0 ? name : name[..at];
        if (baseName.Length is 0 or > MaxNameLength)
        {
            throw new ArgumentException(
                $"Node name \"{name}\": the part before '@' must be 1 to {MaxNameLength} characters long.", nameof(name));
        }

        if (!char.IsAsciiLetter(baseName[0]))
        {
            throw new ArgumentException($"Node name \"{name}\" must start with a letter.", nameof(name));
        }

        ThrowIfBadCharacter(name, baseName, IsNodeNameCharacter, "node name");
        if (at >= 0)
        {
            string unitAddress = name[(at + 1)..];
            if (unitAddress.Length == 0)
            {
                throw new ArgumentException($"Node name \"{name}\" has an empty unit address after '@'.", nameof(name));
            }

            // A second '@' is caught here: '@' is not a valid unit-address character.
            ThrowIfBadCharacter(name, unitAddress, IsNodeNameCharacter, "unit address");
        }
    }

    public static void ValidatePropertyName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length is 0 or > MaxNameLength)
        {
            throw new ArgumentException(
                $"Property name \"{name}\" must be 1 to {MaxNameLength} characters long.", nameof(name));
        }

        ThrowIfBadCharacter(name, name, IsPropertyNameCharacter, "property name");
    }

    private static bool IsNodeNameCharacter(char c) =>
        char.IsAsciiLetterOrDigit(c) || c is ',' or '.' or '_' or '+' or '-';

    private static bool IsPropertyNameCharacter(char c) => IsNodeNameCharacter(c) || c is '?' or '#';

    private static void ThrowIfBadCharacter(string name, string part, Func<char, bool> isAllowed, string what)
    {
        foreach (char c in part)
        {
            if (!isAllowed(c))
            {
                throw new ArgumentException(
                    $"Invalid character '{c}' (U+{(int)c:X4}) in {what} of \"{name}\".", nameof(name));
            }
        }
    }
}
