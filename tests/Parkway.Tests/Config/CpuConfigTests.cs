using Parkway.Machine.Config;

namespace Parkway.Tests.Config;

public sealed class CpuConfigTests
{
    [Fact]
    public void Boot_and_max_are_read_and_cores_fill_the_topology()
    {
        CpuConfig config = CpuConfig.Parse("boot=2,max=8");

        Assert.Equal(2, config.Boot);
        Assert.Equal(8, config.Max);
        Assert.Equal(new CpuTopology(1, 1, 8, 1), config.Topology);
    }

    [Fact]
    public void Max_defaults_to_boot()
    {
        CpuConfig config = CpuConfig.Parse("boot=4");

        Assert.Equal(4, config.Max);
        Assert.Equal(4, config.Topology.Count);
    }

    [Fact]
    public void Boot_may_equal_max()
    {
        CpuConfig config = CpuConfig.Parse("boot=3,max=3");

        Assert.Equal(3, config.Boot);
        Assert.Equal(3, config.Max);
    }

    [Fact]
    public void Keys_may_come_in_any_order_with_spaces_around_them()
    {
        CpuConfig config = CpuConfig.Parse(" max = 16 , threads=2, boot=1 ,sockets=2");

        Assert.Equal(1, config.Boot);
        Assert.Equal(16, config.Max);
        Assert.Equal(new CpuTopology(2, 1, 4, 2), config.Topology);
    }

    [Fact]
    public void A_full_topology_whose_product_is_max_is_kept_as_given()
    {
        CpuConfig config = CpuConfig.Parse("boot=2,max=24,sockets=2,clusters=3,cores=2,threads=2");

        Assert.Equal(new CpuTopology(2, 3, 2, 2), config.Topology);
        Assert.Equal(config.Max, config.Topology.Count);
    }

    [Theory]
    [InlineData("boot=1,max=512")]
    [InlineData("boot=8,max=64,sockets=4")]
    [InlineData("boot=1,max=4096")]
    public void The_topology_always_describes_exactly_max_slots(string text)
    {
        CpuConfig config = CpuConfig.Parse(text);

        Assert.Equal(config.Max, config.Topology.Count);
    }

    [Theory]
    [InlineData("max=8", "boot=N is required")]
    [InlineData("", "expected key=value, got ''")]
    [InlineData("boot", "expected key=value, got 'boot'")]
    [InlineData("=4", "expected key=value, got '=4'")]
    [InlineData("boot=2,,max=4", "expected key=value, got ''")]
    [InlineData("boot=2,dies=2", "unknown key 'dies'")]
    [InlineData("Boot=2", "unknown key 'Boot'")]
    [InlineData("boot=two", "boot=two is not a non-negative integer")]
    [InlineData("boot=-1", "boot=-1 is not a non-negative integer")]
    [InlineData("boot=+1", "boot=+1 is not a non-negative integer")]
    [InlineData("boot=1,max=", "max= is not a non-negative integer")]
    [InlineData("boot=99999999999", "boot=99999999999 is not a non-negative integer")]
    [InlineData("boot=1,boot=2", "boot is given twice")]
    [InlineData("boot=0", "boot=0 must be at least 1")]
    [InlineData("boot=0,max=4", "boot=0 must be at least 1")]
    [InlineData("boot=4,max=2", "boot=4 is greater than max=2")]
    [InlineData("boot=1,max=4097", "max=4097 is above any KVM's limit")]
    [InlineData("boot=1,max=4,sockets=0", "must be at least 1")]
    [InlineData("boot=1,max=4,clusters=0", "must be at least 1")]
    [InlineData("boot=1,max=4,cores=0", "must be at least 1")]
    [InlineData("boot=1,max=4,threads=0", "must be at least 1")]
    [InlineData("boot=1,max=8,sockets=3", "does not equal max=8")]
    [InlineData("boot=1,max=8,cores=3", "sockets=1 x clusters=1 x cores=3 x threads=1 = 3 does not equal max=8")]
    [InlineData("boot=1,max=4,sockets=8", "does not equal max=4")]
    public void Bad_input_is_rejected_with_one_line_naming_the_option(string text, string expectedFragment)
    {
        var error = Assert.Throws<ConfigurationException>(() => CpuConfig.Parse(text));

        Assert.StartsWith("--cpus: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(expectedFragment, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Theory]
    [InlineData("boot=1,sockets=65536,clusters=65536")]
    [InlineData("boot=1,max=8,sockets=65536,threads=65536")]
    [InlineData("boot=1,max=8,clusters=256,threads=16777216")]
    public void huge_topology_levels_are_rejected_as_configuration_errors_not_a_crash(string text)
    {
        var error = Record.Exception(() => CpuConfig.Parse(text));

        Assert.IsType<ConfigurationException>(error);
        Assert.StartsWith("--cpus: ", error.Message, StringComparison.Ordinal);
    }
}
