using Parkway.Acpi.Tests;

namespace Parkway.HostTests;

/// <summary>Runs Scenarios/acpi.sh once in the arm64 test host for all <see cref="AcpiBootTests"/>.</summary>
public sealed class AcpiScenarioFixture
{
    /// <summary>The session's results.</summary>
    public ScenarioRun Run { get; } = ScenarioRun.Start("acpi.sh", TimeSpan.FromMinutes(10));
}

/// <summary>
/// ACPI boot of Debian's arm64 6.12 kernel on real KVM: every possible CPU is present, only the boot
/// CPUs are enabled and online, the guest kernel logs no ACPI or firmware complaint, and the tables
/// it actually received disassemble cleanly with iasl.
/// </summary>
[Collection(Arm64HostCollection.Name)]
public sealed class AcpiBootTests : IClassFixture<AcpiScenarioFixture>
{
    private readonly ScenarioRun _run;

    public AcpiBootTests(AcpiScenarioFixture fixture) => _run = fixture.Run;

    [Fact]
    public void Boot2Max8_AllEightPresent_TwoEnabledAndOnline_HostHoldsEightVcpusTwoThreads()
    {
        Assert.Equal(0, _run.ExitCode("acpi-boot2-max8"));
        IReadOnlyDictionary<string, string> guest = _run.GuestCpus("acpi-boot2-max8");
        Assert.Equal("0-7", guest["possible"]);
        Assert.Equal("0-7", guest["present"]);
        Assert.Equal("0-1", guest["online"]);
        Assert.Equal("0-1", guest["enabled"]);
        Assert.Equal(8, _run.Value("acpi-boot2-max8", "vcpu-fds"));
        Assert.Equal(2, _run.Value("acpi-boot2-max8", "vcpu-threads"));
    }

    [Fact]
    public void Boot1Max1_OneCpu()
    {
        Assert.Equal(0, _run.ExitCode("acpi-boot1-max1"));
        IReadOnlyDictionary<string, string> guest = _run.GuestCpus("acpi-boot1-max1");
        Assert.Equal("0", guest["possible"]);
        Assert.Equal("0", guest["online"]);
        Assert.Equal("0", guest["enabled"]);
    }

    [Fact]
    public void Boot4Max64_SixtyFourPresent_FourOnline()
    {
        Assert.Equal(0, _run.ExitCode("acpi-boot4-max64"));
        IReadOnlyDictionary<string, string> guest = _run.GuestCpus("acpi-boot4-max64");
        Assert.Equal("0-63", guest["possible"]);
        Assert.Equal("0-63", guest["present"]);
        Assert.Equal("0-3", guest["online"]);
        Assert.Equal("0-3", guest["enabled"]);
        Assert.Equal(64, _run.Value("acpi-boot4-max64", "vcpu-fds"));
        Assert.Equal(4, _run.Value("acpi-boot4-max64", "vcpu-threads"));
    }

    [Theory]
    [InlineData("acpi-boot2-max8")]
    [InlineData("acpi-boot4-max64")]
    public void GuestKernelLog_HasNoAcpiOrFirmwareComplaint(string caseName)
    {
        IReadOnlyList<string> stdout = _run.Stdout(caseName);
        Assert.Contains("PARKWAY-DMESG-END", stdout);
        List<string> complaints = [.. stdout.Where(static l => l.StartsWith("PARKWAY-DMESG ", StringComparison.Ordinal))];
        Assert.True(complaints.Count == 0, "guest kernel complained:\n" + string.Join('\n', complaints));
    }

    [Theory]
    [InlineData("acpi-boot2-max8", 8)]
    [InlineData("acpi-boot4-max64", 64)]
    public void TablesTheGuestReceived_DisassembleWithoutErrors_AndDescribeEveryPossibleCpu(string caseName, int possible)
    {
        Dictionary<string, byte[]> tables = [];
        foreach (string line in _run.Stdout(caseName).Where(static l => l.StartsWith("PARKWAY-ACPI ", StringComparison.Ordinal)))
        {
            string[] parts = line.Split(' ', 3);
            tables[parts[1]] = Convert.FromBase64String(parts[2]);
        }

        foreach (string signature in (string[])["APIC", "DSDT", "FACP", "GTDT", "SPCR", "PPTT"])
        {
            Assert.True(tables.ContainsKey(signature), $"the guest did not see {signature}; it saw {string.Join(", ", tables.Keys)}");
        }

        string directory = Directory.CreateTempSubdirectory("parkway-guest-acpi-").FullName;
        try
        {
            foreach ((string signature, byte[] bytes) in tables)
            {
                string path = Path.Combine(directory, signature.ToLowerInvariant() + ".dat");
                File.WriteAllBytes(path, bytes);
                Iasl.Result iasl = Iasl.Run(directory, "-d", path);
                Assert.True(iasl.ExitCode == 0 && iasl.Problems.Count == 0, $"iasl -d {signature} ({iasl.ExitCode}):\n{iasl.Output}");
            }

            string dsdt = File.ReadAllText(Path.Combine(directory, "dsdt.dsl"));
            Assert.Equal(possible, CountOccurrences(dsdt, "\"ACPI0007\""));
            string madt = File.ReadAllText(Path.Combine(directory, "apic.dsl"));
            Assert.Equal(possible, CountOccurrences(madt, "Subtable Type : 0B [Generic Interrupt Controller]"));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static int CountOccurrences(string text, string value)
    {
        int count = 0;
        for (int index = text.IndexOf(value, StringComparison.Ordinal); index >= 0; index = text.IndexOf(value, index + 1, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
