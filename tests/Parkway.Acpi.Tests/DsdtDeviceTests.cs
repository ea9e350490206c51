using Parkway.Acpi.Arm64;
using Parkway.Acpi.Aml;
using Parkway.Acpi.Devices;

namespace Parkway.Acpi.Tests;

/// <summary>Golden bytes of the DSDT devices, compiled by iasl 20200925 (<c>iasl -on</c>) from the ASL shown.</summary>
public class DsdtDeviceTests
{
    [Fact]
    public void Cpu_hotplug_container_matches_the_reference_asl()
    {
        // Device (CPUS)
        // {
        //     Name (_HID, "ACPI0010")
        //     Name (_CID, EisaId ("PNP0A05"))
        //     Mutex (CPLK, 0x00)
        //     OperationRegion (PRST, SystemMemory, 0x090C0000, 0x0C)
        //     Field (PRST, ByteAcc, NoLock, WriteAsZeros)
        //         { Offset (0x04), CPEN, 1, CINS, 1, CRMV, 1, CEJT, 1, CEJF, 1, , 3, CCMD, 8 }
        //     Field (PRST, DWordAcc, NoLock, Preserve) { CSEL, 32, , 32, CDAT, 32 }
        //     Method (CTFY, 2, NotSerialized)
        //     {
        //         If ((Arg0 == Zero)) { Notify (C000, Arg1) }
        //         If ((Arg0 == One)) { Notify (C001, Arg1) }
        //     }
        //     Method (CSTA, 1, Serialized)
        //     {
        //         Acquire (CPLK, 0xFFFF)  CSEL = Arg0  Local0 = 0x0D
        //         If ((CPEN == One)) { Local0 = 0x0F }
        //         Release (CPLK)  Return (Local0)
        //     }
        //     Method (CEJ0, 1, Serialized) { Acquire (CPLK, 0xFFFF)  CSEL = Arg0  CEJT = One  Release (CPLK) }
        //     Method (CSCN, 0, Serialized)
        //     {
        //         Acquire (CPLK, 0xFFFF)
        //         Local0 = Zero
        //         While ((Local0 < 0x02))
        //         {
        //             CSEL = Local0
        //             CCMD = Zero
        //             If ((CDAT < Local0)) { Break }
        //             Local0 = CDAT
        //             If ((CINS == One)) { CTFY (Local0, One)  CINS = One }
        //             If ((CRMV == One)) { CTFY (Local0, 0x03)  CRMV = One }
        //             Local0++
        //         }
        //         Release (CPLK)
        //     }
        //     Method (COST, 3, Serialized)
        //     {
        //         Acquire (CPLK, 0xFFFF)  CSEL = Arg0
        //         CCMD = One  CDAT = Arg1  CCMD = 0x02  CDAT = Arg2
        //         Release (CPLK)
        //     }
        //     Device (C000)
        //     {
        //         Name (_HID, "ACPI0007")  Name (_UID, Zero)
        //         Method (_STA, 0, Serialized) { Return (CSTA (Zero)) }
        //         Method (_OST, 3, Serialized) { COST (Zero, Arg0, Arg1) }
        //     }
        //     Device (C001)
        //     {
        //         Name (_HID, "ACPI0007")  Name (_UID, One)
        //         Method (_STA, 0, Serialized) { Return (CSTA (One)) }
        //         Method (_EJ0, 1, Serialized) { CEJ0 (One) }
        //         Method (_OST, 3, Serialized) { COST (One, Arg0, Arg1) }
        //     }
        // }
        const string golden =
            "5B 82 42 1F 43 50 55 53 08 5F 48 49 44 0D 41 43 50 49 30 30 31 30 00 08 5F 43 49 44 0C 41 D0 0A " +
            "05 5B 01 43 50 4C 4B 00 5B 80 50 52 53 54 00 0C 00 00 0C 09 0A 0C 5B 81 28 50 52 53 54 41 00 20 " +
            "43 50 45 4E 01 43 49 4E 53 01 43 52 4D 56 01 43 45 4A 54 01 43 45 4A 46 01 00 03 43 43 4D 44 08 " +
            "5B 81 12 50 52 53 54 03 43 53 45 4C 20 00 20 43 44 41 54 20 14 1C 43 54 46 59 02 A0 0A 93 68 00 " +
            "86 43 30 30 30 69 A0 0A 93 68 01 86 43 30 30 31 69 14 2C 43 53 54 41 09 5B 23 43 50 4C 4B FF FF " +
            "70 68 43 53 45 4C 70 0A 0D 60 A0 0B 93 43 50 45 4E 01 70 0A 0F 60 5B 27 43 50 4C 4B A4 60 14 20 " +
            "43 45 4A 30 09 5B 23 43 50 4C 4B FF FF 70 68 43 53 45 4C 70 01 43 45 4A 54 5B 27 43 50 4C 4B 14 " +
            "45 06 43 53 43 4E 08 5B 23 43 50 4C 4B FF FF 70 00 60 A2 4C 04 95 60 0A 02 70 60 43 53 45 4C 70 " +
            "00 43 43 4D 44 A0 08 95 43 44 41 54 60 A5 70 43 44 41 54 60 A0 13 93 43 49 4E 53 01 43 54 46 59 " +
            "60 01 70 01 43 49 4E 53 A0 14 93 43 52 4D 56 01 43 54 46 59 60 0A 03 70 01 43 52 4D 56 75 60 5B " +
            "27 43 50 4C 4B 14 33 43 4F 53 54 0B 5B 23 43 50 4C 4B FF FF 70 68 43 53 45 4C 70 01 43 43 4D 44 " +
            "70 69 43 44 41 54 70 0A 02 43 43 4D 44 70 6A 43 44 41 54 5B 27 43 50 4C 4B 5B 82 35 43 30 30 30 " +
            "08 5F 48 49 44 0D 41 43 50 49 30 30 30 37 00 08 5F 55 49 44 00 14 0C 5F 53 54 41 08 A4 43 53 54 " +
            "41 00 14 0D 5F 4F 53 54 0B 43 4F 53 54 00 68 69 5B 82 42 04 43 30 30 31 08 5F 48 49 44 0D 41 43 " +
            "50 49 30 30 30 37 00 08 5F 55 49 44 01 14 0C 5F 53 54 41 08 A4 43 53 54 41 01 14 0B 5F 45 4A 30 " +
            "09 43 45 4A 30 01 14 0D 5F 4F 53 54 0B 43 4F 53 54 01 68 69";
        var device = CpuHotplugAml.Build([new CpuHotplugAmlCpu(0, false, null), new CpuHotplugAmlCpu(1, true, null)], 0x090C0000);
        Hex.AssertEqual(golden, device.ToAml());
    }

