using Parkway.Tests.Interop;

namespace Parkway.Virtio.Tests.Abi;

/// <summary>
/// Evaluates C expressions against Linux's own virtio uapi headers as the arm64 cross compiler
/// sees them (<see cref="CrossCompiledConstants"/>, shared with Parkway.Tests).
/// </summary>
internal static class VirtioUapi
{
    private const string Prelude = """
        #include <stddef.h>
        #include <linux/virtio_mmio.h>
        #include <linux/virtio_ring.h>
        #include <linux/virtio_config.h>
        #include <linux/virtio_ids.h>
        #include <linux/virtio_blk.h>
        #include <linux/virtio_console.h>
        #include <linux/virtio_rng.h>
        #include <linux/virtio_net.h>
        #include <fcntl.h>
        #include <sys/ioctl.h>
        #include <sys/socket.h>
        #include <linux/if.h>
        #include <linux/if_tun.h>
        #include <linux/virtio_vsock.h>
        #include <linux/vm_sockets.h>
        #include <poll.h>
        #include <sys/uio.h>
        """;

    public static Dictionary<string, ulong> Evaluate(IEnumerable<string> expressions)
    {
        string[] distinct = [.. expressions.Distinct(StringComparer.Ordinal)];
        ulong[] values = CrossCompiledConstants.Evaluate(Prelude, distinct);
        return distinct.Zip(values).ToDictionary(static pair => pair.First, static pair => pair.Second, StringComparer.Ordinal);
    }
}
