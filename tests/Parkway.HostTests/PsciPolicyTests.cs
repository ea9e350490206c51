using Parkway.HostTests.BareMetal;

namespace Parkway.HostTests;

/// <summary>
/// Parkway's PSCI policy on real KVM, probed by a bare-metal guest whose instructions this test
/// encodes: with KVM's SMCCC filter CPU_ON reaches Parkway, which refuses a parked CPU (DENIED) and
/// starts a plugged one; a host without the filter refuses max &gt; boot up front.
/// </summary>
[Collection(Arm64HostCollection.Name)]
public sealed class PsciPolicyTests
{
    [Fact]
    public void CpuOnToAParkedSlotIsDenied_CpuOnToAPluggedSlotStartsIt()
    {
        string image = Path.Combine(Directory.CreateTempSubdirectory("parkway-psci-").FullName, "psci-probe.img");
        // boot=2,max=3: MPIDR 1 is a plugged (boot) CPU waiting for CPU_ON, MPIDR 2 is parked.
        File.WriteAllBytes(image, PsciProbeGuest.Build(firstTargetMpidr: 2, secondTargetMpidr: 1));

        Arm64HostResult result = Arm64Host.Run(
            "parkway run --kernel /tmp/psci-probe.img --acpi off --cpus boot=2,max=3 --memory 64M; echo \"PSCI-EXIT $?\"",
            add: [(image, "/tmp/psci-probe.img")],
            timeout: TimeSpan.FromMinutes(3));

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("0", result.ValueAfter("PSCI-EXIT "));
        string? line = result.Lines.FirstOrDefault(static l => l.Length == 3 && l[0] == '0');
        Assert.True(line is not null, $"expected the probe's line \"0\" + {{'3','S'}}; got:\n{result}");
        // '0' = DENIED for the parked CPU; then SUCCESS ('3') and the started CPU's 'S', in either order.
        Assert.Equal(['3', 'S'], line[1..].Order().ToArray());
    }

    [Fact]
    public void HostWithoutSmcccFilter_RefusesMaxAboveBoot_NamingTheCapability()
    {
        Arm64HostResult result = Arm64Host.Run(
            "parkway run --kernel /guest/Image --initramfs /guest/initrd --cpus boot=1,max=2 --memory 256M 2>/tmp/err; echo \"RUN-EXIT $?\"; cat /tmp/err",
            hostKernel: "6.1",
            timeout: TimeSpan.FromMinutes(3));

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("2", result.ValueAfter("RUN-EXIT "));
        string? error = result.FirstLineStartingWith("parkway: ");
        Assert.NotNull(error);
        Assert.Contains("KVM_ARM_VM_SMCCC_FILTER", error, StringComparison.Ordinal);
    }
}
