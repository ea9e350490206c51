namespace Parkway.Qmp.Fuzz;

/// <summary>
/// Picks how each input is made: a seed as it is, a structure mutant (exact reply predicted), byte
/// mutants of seeds or of structure mutants; then how it is cut into writes and whether the client
/// half-closes afterwards. Deterministic for a given seed value.
/// </summary>
internal sealed class InputGenerator
{
    private readonly Random _random;
    private readonly IReadOnlyList<byte[]> _seeds;
    private readonly StructureMutator _structure;
    private readonly ByteMutator _bytes;

    public InputGenerator(IReadOnlyList<byte[]> seeds, int seed)
    {
        _random = new Random(seed);
        _seeds = seeds;
        _structure = new StructureMutator(_random);
        _bytes = new ByteMutator(_random);
    }

    public FuzzInput Next()
    {
        byte[] seed = Pick();
        FuzzInput input = _random.Next(100) switch
        {
            < 5 => new FuzzInput(seed, [], false, null),
            < 45 => _structure.Mutate(seed),
            < 75 => new FuzzInput(_bytes.Mutate(seed, Pick()), [], false, null),
            _ => new FuzzInput(_bytes.Mutate(_structure.Mutate(seed).Bytes, Pick()), [], false, null),
        };

        return input with { Cuts = Cuts(input.Bytes.Length), CloseAfter = _random.Next(50) == 0 };
    }

    private byte[] Pick() => _seeds[_random.Next(_seeds.Count)];

    /// <summary>Where the writes end: usually one write, sometimes a few cuts, sometimes one byte per write.</summary>
    private int[] Cuts(int length)
    {
        if (length < 2)
        {
            return [];
        }

        int choice = _random.Next(10);
        if (choice == 0 && length <= 256)
        {
            return Enumerable.Range(1, length - 1).ToArray();
        }

        if (choice <= 3)
        {
            return Enumerable.Range(0, _random.Next(1, 5)).Select(_ => _random.Next(1, length)).Distinct().Order().ToArray();
        }

        return [];
    }
}
