using Parkway.Interop;

namespace Parkway.Virtio.Devices.Rng;

/// <summary>The host kernel's CSPRNG through getrandom(2), written straight into guest buffers.</summary>
public static unsafe class HostRandom
{
    /// <summary>Fills <paramref name="destination"/> completely.</summary>
    public static void Fill(Span<byte> destination)
    {
        while (!destination.IsEmpty)
        {
            nint got;
            fixed (byte* pointer = destination)
            {
                // SAFETY: pointer covers destination.Length bytes, pinned for the call.
                got = Libc.GetRandom(pointer, (nuint)destination.Length, 0);
            }

            if (got < 0)
            {
                int errno = Errno.Last;
                if (errno == Errno.EINTR)
                {
                    continue;
                }

                throw new IOException($"getrandom: {Errno.Describe(errno)}", errno);
            }

            destination = destination[(int)got..];
        }
    }
}
