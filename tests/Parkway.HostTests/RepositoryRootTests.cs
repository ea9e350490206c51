namespace Parkway.HostTests;

/// <summary>Locating the checkout from the test binaries.</summary>
public sealed class RepositoryRootTests
{
    [Fact]
    public void The_root_holds_the_solution_and_the_arm64_host_tool()
    {
        Assert.True(File.Exists(Path.Combine(RepositoryRoot.Path, "Parkway.sln")));
        Assert.True(File.Exists(Path.Combine(RepositoryRoot.Path, "scripts", "arm64-host")));
    }

    [Fact]
    public void Find_fails_clearly_when_there_is_no_solution_above()
    {
        var ex = Assert.Throws<DirectoryNotFoundException>(() => RepositoryRoot.Find("/proc/self"));
        Assert.Contains("Parkway.sln", ex.Message, StringComparison.Ordinal);
    }
}
