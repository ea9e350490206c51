using System.Buffers.Binary;
using Parkway.Virtio.Devices;
using Parkway.Virtio.Transport;
using R = Parkway.Virtio.Transport.VirtioMmioRegisters;

namespace Parkway.Virtio.Tests.Support;

/// <summary>Plays Linux's virtio_mmio driver against a transport: 32-bit register accesses in its probe order.</summary>
internal sealed class MmioDriver(VirtioMmioTransport transport)
{
    public VirtioMmioTransport Transport { get; } = transport;

    public uint Read(uint offset)
    {
        Span<byte> data = stackalloc byte[4];
        Transport.Read(offset, data);
        return BinaryPrimitives.ReadUInt32LittleEndian(data);
    }

    public void Write(uint offset, uint value)
    {
        Span<byte> data = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(data, value);
        Transport.Write(offset, data);
    }

    public DeviceStatus Status => (DeviceStatus)Read(R.Status);

    public ulong DeviceFeatures()
    {
        Write(R.DeviceFeaturesSel, 0);
        ulong low = Read(R.DeviceFeatures);
        Write(R.DeviceFeaturesSel, 1);
        return low | ((ulong)Read(R.DeviceFeatures) << 32);
    }

    /// <summary>Reset, ACKNOWLEDGE, DRIVER, write <paramref name="accept"/>, FEATURES_OK; returns whether FEATURES_OK stuck.</summary>
    public bool Negotiate(ulong accept)
    {
        Write(R.Status, 0);
        Write(R.Status, (uint)DeviceStatus.Acknowledge);
        Write(R.Status, (uint)(DeviceStatus.Acknowledge | DeviceStatus.Driver));
        Write(R.DriverFeaturesSel, 0);
        Write(R.DriverFeatures, (uint)accept);
        Write(R.DriverFeaturesSel, 1);
        Write(R.DriverFeatures, (uint)(accept >> 32));
        Write(R.Status, (uint)(DeviceStatus.Acknowledge | DeviceStatus.Driver | DeviceStatus.FeaturesOk));
        return (Status & DeviceStatus.FeaturesOk) != 0;
    }

    /// <summary>Negotiates everything offered (what Linux does with the features it knows).</summary>
    public bool NegotiateAll() => Negotiate(DeviceFeatures());

    public void SetUpQueue(uint index, QueueFixture fixture)
    {
        Write(R.QueueSel, index);
        Write(R.QueueNum, fixture.Size);
        Write(R.QueueDescLow, (uint)fixture.DescriptorTable);
        Write(R.QueueDescHigh, (uint)(fixture.DescriptorTable >> 32));
        Write(R.QueueAvailLow, (uint)fixture.DriverArea);
        Write(R.QueueAvailHigh, (uint)(fixture.DriverArea >> 32));
        Write(R.QueueUsedLow, (uint)fixture.DeviceArea);
        Write(R.QueueUsedHigh, (uint)(fixture.DeviceArea >> 32));
        Write(R.QueueReady, 1);
    }

    public void DriverOk() =>
        Write(R.Status, (uint)(DeviceStatus.Acknowledge | DeviceStatus.Driver | DeviceStatus.FeaturesOk | DeviceStatus.DriverOk));

    /// <summary>The whole probe: negotiate all, set up queues 0..n-1 from <paramref name="queues"/>, DRIVER_OK.</summary>
    public void Probe(params QueueFixture[] queues)
    {
        if (!NegotiateAll())
        {
            throw new InvalidOperationException("FEATURES_OK was refused");
        }

        for (uint i = 0; i < queues.Length; i++)
        {
            SetUpQueue(i, queues[i]);
        }

        DriverOk();
    }

    public static ulong VersionOne => VirtioFeatures.Bit(VirtioFeatures.Version1);
}
