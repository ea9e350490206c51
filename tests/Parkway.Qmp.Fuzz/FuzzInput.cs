using System.Text.Json.Nodes;

namespace Parkway.Qmp.Fuzz;

/// <summary>
/// One fuzz case: the bytes a client sends, how they are cut into writes, whether the client then
/// closes its sending side, and (for structure-generated inputs, which are one well-formed value) what
/// the single reply must look like.
/// </summary>
/// <param name="Bytes">Everything the client writes.</param>
/// <param name="Cuts">Offsets where one write ends and the next begins (ascending, inside Bytes).</param>
/// <param name="CloseAfter">The client half-closes after the input instead of sending the next command.</param>
/// <param name="Expected">Null when any number of replies of QEMU's shape is acceptable.</param>
internal sealed record FuzzInput(byte[] Bytes, int[] Cuts, bool CloseAfter, ExpectedReply? Expected)
{
    /// <summary>The writes, in order.</summary>
    public IEnumerable<ReadOnlyMemory<byte>> Writes()
    {
        int start = 0;
        foreach (int cut in Cuts)
        {
            yield return Bytes.AsMemory(start, cut - start);
            start = cut;
        }

        yield return Bytes.AsMemory(start);
    }
}

/// <summary>
/// The one non-event reply a single well-formed value must get: with <paramref name="Id"/> echoed when
/// <paramref name="EchoesId"/> (QEMU echoes it even with errors about the rest of the request), without
/// any id otherwise (the value was not an object, or broke the parser before it could be read). A value
/// refused for a size or nesting limit is <paramref name="LimitRefusal"/>: an error that carries the
/// request's top-level id when the splitter saw one (<paramref name="Id"/>, if the value has one) and
/// no id otherwise.
/// </summary>
internal sealed record ExpectedReply(bool EchoesId, JsonNode? Id, string Reason, bool LimitRefusal = false);
