using Parkway.Machine.Devices;
using Parkway.Virtio.Transport;

namespace Parkway.Machine.Virtio;

/// <summary>
/// Puts a virtio-mmio transport on the machine's MMIO bus. Register accesses arrive here on vCPU
/// threads; the transport only updates its registers (under its own lock) and signals eventfds:
/// the device's work happens on its worker thread. QueueNotify normally never gets here (KVM
/// signals the queue's ioeventfd instead); when it does, the transport signals the same eventfd.
/// </summary>
public sealed class VirtioMmioBusDevice(VirtioMmioTransport transport) : IMmioDevice
{
    /// <inheritdoc />
    public void Read(ulong offset, Span<byte> data) => transport.Read(offset, data);

    /// <inheritdoc />
    public void Write(ulong offset, ReadOnlySpan<byte> data) => transport.Write(offset, data);
}
