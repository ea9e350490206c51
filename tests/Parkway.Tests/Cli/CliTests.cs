using System.Text.RegularExpressions;

namespace Parkway.Tests.Cli;

public sealed partial class CliTests(CliInputFiles files) : IClassFixture<CliInputFiles>
{
    private const int UsageError = 2;

    [Fact]
    public void Version_prints_a_version_and_succeeds()
    {
        CliResult result = ParkwayCli.Run("--version");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Matches(VersionPattern(), result.Stdout.Trim());
    }

    [Fact]
    public void Help_lists_the_commands_and_succeeds()
    {
        CliResult result = ParkwayCli.Run("--help");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("run", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("check-host", result.Stdout, StringComparison.Ordinal);
        Assert.Empty(result.Stderr);
    }

    [Fact]
    public void Run_help_documents_the_options()
    {
        CliResult result = ParkwayCli.Run("run", "--help");

        Assert.True(result.ExitCode == 0, result.ToString());
        foreach (string option in new[] { "--kernel", "--initramfs", "--cmdline", "--cpus", "--memory", "--serial", "--acpi", "--log-level", "--disk", "--net", "--console", "--rng", "--vsock", "--seccomp" })
        {
            Assert.Contains(option, result.Stdout, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_missing_kernel_option_is_a_usage_error()
    {
        AssertUsageError(ParkwayCli.Run("run"), "--kernel");
    }

    [Fact]
    public void A_kernel_file_that_does_not_exist_is_a_usage_error_naming_it()
    {
        AssertUsageError(ParkwayCli.Run("run", "--kernel", files.Missing), files.Missing);
    }

    [Fact]
    public void A_kernel_that_is_not_an_arm64_image_is_a_usage_error()
    {
        AssertUsageError(ParkwayCli.Run("run", "--kernel", files.NotAnImage), "not an arm64 Image");
    }

    [Theory]
    [InlineData("boot=4,max=2", "boot=4 is greater than max=2")]
    [InlineData("boot=0", "boot=0 must be at least 1")]
    [InlineData("boot=1,max=8,sockets=3", "does not equal max=8")]
    [InlineData("boot=1,max=8,cores=2", "does not equal max=8")]
    [InlineData("boot=two", "not a non-negative integer")]
    [InlineData("max=4", "boot=N is required")]
    public void Bad_cpus_values_are_usage_errors(string cpus, string expected)
    {
        AssertUsageError(ParkwayCli.Run("run", "--kernel", files.ValidKernel, "--cpus", cpus), expected);
    }

    [Theory]
    [InlineData("lots", "cannot parse size 'lots'")]
    [InlineData("0", "out of range")]
    [InlineData("1T", "too large")]
    public void Bad_memory_values_are_usage_errors(string memory, string expected)
    {
        AssertUsageError(ParkwayCli.Run("run", "--kernel", files.ValidKernel, "--memory", memory), expected);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("soon")]
    [InlineData("100000")]
    public void Bad_unplug_timeouts_are_usage_errors(string seconds)
    {
        AssertUsageError(ParkwayCli.Run("run", "--kernel", files.ValidKernel, "--cpus", "boot=1,max=2", "--unplug-timeout", seconds),
            "--unplug-timeout: expected a number of seconds between 0 and 86400");
    }

    [Fact]
    public void A_metrics_file_that_cannot_be_opened_is_a_usage_error()
    {
        AssertUsageError(ParkwayCli.Run("run", "--kernel", files.ValidKernel, "--cpus", "boot=1", "--metrics", "/nonexistent-dir/m.jsonl"),
            "--metrics: cannot open '/nonexistent-dir/m.jsonl' for appending");
    }

    [Fact]
    public void A_metrics_interval_without_a_metrics_file_is_a_usage_error()
    {
        AssertUsageError(ParkwayCli.Run("run", "--kernel", files.ValidKernel, "--cpus", "boot=1", "--metrics-interval", "5"),
            "--metrics-interval: needs --metrics PATH");
    }

    [Fact]
    public void Memory_too_small_for_the_kernel_is_a_usage_error()
    {
        AssertUsageError(ParkwayCli.Run("run", "--kernel", files.LargeKernel, "--memory", "40M"), "too small");
    }

    [Fact]
    public void Memory_too_small_for_kernel_and_initrd_is_a_usage_error_with_a_suggestion()
    {
        CliResult result = ParkwayCli.Run("run", "--kernel", files.LargeKernel, "--initramfs", files.LargeInitrd, "--memory", "64M");

        AssertUsageError(result, "--memory 64 MiB is too small");
        Assert.Contains("use at least", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_initramfs_is_a_usage_error_naming_it()
    {
        AssertUsageError(ParkwayCli.Run("run", "--kernel", files.ValidKernel, "--initramfs", files.Missing), files.Missing);
    }

    [Fact]
    public void An_unknown_option_is_a_usage_error()
    {
        AssertUsageError(ParkwayCli.Run("run", "--kernel", files.ValidKernel, "--turbo"), "--turbo");
    }

    [Theory]
    [InlineData("--serial", "pty", "--serial: expected stdio, off or file=PATH")]
    [InlineData("--log-level", "loud", "--log-level: expected error, warning, info or debug")]
    [InlineData("--acpi", "maybe", "--acpi: expected on or off")]
    [InlineData("--on-reset", "pause", "--on-reset: expected reboot or exit, got 'pause'")]
    public void Bad_option_values_are_usage_errors(string option, string value, string expected)
    {
        AssertUsageError(ParkwayCli.Run("run", "--kernel", files.ValidKernel, option, value), expected);
    }

    [Theory]
    [InlineData("--console", "serial", "--console: expected pl011 or virtio")]
    [InlineData("--rng", "yes", "--rng: expected on or off")]
    [InlineData("--seccomp", "strict", "--seccomp: expected on, log or off")]
    [InlineData("--disk", "file=x.img", "--disk: unknown option 'file'")]
    [InlineData("--disk", "readonly=on", "--disk: path=FILE is required")]
    [InlineData("--disk", "path=x.img,readonly=maybe", "--disk: readonly must be on or off")]
    [InlineData("--net", "tap=", "--net")]
    [InlineData("--net", "tap=tap0,mac=52:54:00:zz:00:01", "--net")]
    [InlineData("--net", "tap=parkway-none0", "--net: tap 'parkway-none0' does not exist")]
    public void Bad_device_options_are_usage_errors(string option, string value, string expected)
    {
        AssertUsageError(ParkwayCli.Run("run", "--kernel", files.ValidKernel, option, value), expected);
    }

    [Fact]
    public void Disk_images_that_cannot_be_disks_are_usage_errors_naming_them()
    {
        AssertUsageError(ParkwayCli.Run("run", "--kernel", files.ValidKernel, "--disk", $"path={files.Missing}"), $"--disk: {files.Missing} does not exist");
        AssertUsageError(ParkwayCli.Run("run", "--kernel", files.ValidKernel, "--disk", $"path={files.Folder}"), "is a directory");
        AssertUsageError(ParkwayCli.Run("run", "--kernel", files.ValidKernel, "--disk", $"path={files.OddSizedDisk}"), "not a multiple of 512");
    }

    [X64OnlyFact]
    public void Valid_devices_pass_every_check_and_stop_only_at_kvm()
    {
        CliResult result = ParkwayCli.Run(
            "run", "--kernel", files.ValidKernel, "--disk", $"path={files.Disk}", "--disk", $"path={files.Disk},readonly=on,serial=S1",
            "--console", "virtio", "--rng", "on", "--serial", "off", "--log-level", "error");

        AssertSingleErrorLine(result, expectedExitCode: 1);
        Assert.Contains("needs an arm64 Linux host", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_host_rejects_bad_cpus_before_touching_kvm()
    {
        AssertUsageError(ParkwayCli.Run("check-host", "--cpus", "boot=3,max=2"), "boot=3 is greater than max=2");
    }

    [Fact]
    public void a_topology_whose_level_product_wraps_is_a_usage_error_not_a_crash()
    {
        CliResult result = ParkwayCli.Run("run", "--kernel", files.ValidKernel, "--cpus", "boot=1,sockets=65536,clusters=65536");

        AssertUsageError(result, "--cpus");
    }

    [Fact]
    public void memory_so_large_that_ram_end_wraps_is_called_too_large_not_too_small()
    {
        CliResult result = ParkwayCli.Run("run", "--kernel", files.ValidKernel, "--memory", "18446744073709551615");

        AssertUsageError(result, "too large");
    }

    [X64OnlyFact]
    public void A_valid_configuration_passes_every_check_and_stops_only_at_kvm()
    {
        CliResult result = ParkwayCli.Run(
            "run", "--kernel", files.ValidKernel, "--initramfs", files.LargeInitrd, "--cpus", "boot=2,max=8,sockets=2",
            "--memory", "256M", "--serial", "off", "--log-level", "error");

        AssertSingleErrorLine(result, expectedExitCode: 1);
        Assert.Contains("needs an arm64 Linux host", result.Stderr, StringComparison.Ordinal);
    }

    [X64OnlyFact]
    public void Check_host_on_a_host_without_arm64_kvm_fails_with_one_line()
    {
        CliResult result = ParkwayCli.Run("check-host", "--cpus", "boot=1,max=4");

        AssertSingleErrorLine(result, expectedExitCode: 1);
        Assert.Contains("needs an arm64 Linux host", result.Stderr, StringComparison.Ordinal);
    }

    private static void AssertUsageError(CliResult result, string expectedFragment)
    {
        AssertSingleErrorLine(result, UsageError);
        Assert.True(result.Stderr.Contains(expectedFragment, StringComparison.Ordinal), $"stderr lacks '{expectedFragment}':\n{result}");
        Assert.True(result.Stdout.Length == 0, $"a usage error printed to stdout:\n{result}");
    }

    private static void AssertSingleErrorLine(CliResult result, int expectedExitCode)
    {
        Assert.True(result.ExitCode == expectedExitCode, $"expected exit {expectedExitCode}:\n{result}");
        Assert.True(result.StderrLines.Length == 1, $"expected exactly one stderr line:\n{result}");
        Assert.StartsWith("parkway: ", result.StderrLines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", result.Stderr, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"^\d+\.\d+\.\d+")]
    private static partial Regex VersionPattern();
}
