namespace Parkway.Threading;

/// <summary>Confines the calling thread for good (a seccomp filter in <c>parkway run</c>).</summary>
public interface IThreadConfiner
{
    /// <summary>Confines the calling thread as a thread of <paramref name="kind"/>; throws when that fails.</summary>
    void Confine(ThreadKind kind);
}
