using Parkway.Acpi.Aml;
using Parkway.Acpi.Devices;
using Parkway.Acpi.Tables;

namespace Parkway.Acpi.Tests;

/// <summary>The virtio-mmio DSDT device (LNRO0005), disassembled and recompiled by iasl.</summary>
public sealed class VirtioMmioAmlTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "parkway-virtio-aml-" + Guid.NewGuid().ToString("N"));

    public VirtioMmioAmlTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData(0u, "VR00")]
    [InlineData(10u, "VR0A")]
    [InlineData(31u, "VR1F")]
    public void Devices_are_named_after_the_slot(uint index, string name) =>
        Assert.Equal(name, VirtioMmioAml.DeviceName(index));

    [Fact]
    public void Slots_beyond_two_hex_digits_have_no_name() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => VirtioMmioAml.DeviceName(0x100));

    [Fact]
    public void Iasl_disassembles_the_devices_cleanly_with_hid_uid_cca_window_and_edge_interrupt()
    {
        byte[] dsdt = BuildDsdt();
        File.WriteAllBytes(Path.Combine(_directory, "dsdt.dat"), dsdt);

        Iasl.Result result = Iasl.Run(_directory, "-d", "dsdt.dat");

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.True(result.Problems.Count == 0, string.Join('\n', result.Problems));
        string dsl = File.ReadAllText(Path.Combine(_directory, "dsdt.dsl"));
        string vr01 = dsl[dsl.IndexOf("Device (VR01)", StringComparison.Ordinal)..];
        Assert.Equal(2, CountOf(dsl, "Name (_HID, \"LNRO0005\")"));
        Assert.Contains("Name (_UID, One)", vr01, StringComparison.Ordinal);
        Assert.Equal(2, CountOf(dsl, "Name (_CCA, One)"));
        Assert.Matches(@"Memory32Fixed \(ReadWrite,\s+0x0A000200,\s+// Address Base\s+0x00000200,", vr01);
        Assert.Matches(@"Interrupt \(ResourceConsumer, Edge, ActiveHigh, Exclusive, ,, \)\s+\{\s+0x00000031,", vr01);
    }

    [Fact]
    public void The_disassembly_recompiles_to_the_same_aml_except_the_end_tag_checksums()
    {
        byte[] dsdt = BuildDsdt();
        File.WriteAllBytes(Path.Combine(_directory, "dsdt.dat"), dsdt);
        Assert.Equal(0, Iasl.Run(_directory, "-d", "dsdt.dat").ExitCode);

        Iasl.Result compile = Iasl.Run(_directory, "-on", "-p", "recompiled", "dsdt.dsl");

        Assert.True(compile.ExitCode == 0, compile.Output);
        Assert.True(compile.Problems.Count == 0, string.Join('\n', compile.Problems));
        byte[] recompiled = File.ReadAllBytes(Path.Combine(_directory, "recompiled.aml"));
        Assert.Equal(dsdt.Length, recompiled.Length);
        int endTags = 0;
        for (int i = 36; i < dsdt.Length; i++)
        {
            if (dsdt[i] != recompiled[i])
            {
                // iasl leaves End Tag checksums 0; Parkway computes them.
                Assert.True(dsdt[i - 1] == 0x79 && recompiled[i] == 0, $"AML differs at offset {i}");
                endTags++;
            }
        }

        Assert.True(endTags <= 2);
    }

    [Fact]
    public void The_device_equals_what_iasl_compiles_from_the_reference_asl()
    {
        const string asl = """
            DefinitionBlock ("", "DSDT", 2, "PRKWAY", "PARKWAY", 1)
            {
                Scope (\_SB)
                {
                    Device (VR00)
                    {
                        Name (_HID, "LNRO0005")
                        Name (_UID, Zero)
                        Name (_CCA, One)
                        Name (_CRS, ResourceTemplate ()
                        {
                            Memory32Fixed (ReadWrite, 0x0A000000, 0x00000200, )
                            Interrupt (ResourceConsumer, Edge, ActiveHigh, Exclusive, ,, ) { 0x00000030 }
                        })
                    }
                }
            }
            """;
        File.WriteAllText(Path.Combine(_directory, "reference.asl"), asl);
        Iasl.Result compile = Iasl.Run(_directory, "-on", "-p", "reference", "reference.asl");
        Assert.True(compile.ExitCode == 0, compile.Output);

        byte[] reference = File.ReadAllBytes(Path.Combine(_directory, "reference.aml"))[36..];
        byte[] ours = new AmlScope("\\_SB", [VirtioMmioAml.Build(0, 0x0A00_0000, 48)]).ToAml();

        Assert.Equal(reference.Length, ours.Length);
        for (int i = 0; i < ours.Length; i++)
        {
            // The one allowed difference: iasl leaves the End Tag checksum 0, Parkway computes it.
            Assert.True(ours[i] == reference[i] || (i == ours.Length - 1 && ours[i - 1] == 0x79 && reference[i] == 0), $"AML differs at offset {i}");
        }

        Assert.Equal(0, AcpiChecksum.Sum(ours.AsSpan(ours.Length - 23)));
    }

    private static byte[] BuildDsdt() =>
        Dsdt.Build([new AmlScope("\\_SB", [VirtioMmioAml.Build(0, 0x0A00_0000, 48), VirtioMmioAml.Build(1, 0x0A00_0200, 49)])]);

    private static int CountOf(string text, string value) =>
        (text.Length - text.Replace(value, string.Empty, StringComparison.Ordinal).Length) / value.Length;
}

/// <summary>The machine's DSDT with virtio-mmio transports, as the whole table set writes it.</summary>
public sealed class VirtioMmioDsdtTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "parkway-virtio-dsdt-" + Guid.NewGuid().ToString("N"));

    public VirtioMmioDsdtTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void The_platform_dsdt_lists_each_transport_after_the_uart_and_iasl_reads_it_cleanly()
    {
        AcpiPlatform platform = TestPlatforms.Create(2, 8);
        var arm64 = (Arm64.Arm64AcpiPlatform)platform.Architecture;
        platform = platform with
        {
            Architecture = arm64 with { VirtioMmioDevices = [(0u, 0x0A00_0000UL, 48u), (1u, 0x0A00_0200UL, 49u), (2u, 0x0A00_0400UL, 50u)] },
        };
        AcpiTableSet set = AcpiTableSetBuilder.Build(platform, TestPlatforms.TablesBase);
        set.WriteFiles(_directory);

        Iasl.Result result = Iasl.Run(_directory, "-d", "dsdt.dat");

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.True(result.Problems.Count == 0, string.Join('\n', result.Problems));
        string dsl = File.ReadAllText(Path.Combine(_directory, "dsdt.dsl"));
        int uart = dsl.IndexOf("Device (COM0)", StringComparison.Ordinal);
        int[] devices = [.. new[] { "VR00", "VR01", "VR02" }.Select(n => dsl.IndexOf($"Device ({n})", StringComparison.Ordinal))];
        Assert.True(uart >= 0, dsl);
        Assert.All(devices, at => Assert.True(at > uart, dsl));
        Assert.Equal(3, dsl.Split("Name (_HID, \"LNRO0005\")").Length - 1);
        Assert.Matches(@"0x0A000400,\s+// Address Base", dsl[devices[2]..]);
        Assert.Matches(@"Interrupt \(ResourceConsumer, Edge, ActiveHigh, Exclusive, ,, \)\s+\{\s+0x00000032,", dsl[devices[2]..]);
    }
}
