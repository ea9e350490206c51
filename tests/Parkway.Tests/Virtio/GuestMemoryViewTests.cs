using Parkway.Machine.Memory;
using Parkway.Machine.Virtio;

namespace Parkway.Tests.Virtio;

public sealed class GuestMemoryViewTests : IDisposable
{
    private const ulong Base = 0x4000_0000;
    private const ulong Size = 1 << 20;
    private readonly GuestMemory _memory = new(Base, Size);

    public void Dispose() => _memory.Dispose();

    [Fact]
    public void A_range_inside_ram_is_the_same_bytes_as_the_machines_memory()
    {
        _memory.Write(Base + 0x100, [1, 2, 3, 4]);
        var view = new GuestMemoryView(_memory);

        Assert.True(view.TryGetSpan(Base + 0x100, 4, out Span<byte> span));
        Assert.Equal(new byte[] { 1, 2, 3, 4 }, span.ToArray());
        span[0] = 9;
        Assert.Equal(9, _memory.Slice(Base + 0x100, 1)[0]);
    }

    [Theory]
    [InlineData(Base - 1, 2ul, false)]                    // starts below RAM
    [InlineData(Base + Size - 4, 5ul, false)]             // runs past the end
    [InlineData(Base + Size - 4, 4ul, true)]              // ends exactly at the end
    [InlineData(ulong.MaxValue - 1, 4ul, false)]          // wraps past 2^64
    [InlineData(Base, (ulong)int.MaxValue + 1, false)]    // longer than a span can be
    [InlineData(0ul, 16ul, false)]                        // below RAM entirely
    public void Ranges_outside_ram_or_too_long_are_refused(ulong address, ulong length, bool expected)
    {
        var view = new GuestMemoryView(_memory);

        Assert.Equal(expected, view.TryGetSpan(address, length, out Span<byte> span));
        Assert.Equal(expected ? (int)length : 0, span.Length);
    }
}
