using System.Diagnostics;
using Parkway.Fdt;
using Parkway.Machine.Arm64;
using Parkway.Machine.Config;
using Parkway.Machine.Cpu;
using Parkway.Tests.Fakes;

namespace Parkway.Tests.Arm64;

/// <summary>The PL031 RTC and PMU nodes of the FDT, read back and checked by dtc.</summary>
public sealed class VirtDeviceTreePlatformTests
{
    [Fact]
    public void The_rtc_is_a_pl031_primecell_at_qemu_virts_address_on_spi_2()
    {
        FdtNode rtc = FdtReader.Parse(Build(pmu: false)).Find("/pl031@9010000")!;

        Assert.NotNull(rtc);
        Assert.Equal(new uint[] { 0, 0x0901_0000, 0, 0x1000 }, rtc.GetCells("reg"));
        Assert.Equal(new uint[] { 0, 2, 4 }, rtc.GetCells("interrupts"));
        Assert.Equal("apb_pclk", rtc.GetString("clock-names"));
    }

    [Fact]
    public void The_pmu_node_names_ppi_7_and_exists_only_when_the_vcpus_have_a_pmu()
    {
        FdtNode pmu = FdtReader.Parse(Build(pmu: true)).Find("/pmu")!;

        Assert.Equal("arm,armv8-pmuv3", pmu.GetString("compatible"));
        Assert.Equal(new uint[] { 1, 7, 4 }, pmu.GetCells("interrupts"));
        Assert.Null(FdtReader.Parse(Build(pmu: false)).Find("/pmu"));
    }

    [Fact]
    public void Dtc_decompiles_the_tree_without_warnings_and_sees_both_nodes()
    {
        string path = Path.Combine(Path.GetTempPath(), $"parkway-virt-{Environment.ProcessId}-{Guid.NewGuid():N}.dtb");
        File.WriteAllBytes(path, Build(pmu: true));
        try
        {
            var start = new ProcessStartInfo("dtc") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (string argument in (string[])["-I", "dtb", "-O", "dts", path])
            {
                start.ArgumentList.Add(argument);
            }

            using Process dtc = Process.Start(start)!;
            string dts = dtc.StandardOutput.ReadToEnd();
            string errors = dtc.StandardError.ReadToEnd();
            dtc.WaitForExit();

            Assert.True(dtc.ExitCode == 0, errors);
            Assert.True(errors.Length == 0, errors);
            // dtc prints a string list read from a blob as one string with \0 separators.
            foreach (string expected in (string[])["pl031@9010000 {", "compatible = \"arm,pl031\\0arm,primecell\";", "compatible = \"arm,armv8-pmuv3\";"])
            {
                Assert.True(dts.Contains(expected, StringComparison.Ordinal), $"{expected} not in:\n{dts}");
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static byte[] Build(bool pmu)
    {
        CpuSlot[] slots = [new CpuSlot(0, new CpuTopologyIds(0, 0, 0, 0), new FakeVcpu(0), 0x8000_0000, isBootCpu: true)];
        return VirtDeviceTree.Build(new VirtDeviceTree.Inputs(
            VirtMemoryMap.RamBase, 512UL << 20, slots, VirtMemoryMap.RedistributorRegions(1), "console=ttyAMA0", 0, 0, null, pmu));
    }
}
