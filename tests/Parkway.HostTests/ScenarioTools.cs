namespace Parkway.HostTests;

/// <summary>
/// What several scenario fixtures put beside a scenario in the test host: the tun module and the
/// tap maker (network scenarios), the vsock helpers (vsock scenarios), each built the same way.
/// </summary>
internal static class ScenarioTools
{
    /// <summary>
    /// Copies the guest kernel's tun.ko (the test host runs the same Debian kernel, which builds tun
    /// as a module) and builds Helpers/maketap.c into <paramref name="directory"/>.
    /// </summary>
    public static void AddTapTools(string directory)
    {
        HostTool.Run("bash", Path.Combine(RepositoryRoot.Path, "scripts", "lib", "fetch-guest-assets.sh"));
        File.Copy(Path.Combine(Cache, "kernels", "6.12", "modules", "tun.ko"), Path.Combine(directory, "tun.ko"));
        HostTool.CompileStaticArm64("maketap.c", Path.Combine(directory, "maketap"));
    }

    /// <summary>
    /// Builds the vsock helpers into <paramref name="directory"/>: guest-tools.cpio (the guest's
    /// /bin/vsock-guest, for a scenario to append to the guest initramfs; the kernel unpacks
    /// concatenated archives in order), and the test host's hybrid-connect and unix-echo.
    /// </summary>
    public static void AddVsockTools(string directory)
    {
        string tools = Path.Combine(directory, "guest-tools");
        Directory.CreateDirectory(Path.Combine(tools, "bin"));
        HostTool.CompileStaticArm64("vsock-guest.c", Path.Combine(tools, "bin", "vsock-guest"));
        HostTool.Run("bash", "-c", $"cd '{tools}' && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet > '{directory}/guest-tools.cpio'");
        Directory.Delete(tools, recursive: true);
        HostTool.CompileStaticArm64("hybrid-connect.c", Path.Combine(directory, "hybrid-connect"));
        HostTool.CompileStaticArm64("unix-echo.c", Path.Combine(directory, "unix-echo"));
    }

    /// <summary>
    /// Writes what a disk-and-network scenario uses beside the tap tools: d.img (2 MiB of zeros, the
    /// guest's disk) and to-guest (2 MiB of seeded random bytes for the host to send); returns the latter.
    /// </summary>
    public static byte[] AddTransferFiles(string directory, int seed)
    {
        File.WriteAllBytes(Path.Combine(directory, "d.img"), new byte[2 << 20]);
        byte[] toGuest = new byte[2 << 20];
        new Random(seed).NextBytes(toGuest);
        File.WriteAllBytes(Path.Combine(directory, "to-guest"), toGuest);
        return toGuest;
    }

    /// <summary>The project's download cache (PARKWAY_CACHE, or .cache in the repository).</summary>
    public static string Cache =>
        Environment.GetEnvironmentVariable("PARKWAY_CACHE") ?? Path.Combine(RepositoryRoot.Path, ".cache");
}
