namespace Parkway.HostTests.BareMetal;

/// <summary>
/// A bare-metal guest that drives the virtio-mmio device in slot 0 (a virtio-rng) like a hostile
/// driver. It negotiates VERSION_1, sets up queue 0 (4 entries) on rings inside its own image, and
/// makes two requests available at once: a chain that loops (descriptor 0 → 1 → 0) and a chain
/// whose buffer lies far outside guest RAM. It kicks the queue and waits until the device has
/// returned both chains (used index 2), printing 'U'. Then it makes the avail index jump past the
/// queue size, kicks again and waits until the device reports NEEDS_RESET (status 0x4F), printing
/// 'R'. Then a newline and PSCI SYSTEM_OFF: the machine must still be running to get there.
/// </summary>
public static class MalformedVirtqueueGuest
{
    private const uint UartBase = 0x0900_0000;
    private const uint VirtioBase = 0x0A00_0000;
    private const uint SystemOff = 0x8400_0008;

    // virtio-mmio v2 register offsets (virtio 1.2, 4.2.2).
    private const uint DriverFeatures = 0x020, DriverFeaturesSel = 0x024, QueueSel = 0x030, QueueNum = 0x038;
    private const uint QueueReady = 0x044, QueueNotify = 0x050, Status = 0x070;
    private const uint QueueDescLow = 0x080, QueueDescHigh = 0x084, QueueDriverLow = 0x090, QueueDriverHigh = 0x094;
    private const uint QueueDeviceLow = 0x0A0, QueueDeviceHigh = 0x0A4;

    // Descriptor flags.
    private const ushort Next = 1, Write = 2;

    /// <summary>The Image file bytes.</summary>
    public static byte[] Build()
    {
        var asm = new A64Assembler();
        asm.Movz(19, (ushort)(UartBase >> 16), 1);
        asm.Movz(20, (ushort)(VirtioBase >> 16), 1);

        // Descriptors 0 and 1 point at a real buffer in the image (its address is known only here),
        // so the walker gets as far as the loop.
        asm.Adr(5, "buffer").Adr(6, "descriptors").Str(5, 6).AddImmediate(7, 6, 16).Str(5, 7);

        Store(asm, Status, 0);
        Store(asm, Status, 1);                 // ACKNOWLEDGE
        Store(asm, Status, 3);                 // + DRIVER
        Store(asm, DriverFeaturesSel, 1);
        Store(asm, DriverFeatures, 1);         // VIRTIO_F_VERSION_1 (bit 32)
        Store(asm, DriverFeaturesSel, 0);
        Store(asm, DriverFeatures, 0);
        Store(asm, Status, 11);                // + FEATURES_OK
        Store(asm, QueueSel, 0);
        Store(asm, QueueNum, 4);
        StoreAddress(asm, QueueDescLow, QueueDescHigh, "descriptors");
        StoreAddress(asm, QueueDriverLow, QueueDriverHigh, "avail");
        StoreAddress(asm, QueueDeviceLow, QueueDeviceHigh, "used");
        Store(asm, QueueReady, 1);
        Store(asm, Status, 15);                // + DRIVER_OK
        Store(asm, QueueNotify, 0);

        // Both bad chains come back (length 0) and the device keeps serving the queue.
        asm.Label("wait-used").Adr(5, "used").Ldrh(6, 5, 2).SubImmediate(6, 6, 2).Cbnz(6, "wait-used");
        asm.Movz(4, 'U').Strb(4, 19);

        // An avail index 100 ahead of a 4-entry queue: the rings are corrupt, the device needs a reset.
        asm.Adr(5, "avail").Movz(4, 102).Strh(4, 5, 2);
        Store(asm, QueueNotify, 0);
        asm.Label("wait-reset").LdrW(6, 20, Status).SubImmediate(6, 6, 0x4F).Cbnz(6, "wait-reset");
        asm.Movz(4, 'R').Strb(4, 19);

        asm.Movz(4, '\n').Strb(4, 19);
        asm.Mov32(0, SystemOff).Hvc();
        asm.Label("hang").B("hang");
        while (asm.Offset % 16 != 0)
        {
            asm.B("hang");
        }

        // Descriptor table (16-byte entries: addr, len, flags, next).
        asm.Label("descriptors");
        Descriptor(asm, 0, 64, Next | Write, 1);                 // 0 → 1 (address set at run time)
        Descriptor(asm, 0, 64, Next | Write, 0);                 // 1 → 0: a loop (address set at run time)
        Descriptor(asm, 0xFFFF_FFFF_0000, 64, Write, 0);         // 2: far outside RAM
        Descriptor(asm, 0, 0, 0, 0);
        // Avail ring: flags, idx = 2, ring = [0, 2, 0, 0], used_event.
        asm.Label("avail").Word(0 | 2u << 16).Word(0 | 2u << 16).Word(0).Word(0);
        // Used ring: flags, idx, 4 × (id, len), avail_event.
        asm.Label("used").Quad(0).Quad(0).Quad(0).Quad(0).Quad(0).Quad(0);
        asm.Label("buffer").Quad(0).Quad(0).Quad(0).Quad(0).Quad(0).Quad(0).Quad(0).Quad(0);
        byte[] code = asm.Assemble();
        return BareMetalImage.Wrap(code);
    }

    private static void Store(A64Assembler asm, uint register, ushort value) =>
        asm.Movz(4, value).StrW(4, 20, register);

    // The image sits in RAM below 4 GiB: the high half of each ring address is 0 (WZR).
    private static void StoreAddress(A64Assembler asm, uint low, uint high, string label) =>
        asm.Adr(5, label).StrW(5, 20, low).StrW(31, 20, high);

    private static void Descriptor(A64Assembler asm, ulong address, uint length, ushort flags, ushort next) =>
        asm.Quad(address).Word(length).Word(flags | (uint)next << 16);
}
