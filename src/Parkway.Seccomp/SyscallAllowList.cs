namespace Parkway.Seccomp;

/// <summary>
/// The syscalls one kind of thread may make, one rule per syscall name, in the order the filter
/// tests them (put the hottest first). Lists combine with <see cref="Union"/>, which is how the
/// process-wide list is made from the per-kind ones.
/// </summary>
public sealed class SyscallAllowList
{
    private readonly List<SyscallRule> _rules = [];
    private readonly Dictionary<string, int> _indexByName = new(StringComparer.Ordinal);

    /// <summary>Creates a list from rules; a name given twice is merged as in <see cref="Union"/>.</summary>
    public SyscallAllowList(string name, IEnumerable<SyscallRule> rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        Name = name;
        foreach (SyscallRule rule in rules)
        {
            Add(rule);
        }
    }

    /// <summary>What the list is for (vcpu, device, process), for messages.</summary>
    public string Name { get; }

    /// <summary>The rules, in filter order.</summary>
    public IReadOnlyList<SyscallRule> Rules => _rules;

    /// <summary>The rule for <paramref name="syscall"/>, or null when the call is not allowed at all.</summary>
    public SyscallRule? Find(string syscall) => _indexByName.TryGetValue(syscall, out int index) ? _rules[index] : null;

    /// <summary>A list allowing whatever any of <paramref name="lists"/> allows (same-name argument rules merge their values).</summary>
    public static SyscallAllowList Union(string name, params SyscallAllowList[] lists)
    {
        ArgumentNullException.ThrowIfNull(lists);
        return new SyscallAllowList(name, lists.SelectMany(list => list.Rules));
    }

    private void Add(SyscallRule rule)
    {
        if (!_indexByName.TryGetValue(rule.Name, out int index))
        {
            _indexByName[rule.Name] = _rules.Count;
            _rules.Add(rule);
            return;
        }

        _rules[index] = Merge(_rules[index], rule);
    }

    private static SyscallRule Merge(SyscallRule existing, SyscallRule added) => (existing, added) switch
    {
        (SyscallRule.Always, _) => existing,
        (_, SyscallRule.Always) => added,
        (SyscallRule.ArgumentIn a, SyscallRule.ArgumentIn b) when a.Index == b.Index =>
            new SyscallRule.ArgumentIn(a.Name, a.Index, [.. a.Values.Union(b.Values)]),
        _ when existing == added => existing,
        _ => throw new InvalidOperationException($"syscall {existing.Name}: rules '{existing}' and '{added}' cannot be combined"),
    };
}
