namespace Parkway.Virtio.Transport;

/// <summary>
/// The virtio-mmio version 2 register layout (virtio 1.2 §4.2.2; linux/virtio_mmio.h). Every
/// register below <see cref="Config"/> is 32 bits wide and 32-bit aligned; the device-specific
/// configuration space starts at <see cref="Config"/>.
/// </summary>
public static class VirtioMmioRegisters
{
    /// <summary>Size of one virtio-mmio window (QEMU virt spaces its slots by this).</summary>
    public const uint WindowSize = 0x200;

    /// <summary>"virt" in little endian.</summary>
    public const uint MagicValueExpected = 0x7472_6976;
    /// <summary>The modern (non-legacy) transport version.</summary>
    public const uint VersionModern = 2;
    /// <summary>VendorID Parkway reports ("PKWY" is not registered anywhere; any value is allowed).</summary>
    public const uint ParkwayVendorId = 0x5957_4B50;

    /// <summary>VIRTIO_MMIO_MAGIC_VALUE (R).</summary>
    public const uint MagicValue = 0x000;
    /// <summary>VIRTIO_MMIO_VERSION (R).</summary>
    public const uint Version = 0x004;
    /// <summary>VIRTIO_MMIO_DEVICE_ID (R).</summary>
    public const uint DeviceId = 0x008;
    /// <summary>VIRTIO_MMIO_VENDOR_ID (R).</summary>
    public const uint VendorId = 0x00c;
    /// <summary>VIRTIO_MMIO_DEVICE_FEATURES (R): 32 bits selected by DeviceFeaturesSel.</summary>
    public const uint DeviceFeatures = 0x010;
    /// <summary>VIRTIO_MMIO_DEVICE_FEATURES_SEL (W).</summary>
    public const uint DeviceFeaturesSel = 0x014;
    /// <summary>VIRTIO_MMIO_DRIVER_FEATURES (W): 32 bits selected by DriverFeaturesSel.</summary>
    public const uint DriverFeatures = 0x020;
    /// <summary>VIRTIO_MMIO_DRIVER_FEATURES_SEL (W).</summary>
    public const uint DriverFeaturesSel = 0x024;
    /// <summary>VIRTIO_MMIO_QUEUE_SEL (W).</summary>
    public const uint QueueSel = 0x030;
    /// <summary>VIRTIO_MMIO_QUEUE_NUM_MAX (R): 0 when the selected queue does not exist.</summary>
    public const uint QueueNumMax = 0x034;
    /// <summary>VIRTIO_MMIO_QUEUE_NUM (W).</summary>
    public const uint QueueNum = 0x038;
    /// <summary>VIRTIO_MMIO_QUEUE_READY (RW).</summary>
    public const uint QueueReady = 0x044;
    /// <summary>VIRTIO_MMIO_QUEUE_NOTIFY (W): the queue index (KVM_IOEVENTFD data-matches it).</summary>
    public const uint QueueNotify = 0x050;
    /// <summary>VIRTIO_MMIO_INTERRUPT_STATUS (R).</summary>
    public const uint InterruptStatus = 0x060;
    /// <summary>VIRTIO_MMIO_INTERRUPT_ACK (W).</summary>
    public const uint InterruptAck = 0x064;
    /// <summary>VIRTIO_MMIO_STATUS (RW).</summary>
    public const uint Status = 0x070;
    /// <summary>VIRTIO_MMIO_QUEUE_DESC_LOW (W).</summary>
    public const uint QueueDescLow = 0x080;
    /// <summary>VIRTIO_MMIO_QUEUE_DESC_HIGH (W).</summary>
    public const uint QueueDescHigh = 0x084;
    /// <summary>VIRTIO_MMIO_QUEUE_AVAIL_LOW (W), "QueueDriverLow" in the spec.</summary>
    public const uint QueueAvailLow = 0x090;
    /// <summary>VIRTIO_MMIO_QUEUE_AVAIL_HIGH (W).</summary>
    public const uint QueueAvailHigh = 0x094;
    /// <summary>VIRTIO_MMIO_QUEUE_USED_LOW (W), "QueueDeviceLow" in the spec.</summary>
    public const uint QueueUsedLow = 0x0a0;
    /// <summary>VIRTIO_MMIO_QUEUE_USED_HIGH (W).</summary>
    public const uint QueueUsedHigh = 0x0a4;
    /// <summary>VIRTIO_MMIO_SHM_SEL (W): Parkway devices have no shared memory regions.</summary>
    public const uint ShmSel = 0x0ac;
    /// <summary>VIRTIO_MMIO_SHM_LEN_LOW (R): all ones = "no such region".</summary>
    public const uint ShmLenLow = 0x0b0;
    /// <summary>VIRTIO_MMIO_SHM_LEN_HIGH (R).</summary>
    public const uint ShmLenHigh = 0x0b4;
    /// <summary>VIRTIO_MMIO_SHM_BASE_LOW (R).</summary>
    public const uint ShmBaseLow = 0x0b8;
    /// <summary>VIRTIO_MMIO_SHM_BASE_HIGH (R).</summary>
    public const uint ShmBaseHigh = 0x0bc;
    /// <summary>VIRTIO_MMIO_CONFIG_GENERATION (R).</summary>
    public const uint ConfigGeneration = 0x0fc;
    /// <summary>VIRTIO_MMIO_CONFIG: start of the device configuration space.</summary>
    public const uint Config = 0x100;

    /// <summary>VIRTIO_MMIO_INT_VRING: InterruptStatus bit for used buffers.</summary>
    public const uint InterruptUsedBuffer = 1 << 0;
    /// <summary>VIRTIO_MMIO_INT_CONFIG: InterruptStatus bit for a configuration change.</summary>
    public const uint InterruptConfigChange = 1 << 1;
}
