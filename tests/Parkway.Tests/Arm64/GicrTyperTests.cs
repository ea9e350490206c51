using Parkway.Machine.Arm64;

namespace Parkway.Tests.Arm64;

public sealed class GicrTyperTests
{
    [Fact]
    public void Fields_are_decoded_from_their_architected_bits()
    {
        // Affinity 0x01020304 in [63:32], processor number 0x1234 in [23:8], Last in [4].
        var typer = new GicrTyper(0x0102_0304_0012_3410);

        Assert.Equal(0x0102_0304u, typer.Affinity);
        Assert.Equal(0x1234u, typer.ProcessorNumber);
        Assert.True(typer.Last);
    }

    [Fact]
    public void Last_is_clear_when_bit_4_is_clear_even_if_neighbouring_bits_are_set()
    {
        var typer = new GicrTyper(0xFFFF_FFFF_FFFF_FFEF);

        Assert.False(typer.Last);
        Assert.Equal(0xFFFFu, typer.ProcessorNumber);
        Assert.Equal(0xFFFF_FFFFu, typer.Affinity);
    }

    [Fact]
    public void Processor_number_ignores_bits_outside_23_to_8()
    {
        Assert.Equal(0u, new GicrTyper(0xFF00_00FF).ProcessorNumber);
    }

    [Theory]
    [InlineData(0x8000_0000UL, 0x0000_0000u)]
    [InlineData(0x8000_0001UL, 0x0000_0001u)]
    [InlineData(0x8000_0101UL, 0x0000_0101u)]
    [InlineData(0x8001_0203UL, 0x0001_0203u)]
    [InlineData(0x0000_00AB_8000_0000UL, 0xAB00_0000u)]
    [InlineData(0xFFFF_FFFF_FFFF_FFFFUL, 0xFFFF_FFFFu)]
    public void The_affinity_of_an_mpidr_packs_aff3_above_aff2_aff1_aff0(ulong mpidr, uint affinity)
    {
        // MPIDR: Aff3 [39:32], U/MT/RES1 bits [31:24] (not affinity), Aff2..Aff0 [23:0].
        Assert.Equal(affinity, GicrTyper.AffinityOf(mpidr));
    }

    [Fact]
    public void A_typer_read_for_a_cpu_matches_that_cpus_mpidr_affinity()
    {
        const ulong mpidr = 0x0000_0002_8000_0F03;
        ulong value = ((ulong)GicrTyper.AffinityOf(mpidr) << 32) | (7UL << 8);

        var typer = new GicrTyper(value);

        Assert.Equal(0x0200_0F03u, typer.Affinity);
        Assert.Equal(7u, typer.ProcessorNumber);
        Assert.False(typer.Last);
    }
}
