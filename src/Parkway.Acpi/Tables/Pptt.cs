namespace Parkway.Acpi.Tables;

/// <summary>
/// Processor Properties Topology Table, revision 2: a tree of Processor Hierarchy Nodes
/// (type 0) socket → cluster → core (→ thread). Leaves carry the ACPI processor UID with the
/// "ID valid" flag; inner nodes leave the ID unflagged so Linux identifies them by their table
/// offset, which is unique (core indices repeat across clusters and would merge siblings).
/// </summary>
public static class Pptt
{
    /// <summary>Node flag: the node is a physical package (socket).</summary>
    public const uint PhysicalPackage = 1u << 0;

    /// <summary>Node flag: the ACPI processor ID field is valid.</summary>
    public const uint AcpiProcessorIdValid = 1u << 1;

    /// <summary>Node flag: the node is a thread.</summary>
    public const uint ProcessorIsThread = 1u << 2;

    /// <summary>Node flag: the node has no children.</summary>
    public const uint NodeIsLeaf = 1u << 3;

    /// <summary>Node flag: all children are identical implementations.</summary>
    public const uint IdenticalImplementation = 1u << 4;

    /// <summary>Size of a processor hierarchy node without private resources.</summary>
    public const int NodeLength = 20;

    /// <summary>Builds the PPTT for <paramref name="cpus"/>.</summary>
    /// <param name="cpus">Every possible CPU with its topology ids.</param>
    /// <param name="threadsPerCore">When above 1, CPUs are threads under core nodes.</param>
    public static byte[] Build(IReadOnlyList<AcpiCpu> cpus, uint threadsPerCore)
    {
        var table = new AcpiTableBuilder("PPTT", 2);
        foreach (var socket in cpus.GroupBy(c => c.SocketId).OrderBy(g => g.Key))
        {
            var socketOffset = WriteNode(table, PhysicalPackage | IdenticalImplementation, 0, socket.Key);
            foreach (var cluster in socket.GroupBy(c => c.ClusterId).OrderBy(g => g.Key))
            {
                var clusterOffset = WriteNode(table, IdenticalImplementation, socketOffset, cluster.Key);
                foreach (var core in cluster.GroupBy(c => c.CoreId).OrderBy(g => g.Key))
                {
                    if (threadsPerCore <= 1)
                    {
                        WriteNode(table, AcpiProcessorIdValid | NodeIsLeaf, clusterOffset, core.Single().Uid);
                        continue;
                    }

                    var coreOffset = WriteNode(table, IdenticalImplementation, clusterOffset, core.Key);
                    foreach (var thread in core.OrderBy(c => c.ThreadId))
                    {
                        WriteNode(table, AcpiProcessorIdValid | ProcessorIsThread | NodeIsLeaf, coreOffset, thread.Uid);
                    }
                }
            }
        }

        return table.Finish();
    }

    private static uint WriteNode(AcpiTableBuilder table, uint flags, uint parentOffset, uint acpiProcessorId)
    {
        var offset = (uint)table.Length;
        table.WriteByte(0); // type: processor hierarchy node
        table.WriteByte(NodeLength);
        table.WriteUInt16(0); // reserved
        table.WriteUInt32(flags);
        table.WriteUInt32(parentOffset);
        table.WriteUInt32(acpiProcessorId);
        table.WriteUInt32(0); // number of private resources
        return offset;
    }
}
