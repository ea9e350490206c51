using Parkway.Virtio.Devices.Block;
using Parkway.Virtio.Devices.Net;
using Parkway.Virtio.Devices.Vsock;

namespace Parkway.Machine.Config;

/// <summary>Which device carries the guest's console.</summary>
public enum ConsoleDevice
{
    /// <summary>The PL011 UART (ttyAMA0): always present, two exits per character.</summary>
    Pl011,
    /// <summary>A virtio-console (hvc0) next to the PL011; its output goes where --serial says.</summary>
    Virtio,
}

/// <summary>The virtio devices of a machine, in the order they take virtio-mmio slots.</summary>
/// <param name="Disks">virtio-blk disks (--disk), first.</param>
/// <param name="Nets">virtio-net NICs on taps (--net), after the disks.</param>
/// <param name="Console">Console device (--console).</param>
/// <param name="Rng">A virtio-rng (--rng on), after the console.</param>
/// <param name="Vsock">A virtio-vsock with its hybrid host socket (--vsock), last; null for none.</param>
public sealed record DeviceConfig(
    IReadOnlyList<BlockDiskOptions> Disks,
    IReadOnlyList<NetOptions> Nets,
    ConsoleDevice Console,
    bool Rng,
    VsockOptions? Vsock = null)
{
    /// <summary>No virtio device: the PL011 console only.</summary>
    public static DeviceConfig None { get; } = new([], [], ConsoleDevice.Pl011, Rng: false);

    /// <summary>Parses --console: pl011 or virtio.</summary>
    public static ConsoleDevice ParseConsole(string text) => text switch
    {
        "pl011" => ConsoleDevice.Pl011,
        "virtio" => ConsoleDevice.Virtio,
        _ => throw new ConfigurationException($"--console: expected pl011 or virtio, got '{text}'"),
    };
}
