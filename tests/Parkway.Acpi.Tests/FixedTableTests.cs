using Parkway.Acpi.Arm64;
using Parkway.Acpi.Tables;

namespace Parkway.Acpi.Tests;

public class FixedTableTests
{
    [Fact]
    public void Fadt_is_hardware_reduced_psci_over_hvc_revision_6_5()
    {
        var fadt = Fadt.Build(0x1234_5678_9000, Arm64AcpiPlatform.PsciOverHvc);
        Assert.Equal(276, fadt.Length);
        Assert.Equal(6, fadt[8]);
        Assert.Equal(5, fadt[131]); // minor version
        Assert.Equal(1u << 20, fadt.U32(112)); // HW_REDUCED_ACPI only
        Assert.Equal(3, fadt.U16(129)); // PSCI_COMPLIANT | PSCI_USE_HVC
        Assert.Equal(0x1234_5678_9000UL, fadt.U64(140));
        Assert.Equal(0u, fadt.U32(36)); // no FACS
        Assert.Equal("PARKWAY", fadt.Ascii(268, 7));
        Assert.Equal(0, AcpiChecksum.Sum(fadt));
    }

    [Fact]
    public void Gtdt_lists_the_architected_timer_ppis_level_high_always_on()
    {
        var gtdt = Gtdt.Build();
        Assert.Equal(96, gtdt.Length);
        Assert.Equal(2, gtdt[8]);
        Assert.Equal(ulong.MaxValue, gtdt.U64(36)); // CntControlBase
        Assert.Equal(ulong.MaxValue, gtdt.U64(80)); // CntReadBase
        Assert.Equal(new uint[] { 29, 30, 27, 26 }, new[] { gtdt.U32(48), gtdt.U32(56), gtdt.U32(64), gtdt.U32(72) });
        Assert.All(new[] { gtdt.U32(52), gtdt.U32(60), gtdt.U32(68), gtdt.U32(76) }, flags => Assert.Equal(4u, flags));
        Assert.Equal(0u, gtdt.U32(88)); // no platform timers
    }

    [Fact]
    public void Spcr_describes_a_pl011_with_a_32_bit_mmio_gas_and_a_gic_interrupt()
    {
        var spcr = Spcr.Build(0x0900_0000, 33);
        Assert.Equal(80, spcr.Length);
        Assert.Equal(2, spcr[8]);
        Assert.Equal(3, spcr[36]); // PL011
        Assert.Equal(new byte[] { 0, 32, 0, 3 }, spcr.AsSpan(40, 4).ToArray()); // SystemMemory, 32 bits, offset 0, DWORD
        Assert.Equal(0x0900_0000UL, spcr.U64(44));
        Assert.Equal(8, spcr[52]); // GIC interrupt
        Assert.Equal(33u, spcr.U32(54));
        Assert.Equal(7, spcr[58]); // 115200
        Assert.Equal(0xFFFF, spcr.U16(64));
        Assert.Equal(0, Spcr.Build(0x0900_0000, 33, Spcr.BaudRateAsIs)[58]);
    }
}
