// A raw arm64 guest for the benchmarks (scripts/bench): an arm64 Image header, then a few
// instructions with the MMU off. It runs unchanged under Parkway, QEMU's virt machine and the
// reference C VMM, because all three put a PL011 at 0x0900_0000 and handle PSCI through HVC.
// Assembled once per mode (-DMODE_HOLD, -DMODE_MMIO) by scripts/lib/build-bench-assets.sh.
//   MODE_HOLD  prints "H\n", then waits for interrupts forever (first output, RSS, threads)
//   MODE_MMIO  prints "S\n", reads the UART flag register MMIO_READS times (one exit to the
//              VMM each), prints "E\n" and powers off with PSCI SYSTEM_OFF
        .text
        .global _start
_start:
        b       entry                   // code0: branch over the header
        .long   0                       // code1
        .quad   0                       // text_offset: load at the start of a 2 MiB block
        .quad   image_end - _start      // image_size
        .quad   0xa                     // flags: little-endian, 4 KiB pages, anywhere in RAM
        .quad   0, 0, 0                 // reserved
        .ascii  "ARM\x64"               // magic at offset 56
        .long   0                       // reserved (no PE header)

entry:
        movz    x1, #0x0900, lsl #16    // PL011 at 0x0900_0000: data register at +0
#ifdef MODE_HOLD
        mov     w2, #'H'
        strb    w2, [x1]
        mov     w2, #'\n'
        strb    w2, [x1]
1:      wfi
        b       1b
#endif
#ifdef MODE_MMIO
        mov     w2, #'S'
        strb    w2, [x1]
        mov     w2, #'\n'
        strb    w2, [x1]
        ldr     x3, =MMIO_READS
2:      ldr     w4, [x1, #0x18]         // UARTFR: a read the VMM must answer
        subs    x3, x3, #1
        b.ne    2b
        mov     w2, #'E'
        strb    w2, [x1]
        mov     w2, #'\n'
        strb    w2, [x1]
        movz    w0, #0x0008
        movk    w0, #0x8400, lsl #16    // PSCI_SYSTEM_OFF (0x8400_0008)
        hvc     #0
3:      b       3b
#endif
        .ltorg
        .balign 4096
image_end:
