using Parkway.Machine.Config;

namespace Parkway.Tests.Config;

public sealed class CpuTopologyTests
{
    public static TheoryData<int, int, int, int> Topologies => new()
    {
        { 1, 1, 1, 1 },
        { 1, 1, 8, 1 },
        { 2, 1, 4, 2 },
        { 2, 3, 2, 2 },
        { 4, 2, 3, 5 },
        { 1, 1, 512, 1 },
        { 3, 1, 1, 1 },
        { 1, 1, 1, 4 },
    };

    [Theory]
    [MemberData(nameof(Topologies))]
    public void Every_slot_maps_to_ids_that_map_back_to_the_same_slot(int sockets, int clusters, int cores, int threads)
    {
        var topology = new CpuTopology(sockets, clusters, cores, threads);
        var seen = new HashSet<CpuTopologyIds>();

        for (int index = 0; index < topology.Count; index++)
        {
            CpuTopologyIds ids = topology.IdsOf(index);

            Assert.InRange(ids.SocketId, 0, sockets - 1);
            Assert.InRange(ids.ClusterId, 0, clusters - 1);
            Assert.InRange(ids.CoreId, 0, cores - 1);
            Assert.InRange(ids.ThreadId, 0, threads - 1);
            Assert.Equal(index, topology.IndexOf(ids));
            Assert.True(seen.Add(ids), $"slot {index} repeats ids {ids}");
        }

        Assert.Equal(sockets * clusters * cores * threads, seen.Count);
    }

    [Fact]
    public void Threads_vary_fastest_then_cores_clusters_and_sockets()
    {
        var topology = new CpuTopology(Sockets: 2, Clusters: 2, Cores: 2, Threads: 2);

        Assert.Equal(new CpuTopologyIds(0, 0, 0, 1), topology.IdsOf(1));
        Assert.Equal(new CpuTopologyIds(0, 0, 1, 0), topology.IdsOf(2));
        Assert.Equal(new CpuTopologyIds(0, 1, 0, 0), topology.IdsOf(4));
        Assert.Equal(new CpuTopologyIds(1, 0, 0, 0), topology.IdsOf(8));
        Assert.Equal(new CpuTopologyIds(1, 1, 1, 1), topology.IdsOf(15));
    }

    [Theory]
    [InlineData(-1, 0, 0, 0)]
    [InlineData(0, -1, 0, 0)]
    [InlineData(0, 0, -1, 0)]
    [InlineData(0, 0, 0, -1)]
    [InlineData(2, 0, 0, 0)]
    [InlineData(0, 3, 0, 0)]
    [InlineData(0, 0, 4, 0)]
    [InlineData(0, 0, 0, 5)]
    public void Ids_outside_the_topology_have_no_slot(int socket, int cluster, int core, int thread)
    {
        var topology = new CpuTopology(2, 3, 4, 5);

        Assert.Equal(-1, topology.IndexOf(new CpuTopologyIds(socket, cluster, core, thread)));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(8)]
    [InlineData(int.MaxValue)]
    public void A_slot_index_outside_the_topology_is_refused(int index)
    {
        var topology = new CpuTopology(1, 1, 8, 1);

        Assert.Throws<ArgumentOutOfRangeException>(() => topology.IdsOf(index));
    }

    [Fact]
    public void ToString_uses_the_cli_spelling()
    {
        Assert.Equal("sockets=2,clusters=1,cores=4,threads=2", new CpuTopology(2, 1, 4, 2).ToString());
    }
}
