using CsCheck;
using Parkway.Virtio.Memory;
using Parkway.Virtio.Queues;
using Parkway.Virtio.Tests.Support;
using Parkway.Virtio.Transport;

namespace Parkway.Virtio.Tests.Transport;

/// <summary>Random guests: whatever they write to the registers or post on the queue, nothing throws and the VMM state stays consistent.</summary>
public sealed class HostileGuestPropertyTests
{
    private static readonly uint[] Offsets =
        [.. typeof(VirtioMmioRegisters).GetFields().Where(f => f.IsLiteral).Select(f => (uint)f.GetRawConstantValue()!).Where(v => v < 0x200), 0x104, 0x1FC, 0x3];

    [Fact]
    public void Random_register_accesses_never_throw()
    {
        var access = Gen.Select(Gen.OneOf(Offsets), Gen.OneOf(1, 2, 4, 8), Gen.UInt, Gen.Bool);
        access.Array[1, 60].Sample(accesses =>
        {
            var log = new TestLog();
            var queue = new QueueFixture(size: 16);
            using var transport = new VirtioMmioTransport(new FakeDevice(), queue.Memory, new CountingSignal(), log.Log, startWorker: false);
            var data = new byte[8];
            foreach (var (offset, size, value, write) in accesses)
            {
                BitConverter.TryWriteBytes(data, (ulong)value * 0x1_0000_0001UL);
                if (write)
                {
                    transport.Write(offset, data.AsSpan(0, size));
                }
                else
                {
                    transport.Read(offset, data.AsSpan(0, size));
                }
            }

            VirtioMmioState state = transport.SaveState();
            Assert.All(state.Queues, q => Assert.True(!q.Ready || VirtqueueValidation.Check(queue.Memory, q, 64) is null));
        }, iter: 500);
    }

    [Fact]
    public void Random_descriptor_chains_on_a_block_device_never_throw_and_every_request_is_completed()
    {
        var descriptor = Gen.Select(
            Gen.Frequency((4, Gen.ULong[QueueFixture.RamBase + 0x1_0000, QueueFixture.RamBase + 0x2_0000]), (1, Gen.ULong)),
            Gen.Frequency((4, Gen.UInt[0, 2048]), (1, Gen.UInt)),
            Gen.UShort[0, 7],
            Gen.UShort[0, 70]);
        Gen.Select(descriptor.Array[64], Gen.UShort[0, 63].Array[1, 16], Gen.Byte.Array[4096]).Sample(sample =>
        {
            var (descriptors, heads, garbage) = sample;
            using var rig = new BlockRig(new byte[64 * 512]);
            rig.Queue.Memory.Write(QueueFixture.RamBase + 0x1_0000, garbage); // random headers and payloads
            for (int i = 0; i < descriptors.Length; i++)
            {
                var d = descriptors[i];
                rig.Queue.SetDescriptor((ushort)i, d.Item1, d.Item2, d.Item3, d.Item4);
            }

            foreach (ushort head in heads)
            {
                rig.Queue.Publish(head);
            }

            rig.Device.ProcessQueue(0);

            Assert.Equal(rig.Queue.AvailIndex, rig.Queue.UsedIndex);
            Assert.Equal(DeviceStatus.None, rig.Driver.Status & DeviceStatus.NeedsReset);
            Assert.Equal(64 * 512, new FileInfo(rig.ImagePath).Length);
        }, iter: 150);
    }
}
