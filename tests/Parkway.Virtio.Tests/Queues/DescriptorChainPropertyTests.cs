using CsCheck;
using Parkway.Virtio.Memory;
using Parkway.Virtio.Queues;
using Parkway.Virtio.Tests.Support;

namespace Parkway.Virtio.Tests.Queues;

/// <summary>Random rings: whatever the guest writes, parsing terminates and never throws.</summary>
public sealed class DescriptorChainPropertyTests
{
    // Addresses mostly inside the fixture's RAM (so chains get somewhere), sometimes anywhere.
    private static readonly Gen<ulong> Address = Gen.Frequency(
        (4, Gen.ULong[QueueFixture.RamBase, QueueFixture.RamBase + QueueFixture.RamSize]),
        (1, Gen.ULong));

    private static readonly Gen<(ulong Address, uint Length, ushort Flags, ushort Next)> Descriptor =
        Gen.Select(Address, Gen.Frequency((4, Gen.UInt[0, 4096]), (1, Gen.UInt)), Gen.UShort[0, 7], Gen.Frequency((4, Gen.UShort[0, 16]), (1, Gen.UShort)));

    [Fact]
    public void Random_descriptor_tables_never_crash_the_walker_and_it_always_terminates()
    {
        Gen.Select(Descriptor.Array[16], Gen.UShort[0, 15], Gen.Bool, Gen.Bool).Sample(sample =>
        {
            var (descriptors, head, indirect, ordered) = sample;
            var fixture = new QueueFixture(size: 16);
            for (int i = 0; i < descriptors.Length; i++)
            {
                var d = descriptors[i];
                fixture.SetDescriptor((ushort)i, d.Address, d.Length, d.Flags, d.Next);
            }

            // Some descriptors point at indirect tables holding more random descriptors.
            ulong table = fixture.Allocate(16 * 16);
            for (int i = 0; i < 16; i++)
            {
                var d = descriptors[(i + head) % descriptors.Length];
                fixture.WriteDescriptor(table, i, d.Address, d.Length, d.Flags, d.Next);
            }

            bool ok = DescriptorChainWalker.TryWalk(fixture.Memory, fixture.DescriptorTable, 16, head, new ChainWalkOptions(indirect, ordered), out DescriptorChain? chain, out _);
            if (ok)
            {
                Assert.True(chain!.Readable.Count + chain.Writable.Count <= 16 * 16 + 16);
                Assert.All(chain.Readable.Concat(chain.Writable), b => Assert.True(fixture.Memory.TryGetSpan(b.Address, b.Length, out _)));
            }
        }, iter: 2000);
    }

    [Fact]
    public void Random_avail_rings_never_crash_the_queue_and_every_head_is_completed_or_the_queue_breaks()
    {
        Gen.Select(Descriptor.Array[8], Gen.UShort.Array[8], Gen.UShort).Sample(sample =>
        {
            var (descriptors, ring, availIndex) = sample;
            var fixture = new QueueFixture(size: 8);
            var log = new TestLog();
            for (int i = 0; i < 8; i++)
            {
                var d = descriptors[i];
                fixture.SetDescriptor((ushort)i, d.Address, d.Length, d.Flags, d.Next);
                fixture.Memory.WriteUInt16(fixture.DriverArea + 4 + ((ulong)i * 2), ring[i]);
            }

            fixture.Memory.WriteUInt16(fixture.DriverArea + 2, availIndex);
            SplitQueue queue = fixture.CreateQueue(log, eventIndex: availIndex % 2 == 0);
            int served = 0;
            PopStatus status;
            while ((status = queue.TryPop(out DescriptorChain? chain)) == PopStatus.Available)
            {
                queue.AddUsed(chain!.Head, 0);
                served++;
                Assert.True(served <= 8, "more chains than the avail index allows");
            }

            if (status == PopStatus.Empty)
            {
                Assert.Equal(availIndex, queue.NextAvail);
                Assert.Equal(availIndex, fixture.UsedIndex);
            }
            else
            {
                Assert.True(availIndex > 8 || ring.Take(availIndex).Any(head => head >= 8));
            }

            _ = queue.ShouldInterrupt();
        }, iter: 2000);
    }
}