    [Fact]
    public void Ged_matches_the_reference_asl_with_a_computed_end_tag_checksum()
    {
        // Device (GED0)
        // {
        //     Name (_HID, "ACPI0013")
        //     Name (_UID, Zero)
        //     Name (_CRS, ResourceTemplate () { Interrupt (ResourceConsumer, Edge, ActiveHigh, Exclusive, ,, ) {41} })
        //     OperationRegion (EREG, SystemMemory, 0x09080000, 4)
        //     Field (EREG, DWordAcc, NoLock, WriteAsZeros) { ESEL, 32 }
        //     Method (_EVT, 1, Serialized)
        //     {
        //         Local0 = ESEL
        //         If (((Local0 & 0x08) == 0x08)) { \_SB.CPUS.CSCN () }
        //         If (((Local0 & 0x02) == 0x02)) { Notify (\_SB.PWRB, 0x80) }
        //     }
        // }
        // iasl writes the End Tag as 79 00; we write 79 CB so the template sums to zero.
        const string golden =
            "5B 82 47 08 47 45 44 30 08 5F 48 49 44 0D 41 43 50 49 30 30 31 33 00 08 5F 55 49 44 00 08 5F 43 " +
            "52 53 11 0E 0A 0B 89 06 00 03 01 29 00 00 00 79 CB 5B 80 45 52 45 47 00 0C 00 00 08 09 0A 04 5B " +
            "81 0B 45 52 45 47 43 45 53 45 4C 20 14 3C 5F 45 56 54 09 70 45 53 45 4C 60 A0 18 93 7B 60 0A 08 " +
            "00 0A 08 5C 2F 03 5F 53 42 5F 43 50 55 53 43 53 43 4E A0 16 93 7B 60 0A 02 00 0A 02 86 5C 2E 5F " +
            "53 42 5F 50 57 52 42 0A 80";
        Hex.AssertEqual(golden, GedAml.Build(0x09080000, 41).ToAml());
    }

