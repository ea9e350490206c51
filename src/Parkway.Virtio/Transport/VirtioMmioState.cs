using Parkway.Virtio.Queues;

namespace Parkway.Virtio.Transport;

/// <summary>
/// The whole migratable state of one virtio-mmio transport (issue 8 point 7): negotiation, the
/// guest-visible selectors, status, interrupt status, config generation and every queue.
/// <see cref="VirtioMmioTransport.Restore"/> rebuilds a live transport from it.
/// </summary>
/// <param name="DeviceFeaturesSel">DeviceFeaturesSel.</param>
/// <param name="DriverFeaturesSel">DriverFeaturesSel.</param>
/// <param name="DriverFeatures">The 64 feature bits the driver wrote.</param>
/// <param name="QueueSel">QueueSel.</param>
/// <param name="Status">Device status, including NEEDS_RESET.</param>
/// <param name="InterruptStatus">Pending InterruptStatus bits.</param>
/// <param name="ConfigGeneration">ConfigGeneration.</param>
/// <param name="Queues">Each queue's configuration and ring positions.</param>
public sealed record VirtioMmioState(
    uint DeviceFeaturesSel,
    uint DriverFeaturesSel,
    ulong DriverFeatures,
    uint QueueSel,
    DeviceStatus Status,
    uint InterruptStatus,
    uint ConfigGeneration,
    IReadOnlyList<VirtqueueState> Queues);
