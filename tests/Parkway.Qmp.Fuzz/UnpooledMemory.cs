using System.Buffers;

namespace Parkway.Qmp.Fuzz;

/// <summary>
/// A <see cref="MemoryPool{T}"/> that pools nothing: every buffer is a fresh array the GC reclaims.
/// The in-memory transport uses it so that megabyte inputs do not leave megabyte arrays parked in the
/// shared pool, which would show up in the memory samples as growth that is the fuzzer's, not the server's.
/// </summary>
internal sealed class UnpooledMemory : MemoryPool<byte>
{
    public static readonly UnpooledMemory Instance = new();

    public override int MaxBufferSize => Array.MaxLength;

    public override IMemoryOwner<byte> Rent(int minBufferSize = -1) => new Owner(new byte[minBufferSize <= 0 ? 4096 : minBufferSize]);

    protected override void Dispose(bool disposing)
    {
    }

    private sealed class Owner(byte[] array) : IMemoryOwner<byte>
    {
        public Memory<byte> Memory { get; } = array;

        public void Dispose()
        {
        }
    }
}
