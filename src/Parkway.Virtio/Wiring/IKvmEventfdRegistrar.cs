using Parkway.Interop;

namespace Parkway.Virtio.Wiring;

/// <summary>
/// The two VM ioctls the virtio transports need, behind an interface so this project does not
/// depend on Parkway.Kvm: the machine implements it with KvmVm (one <c>ioctl(vm_fd, ...)</c> each)
/// and tests with a recorder. The structs come from <see cref="KvmEventfdRequests"/>.
/// </summary>
public interface IKvmEventfdRegistrar
{
    /// <summary>KVM_IOEVENTFD with <paramref name="request"/>.</summary>
    void Ioeventfd(in KvmIoeventfd request);

    /// <summary>KVM_IRQFD with <paramref name="request"/>.</summary>
    void Irqfd(in KvmIrqfd request);
}
