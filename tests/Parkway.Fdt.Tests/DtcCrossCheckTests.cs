namespace Parkway.Fdt.Tests;

/// <summary>
/// Checks the writer against dtc, the reference implementation: dtc must decompile our blobs without
/// a single warning (its checks cover names, unit addresses vs reg, phandles, interrupt wiring), and a
/// blob dtc itself compiles must read back identically through <see cref="FdtReader"/>.
/// </summary>
public sealed class DtcCrossCheckTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("parkway-fdt-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Dtc_decompiles_the_sample_tree_without_warnings()
    {
        string dts = Decompile(SampleArm64Tree.Build());

        Assert.StartsWith("/dts-v1/;", dts, StringComparison.Ordinal);
        Assert.Contains("/memreserve/\t0x0000000048000000 0x0000000000010000;", dts, StringComparison.Ordinal);
        Assert.Contains("compatible = \"linux,dummy-virt\";", dts, StringComparison.Ordinal);
        Assert.Contains("cpu@3 {", dts, StringComparison.Ordinal);
        Assert.Contains("enable-method = \"psci\";", dts, StringComparison.Ordinal);
        // dtc prints a string list it decompiled as one string with embedded \0.
        Assert.Contains("compatible = \"arm,psci-1.0\\0arm,psci-0.2\";", dts, StringComparison.Ordinal);
        Assert.Contains("intc@8000000 {", dts, StringComparison.Ordinal);
        Assert.Contains("interrupt-controller;", dts, StringComparison.Ordinal);
        Assert.Contains("reg = <0x00 0x8000000 0x00 0x10000 0x00 0x80a0000 0x00 0xf60000>;", dts, StringComparison.Ordinal);
        Assert.Contains("interrupts = <0x01 0x0d 0x04 0x01 0x0e 0x04 0x01 0x0b 0x04 0x01 0x0a 0x04>;", dts, StringComparison.Ordinal);
        Assert.Contains("clock-frequency = <0x16e3600>;", dts, StringComparison.Ordinal);
        Assert.Contains("bootargs = \"console=ttyAMA0 earlycon quiet\";", dts, StringComparison.Ordinal);
        Assert.Contains("linux,uefi-system-table = <0x00 0x48000000>;", dts, StringComparison.Ordinal);
        Assert.Contains("linux,uefi-mmap-desc-size = <0x30>;", dts, StringComparison.Ordinal);
    }

    [Fact]
    public void Dtc_decompiles_the_hand_computed_tiny_tree()
    {
        string dts = Decompile(TinyTree.ExpectedBytes);

        Assert.Contains("/memreserve/\t0x0000000000001000 0x0000000000002000;", dts, StringComparison.Ordinal);
        Assert.Contains("a = <0x12345678>;", dts, StringComparison.Ordinal);
        Assert.Contains("b {", dts, StringComparison.Ordinal);
        Assert.Contains("s = \"hi\";", dts, StringComparison.Ordinal);
    }

    [Fact]
    public void Dtc_reports_the_boot_cpu_id_we_wrote()
    {
        byte[] dtb = new FdtBuilder().BeginNode("").EndNode().Build(bootCpuId: 0x103);

        // dtc only shows boot_cpuid_phys in its dtb -> dtb header; read that back with our reader.
        string input = WriteBlob(dtb, "boot.dtb");
        string output = System.IO.Path.Combine(_directory, "boot-dtc.dtb");
        DtcTool.Result result = DtcTool.Run("-q", "-I", "dtb", "-O", "dtb", "-o", output, input);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(0x103u, FdtReader.ReadHeader(File.ReadAllBytes(output)).BootCpuId);
    }

    [Fact]
    public void A_dtc_compiled_blob_reads_back_identical_to_ours()
    {
        byte[] ours = SampleArm64Tree.Build();
        string dtsPath = System.IO.Path.Combine(_directory, "sample.dts");
        File.WriteAllText(dtsPath, Decompile(ours));
        string dtcBlobPath = System.IO.Path.Combine(_directory, "sample-dtc.dtb");

        // Decompiled dts writes phandles as plain numbers, which dtc's clocks check then flags in the
        // *source*; the blob is fine (the dtb -> dts leg above ran with every check on).
        DtcTool.Result result = DtcTool.Run("-W", "no-clocks_property", "-I", "dts", "-O", "dtb", "-o", dtcBlobPath, dtsPath);

        Assert.True(result.ExitCode == 0 && result.StandardError.Length == 0, $"dtc dts->dtb failed: {result.StandardError}");
        FdtDocument fromDtc = FdtReader.ParseDocument(File.ReadAllBytes(dtcBlobPath));
        FdtDocument fromUs = FdtReader.ParseDocument(ours);
        AssertSameTree(fromUs.Root, fromDtc.Root, "/");
        Assert.Equal(fromUs.MemoryReservations, fromDtc.MemoryReservations);
    }

    private static void AssertSameTree(FdtNode expected, FdtNode actual, string path)
    {
        Assert.Equal(expected.Name, actual.Name);
        Assert.Equal(
            expected.Properties.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => (p.Key, Convert.ToHexString(p.Value))),
            actual.Properties.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => (p.Key, Convert.ToHexString(p.Value))));
        Assert.Equal(expected.Children.Select(c => c.Name), actual.Children.Select(c => c.Name));
        for (int i = 0; i < expected.Children.Count; i++)
        {
            AssertSameTree(expected.Children[i], actual.Children[i], path + expected.Children[i].Name + "/");
        }
    }

    private string Decompile(byte[] dtb)
    {
        string input = WriteBlob(dtb, "input.dtb");
        DtcTool.Result result = DtcTool.Run("-I", "dtb", "-O", "dts", "-o", "-", input);

        Assert.True(result.ExitCode == 0, $"dtc exited with {result.ExitCode}: {result.StandardError}");
        Assert.True(result.StandardError.Length == 0, $"dtc printed warnings:\n{result.StandardError}");
        return result.StandardOutput;
    }

    private string WriteBlob(byte[] dtb, string name)
    {
        string path = System.IO.Path.Combine(_directory, name);
        File.WriteAllBytes(path, dtb);
        return path;
    }
}
