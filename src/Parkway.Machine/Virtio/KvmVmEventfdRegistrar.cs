using Parkway.Interop;
using Parkway.Kvm;
using Parkway.Virtio.Wiring;

namespace Parkway.Machine.Virtio;

/// <summary>The virtio core's two KVM requests, made on the machine's VM fd.</summary>
public sealed class KvmVmEventfdRegistrar(KvmVm vm) : IKvmEventfdRegistrar
{
    /// <inheritdoc />
    public void Ioeventfd(in KvmIoeventfd request) => vm.Ioeventfd(request);

    /// <inheritdoc />
    public void Irqfd(in KvmIrqfd request) => vm.Irqfd(request);
}
