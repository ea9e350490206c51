using Microsoft.Extensions.Logging.Abstractions;
using Parkway.Acpi.Arm64;
using Parkway.Machine;
using Parkway.Machine.Arm64;
using Parkway.Machine.Config;
using Parkway.Machine.Cpu;
using Parkway.Machine.Hotplug;
using Parkway.Tests.Fakes;

namespace Parkway.Tests.Hotplug;

/// <summary>
/// --cpus boot=N,max=M,hotpluggable-boot=on (issue 11, point 2): CPUs 1..N-1 are plugged at start
/// but described like hot-pluggable ones, so the guest may eject them; CPU 0 stays fixed.
/// </summary>
public sealed class HotpluggableBootCpuTests
{
    [Theory]
    [InlineData("boot=4,max=8,hotpluggable-boot=on", true)]
    [InlineData("boot=4,max=8,hotpluggable-boot=off", false)]
    [InlineData("boot=4,max=8", false)]
    public void The_option_parses(string text, bool expected) =>
        Assert.Equal(expected, CpuConfig.Parse(text).HotpluggableBoot);

    [Theory]
    [InlineData("boot=4,hotpluggable-boot=yes", "--cpus: hotpluggable-boot=yes: expected on or off")]
    [InlineData("boot=4,hotpluggable-boot=on,hotpluggable-boot=on", "--cpus: hotpluggable-boot is given twice")]
    public void Bad_values_are_configuration_errors(string text, string message) =>
        Assert.Equal(message, Assert.Throws<ConfigurationException>(() => CpuConfig.Parse(text)).Message);

    [Fact]
    public void Only_cpu_0_is_madt_enabled_the_other_boot_cpus_are_online_capable_and_ejectable()
    {
        CpuConfig config = CpuConfig.Parse("boot=4,max=6,hotpluggable-boot=on");

        var platform = Arm64AcpiDescription.DescribePredicted(config);
        var arm64 = (Arm64AcpiPlatform)platform.Architecture;

        Assert.Equal(
            [MadtGiccFlags.Enabled, MadtGiccFlags.OnlineCapable, MadtGiccFlags.OnlineCapable, MadtGiccFlags.OnlineCapable, MadtGiccFlags.OnlineCapable, MadtGiccFlags.OnlineCapable],
            platform.Cpus.Select(c => arm64.Gicc(c, forceEnabled: false).Flags));
        Assert.Equal([false, true, true, true, true, true], platform.Cpus.Select(static c => c.IsEjectable));
    }

    [Fact]
    public void Boot_cpus_start_plugged_and_all_but_cpu_0_can_be_unplugged()
    {
        using CpuManager cpus = CpuManager.CreateAll(null!, CpuConfig.Parse("boot=4,max=4,hotpluggable-boot=on"), new FakeVcpuArchitecture(), NullLogger.Instance);
        var controller = new CpuHotplugController(cpus, Arm64VirtMachine.Arm64CpuModel, notifyGuest: static () => { });

        Assert.All(cpus.Slots, static s => Assert.True(s.IsEnabled));
        Assert.Equal([true, false, false, false], cpus.Slots.Select(static s => s.IsBootCpu));
        Assert.Equal("/machine/unattached/device[2]", controller.PluggedCpus()[2].QomPath);

        ResizePlan plan = controller.Resize(1);

        Assert.Equal([3, 2, 1], plan.Unplug);
        Assert.StartsWith("Boot CPU(id0=",
            Assert.Throws<MachineRequestException>(() => controller.Delete("/machine/unattached/device[0]")).Message, StringComparison.Ordinal);
    }
}