    [Fact]
    public void Uart_and_power_button()
    {
        // Device (COM0)
        // {
        //     Name (_HID, "ARMH0011")
        //     Name (_UID, Zero)
        //     Name (_CRS, ResourceTemplate () { Memory32Fixed (ReadWrite, 0x09000000, 0x00001000, )
        //         Interrupt (ResourceConsumer, Level, ActiveHigh, Exclusive, ,, ) { 0x21 } })
        // }
        // Device (PWRB) { Name (_HID, "PNP0C0C")  Name (_UID, Zero) }
        // (End Tag checksums computed; iasl would leave them 0.)
        var uart = Pl011Aml.Build(0x0900_0000, 33).ToAml();
        var text = System.Text.Encoding.ASCII.GetString(uart);
        Assert.Contains("ARMH0011", text, StringComparison.Ordinal);
        var crs = uart.AsSpan(uart.Length - 23).ToArray(); // the template is the device's last 23 bytes
        Hex.AssertEqual("86 09 00 01 00 00 00 09 00 10 00 00 89 06 00 01 01 21 00 00 00 79", crs.AsSpan(0, 22));
        Assert.Equal(0, AcpiChecksum.Sum(crs));
        Hex.AssertEqual("5B 82 19 50 57 52 42 08 5F 48 49 44 0D 50 4E 50 30 43 30 43 00 08 5F 55 49 44 00",
            PowerButtonAml.Build().ToAml());
    }

    [Theory]
    [InlineData(0u, "C000")]
    [InlineData(10u, "C00A")]
    [InlineData(0x3Fu, "C03F")]
    [InlineData(0xFFFu, "CFFF")]
    public void Cpu_devices_are_named_after_the_uid_in_hex(uint uid, string name) =>
        Assert.Equal(name, CpuHotplugAml.DeviceName(uid));

    [Fact]
    public void Uids_beyond_three_hex_digits_are_rejected() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => CpuHotplugAml.DeviceName(0x1000));

    [Fact]
    public void Only_hot_pluggable_cpus_get_ej0_and_every_cpu_gets_an_enabled_mat()
    {
        var platform = TestPlatforms.Create(bootCpus: 2, possibleCpus: 4);
        var content = AcpiTableSetBuilder.BuildDsdtContent(platform);
        var cpus = ((AmlScope)content[0]).Children.OfType<AmlDevice>().Single(d => d.Name.Text == "CPUS");
        var cpuDevices = cpus.Children.OfType<AmlDevice>().ToList();
        Assert.Equal(["C000", "C001", "C002", "C003"], cpuDevices.Select(d => d.Name.Text));
        for (var i = 0; i < 4; i++)
        {
            var methods = cpuDevices[i].Children.OfType<AmlMethod>().Select(m => m.Name.Text).ToList();
            Assert.Equal(i >= 2, methods.Contains("_EJ0"));
            Assert.Contains("_STA", methods);
            Assert.Contains("_OST", methods);
            var mat = (AmlBuffer)cpuDevices[i].Children.OfType<AmlName>().Single(n => n.Name.Text == "_MAT").Value;
            var entry = mat.Bytes.ToArray();
            Assert.Equal(80, entry.Length);
            Assert.Equal(0x0B, entry[0]);
            Assert.Equal((uint)i, entry.U32(8));
            Assert.Equal(1u, entry.U32(12)); // Enabled forced on, Online Capable off
            Assert.Equal(TestPlatforms.KvmMpidr((uint)i) & 0xFF_00FF_FFFF, entry.U64(68));
        }
    }
}
