using Xunit.Abstractions;

namespace Parkway.HostTests;

/// <summary>
/// Proves the arm64 test host tool itself: KVM is there, exit codes and files travel both ways,
/// the published parkway runs, and both host kernels boot.
/// </summary>
[Collection(Arm64HostCollection.Name)]
public sealed class Arm64HostSmokeTests
{
    private readonly ITestOutputHelper _log;

    public Arm64HostSmokeTests(ITestOutputHelper log) => _log = log;

    [Fact]
    public void The_test_host_has_a_kvm_device()
    {
        var result = Arm64Host.Run("test -c /dev/kvm && uname -m", onOutputLine: _log.WriteLine);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("aarch64", result.Lines);
    }

    [Fact]
    public void The_command_s_exit_code_and_output_are_relayed()
    {
        // Computed inside the host, so the text cannot come from anywhere else.
        var result = Arm64Host.Run("echo answer=$((6 * 7)); exit 7");

        Assert.True(result.ExitCode == 7, result.ToString());
        Assert.Equal("42", result.ValueAfter("answer="));
    }

    [Fact]
    public void An_added_file_arrives_at_its_guest_path()
    {
        var content = Guid.NewGuid().ToString("N");
        var hostFile = Path.Combine(Path.GetTempPath(), $"arm64-host-add-{content}.txt");
        File.WriteAllText(hostFile, content + "\n");
        try
        {
            var result = Arm64Host.Run(
                "echo arrived=$(cat /root/deep/dir/payload.txt)",
                add: [(hostFile, "/root/deep/dir/payload.txt")]);

            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Equal(content, result.ValueAfter("arrived="));
        }
        finally
        {
            File.Delete(hostFile);
        }
    }

    [Fact]
    public void The_published_parkway_runs_in_the_test_host()
    {
        var result = Arm64Host.Run("parkway --version", onOutputLine: _log.WriteLine);

        Assert.True(result.ExitCode == 0, result.ToString());
    }

    [Fact]
    public void The_6_1_host_kernel_boots_with_kvm()
    {
        var result = Arm64Host.Run("test -c /dev/kvm && echo kernel=$(uname -r)", hostKernel: "6.1");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.StartsWith("6.1.", result.ValueAfter("kernel="), StringComparison.Ordinal);
    }

    [Fact]
    public void A_command_that_outlives_its_timeout_is_reported_as_timed_out()
    {
        var result = Arm64Host.Run("echo started; sleep 600", timeout: TimeSpan.FromSeconds(20));

        Assert.True(result.TimedOut, result.ToString());
        Assert.Contains("timed out", result.Errors, StringComparison.Ordinal);
    }
}
