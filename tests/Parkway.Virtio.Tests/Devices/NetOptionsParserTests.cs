using Parkway.Virtio.Devices;
using Parkway.Virtio.Devices.Net;

namespace Parkway.Virtio.Tests.Devices;

/// <summary>--net parsing, MAC addresses and the tap's existence check.</summary>
public sealed class NetOptionsParserTests
{
    [Fact]
    public void Tap_alone_uses_the_default_mac() =>
        Assert.Equal(new NetOptions("tap0", null, null), NetOptionsParser.Parse("tap=tap0"));

    [Fact]
    public void All_options_are_parsed()
    {
        NetOptions options = NetOptionsParser.Parse("tap=pw-tap1,mac=02:00:00:aa:bb:cc,id=net0");
        Assert.Equal("pw-tap1", options.Tap);
        Assert.Equal("02:00:00:aa:bb:cc", options.Mac.ToString());
        Assert.Equal("net0", options.Id);
    }

    [Theory]
    [InlineData("mac=02:00:00:00:00:01", "tap=NAME is required")]
    [InlineData("tap=", "not a valid interface name")]
    [InlineData("tap=this-name-is-too-long", "not a valid interface name")]
    [InlineData("tap=a/b", "not a valid interface name")]
    [InlineData("tap=t0,mac=01:00:5e:00:00:01", "not a unicast address")]
    [InlineData("tap=t0,mac=52:54:00:12:34", "not a unicast address")]
    [InlineData("tap=t0,mac=52:54:00:12:34:zz", "not a unicast address")]
    [InlineData("tap=t0,queues=4", "unknown option 'queues'")]
    [InlineData("tap=t0,tap=t1", "given twice")]
    public void Mistakes_are_one_configuration_error(string text, string expected)
    {
        var error = Assert.Throws<VirtioConfigurationException>(() => NetOptionsParser.Parse(text));
        Assert.StartsWith("--net: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Default_macs_follow_qemu()
    {
        Assert.Equal("52:54:00:12:34:56", MacAddress.Default(0).ToString());
        Assert.Equal("52:54:00:12:34:57", MacAddress.Default(1).ToString());
    }

    [Fact]
    public void A_tap_that_does_not_exist_is_refused_with_how_to_create_it()
    {
        var error = Assert.Throws<VirtioConfigurationException>(() => TapBackend.Open("pw-no-such0"));
        Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
        Assert.Contains("ip tuntap add dev pw-no-such0 mode tap", error.Message, StringComparison.Ordinal);
    }
}
