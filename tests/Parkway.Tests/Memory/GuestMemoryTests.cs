using Parkway.Machine.Memory;

namespace Parkway.Tests.Memory;

public sealed class GuestMemoryTests
{
    private const ulong Base = 0x4000_0000;
    private const ulong Size = 16UL << 20;

    [Fact]
    public void Bytes_written_at_a_guest_address_read_back_there()
    {
        using var memory = new GuestMemory(Base, Size);

        memory.Write(Base + 0x1234, [1, 2, 3, 4, 5, 6, 7, 8]);

        Assert.Equal(0x0807_0605_0403_0201UL, memory.ReadUInt64(Base + 0x1234));
        Assert.Equal(Base + Size, memory.EndAddress);
    }

    [Fact]
    public void Fresh_memory_reads_as_zero()
    {
        using var memory = new GuestMemory(Base, Size);

        Assert.Equal(0UL, memory.ReadUInt64(Base + Size - 8));
    }

    [Theory]
    [InlineData(Base, 0UL, true)]
    [InlineData(Base, Size, true)]
    [InlineData(Base + Size - 1, 1UL, true)]
    [InlineData(Base + Size, 0UL, true)]
    [InlineData(Base + Size - 1, 2UL, false)]
    [InlineData(Base - 1, 1UL, false)]
    [InlineData(Base + Size, 1UL, false)]
    [InlineData(Base, Size + 1, false)]
    [InlineData(Base + 8, ulong.MaxValue, false)]
    [InlineData(ulong.MaxValue, 2UL, false)]
    public void Contains_is_exact_at_the_edges_and_safe_from_overflow(ulong address, ulong length, bool expected)
    {
        using var memory = new GuestMemory(Base, Size);

        Assert.Equal(expected, memory.Contains(address, length));
    }

    [Fact]
    public void An_access_outside_ram_names_the_range_and_ram()
    {
        using var memory = new GuestMemory(Base, Size);

        var error = Assert.Throws<GuestMemoryException>(() => memory.Write(Base + Size - 2, [1, 2, 3, 4]));

        Assert.Equal("guest physical range 0x40fffffe+0x4 is outside RAM [0x40000000, 0x41000000)", error.Message);
    }

    [Fact]
    public void A_negative_length_slice_is_refused()
    {
        using var memory = new GuestMemory(Base, Size);

        Assert.Throws<GuestMemoryException>(() => memory.Slice(Base, -1));
    }

    [Fact]
    public void Use_after_dispose_is_refused()
    {
        var memory = new GuestMemory(Base, Size);
        memory.Dispose();
        memory.Dispose();

        Assert.Throws<ObjectDisposedException>(() => memory.Slice(Base, 1));
    }

    [Fact]
    public void A_file_is_loaded_whole_at_the_given_address()
    {
        string path = Path.GetTempFileName();
        try
        {
            byte[] content = [.. Enumerable.Range(0, 5000).Select(static i => (byte)(i * 7))];
            File.WriteAllBytes(path, content);
            using var memory = new GuestMemory(Base, Size);

            using Microsoft.Win32.SafeHandles.SafeFileHandle file = File.OpenHandle(path);
            long length = memory.LoadFile(file, Base + 0x8_0000);

            Assert.Equal(5000L, length);
            byte[] back = new byte[5000];
            memory.Read(Base + 0x8_0000, back);
            Assert.Equal(content, back);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_file_that_does_not_fit_is_refused()
    {
        string path = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(path, new byte[8192]);
            using var memory = new GuestMemory(Base, Size);

            using Microsoft.Win32.SafeHandles.SafeFileHandle file = File.OpenHandle(path);
            Assert.Throws<GuestMemoryException>(() => memory.LoadFile(file, Base + Size - 4096));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
