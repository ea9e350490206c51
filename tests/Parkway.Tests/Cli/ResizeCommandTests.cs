namespace Parkway.Tests.Cli;

/// <summary><c>parkway resize</c>: its usage errors and what it says when no VMM is there.</summary>
public sealed class ResizeCommandTests
{
    [Fact]
    public void Help_names_set_vcpus()
    {
        CliResult result = ParkwayCli.Run("resize", "--help");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("set-vcpus", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void A_count_that_is_not_a_number_is_a_usage_error()
    {
        CliResult result = ParkwayCli.Run("resize", "--socket", "/tmp/none.qmp", "many");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Single(result.StderrLines);
        Assert.StartsWith("parkway: ", result.StderrLines[0], StringComparison.Ordinal);
    }

    [Fact]
    public void No_vmm_at_the_socket_is_a_runtime_failure_naming_the_socket()
    {
        string socket = Path.Combine(Path.GetTempPath(), $"parkway-none-{Guid.NewGuid():N}.qmp");

        CliResult result = ParkwayCli.Run("resize", "--socket", socket, "3");

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Equal($"parkway: qmp: cannot connect to {socket}: no such socket", Assert.Single(result.StderrLines));
    }
}
