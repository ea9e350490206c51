using Parkway.Acpi.Tables;

namespace Parkway.Acpi.Tests;

public class PpttTests
{
    private sealed record Node(int Offset, uint Flags, uint Parent, uint Id);

    private static List<Node> Nodes(byte[] pptt)
    {
        var nodes = new List<Node>();
        for (var o = 36; o < pptt.Length; o += pptt[o + 1])
        {
            Assert.Equal(0, pptt[o]);
            Assert.Equal(20, pptt[o + 1]);
            nodes.Add(new Node(o, pptt.U32(o + 4), pptt.U32(o + 8), pptt.U32(o + 12)));
        }

        return nodes;
    }

    [Fact]
    public void Single_threaded_cores_are_leaves_carrying_the_uid()
    {
        var set = AcpiTableSetBuilder.Build(TestPlatforms.Create(2, 8, sockets: 2, clusters: 2), TestPlatforms.TablesBase);
        var pptt = set["PPTT"].Bytes;
        Assert.Equal(2, pptt[8]);
        var nodes = Nodes(pptt);
        var sockets = nodes.Where(n => (n.Flags & Pptt.PhysicalPackage) != 0).ToList();
        var leaves = nodes.Where(n => (n.Flags & Pptt.NodeIsLeaf) != 0).ToList();
        Assert.Equal(2, sockets.Count);
        Assert.All(sockets, s => Assert.Equal(0u, s.Parent));
        Assert.Equal(8, leaves.Count);
        Assert.Equal(Enumerable.Range(0, 8).Select(i => (uint)i), leaves.Select(l => l.Id));
        Assert.All(leaves, l => Assert.Equal(Pptt.AcpiProcessorIdValid | Pptt.NodeIsLeaf, l.Flags));
        Assert.Equal(2 + 4 + 8, nodes.Count); // sockets, clusters, cores

        // Leaf 5 (socket 1, cluster 0, core 1) hangs under cluster 0 of socket 1.
        var cluster = nodes.Single(n => n.Offset == leaves[5].Parent);
        Assert.Equal((uint)sockets[1].Offset, cluster.Parent);
    }

    [Fact]
    public void Threads_are_flagged_and_hang_under_core_nodes()
    {
        var set = AcpiTableSetBuilder.Build(TestPlatforms.Create(2, 8, threads: 2), TestPlatforms.TablesBase);
        var nodes = Nodes(set["PPTT"].Bytes);
        var leaves = nodes.Where(n => (n.Flags & Pptt.NodeIsLeaf) != 0).ToList();
        Assert.Equal(8, leaves.Count);
        Assert.All(leaves, l => Assert.Equal(Pptt.AcpiProcessorIdValid | Pptt.ProcessorIsThread | Pptt.NodeIsLeaf, l.Flags));
        var cores = leaves.Select(l => l.Parent).Distinct().ToList();
        Assert.Equal(4, cores.Count);
        Assert.All(cores, c => Assert.Equal(0u, nodes.Single(n => n.Offset == c).Flags & (Pptt.NodeIsLeaf | Pptt.AcpiProcessorIdValid)));
        Assert.Equal(leaves[0].Parent, leaves[1].Parent);
        Assert.NotEqual(leaves[1].Parent, leaves[2].Parent);
    }
}
