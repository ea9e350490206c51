namespace Parkway.Threading;

/// <summary>The kinds of thread Parkway starts itself, each confined by its own filter (<see cref="ThreadConfinement"/>).</summary>
public enum ThreadKind
{
    /// <summary>A <c>vcpu&lt;N&gt;</c> thread: KVM_RUN and the exits it handles.</summary>
    Vcpu,
    /// <summary>A device worker (queue processing, backend I/O) or a device's input pump.</summary>
    Device,
}
