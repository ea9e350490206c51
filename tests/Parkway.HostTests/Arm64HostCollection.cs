namespace Parkway.HostTests;

/// <summary>
/// Every test that boots the arm64 test host belongs to this collection: each boot keeps both of
/// the machine's cores busy for seconds, so running two at once only makes both slower (and risks
/// their timeouts). Put <c>[Collection(Arm64HostCollection.Name)]</c> on such test classes.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class Arm64HostCollection
{
    /// <summary>The collection's name, for <c>[Collection]</c>.</summary>
    public const string Name = "arm64 test host";
}
