using System.Globalization;

namespace Parkway.Bench;

/// <summary>
/// How each VMM is started for the same job, so that the rows compare like with like: the same
/// kernel, initramfs, memory size and number of possible vCPUs, the guest booting one of them.
/// </summary>
internal sealed class Subjects(string assets, string parkway)
{
    private const string Kernel = "/guest/Image", Initramfs = "/guest/initrd", Memory = "256";

    private string QemuBinary => Path.Combine(assets, "qemu", "qemu-system-aarch64");

    private Dictionary<string, string> QemuEnvironment => new() { ["LD_LIBRARY_PATH"] = Path.Combine(assets, "qemu", "lib") };

    public string RawImage(string name) => Path.Combine(assets, name);

    /// <summary>Parkway booting Linux, 1 of <paramref name="possible"/> CPUs.</summary>
    public VmmProcess ParkwayLinux(int possible, bool acpi, string guestOptions) => VmmProcess.Start(parkway,
        ["run", "--kernel", Kernel, "--initramfs", Initramfs, "--memory", Memory + "M", "--cpus", Cpus(possible),
         "--acpi", acpi ? "on" : "off", "--cmdline", "console=ttyAMA0 quiet " + guestOptions]);

    /// <summary>QEMU booting the same Linux (device tree: QEMU needs firmware for ACPI), 1 of N CPUs online.</summary>
    public VmmProcess QemuLinux(int possible, string guestOptions) => VmmProcess.Start(QemuBinary,
        [.. QemuMachine(possible), "-kernel", Kernel, "-initrd", Initramfs,
         "-append", $"console=ttyAMA0 quiet maxcpus=1 {guestOptions}"], QemuEnvironment);

    public VmmProcess ParkwayRaw(string image, int possible, string? binary = null) => VmmProcess.Start(binary ?? parkway,
        ["run", "--kernel", image, "--memory", Memory + "M", "--cpus", Cpus(possible), "--acpi", "off"]);

    public VmmProcess QemuRaw(string image, int possible) => VmmProcess.Start(QemuBinary,
        [.. QemuMachine(possible), "-kernel", image], QemuEnvironment);

    public VmmProcess FloorRaw(string image, int possible, bool signalMask = false) => VmmProcess.Start(Path.Combine(assets, "reference-vmm"),
        [image, possible.ToString(CultureInfo.InvariantCulture), Memory, .. (signalMask ? (string[])["sigmask"] : [])]);

    public VmmProcess HelloWorld() => VmmProcess.Start(Path.Combine(assets, "hello"), []);

    public VmmProcess Raw(string subject, string image, int possible) => subject switch
    {
        ResultTable.Parkway => ParkwayRaw(image, possible),
        ResultTable.Qemu => QemuRaw(image, possible),
        _ => FloorRaw(image, possible),
    };

    private static string Cpus(int possible) => string.Create(CultureInfo.InvariantCulture, $"boot=1,max={possible}");

    private static string[] QemuMachine(int possible) =>
        ["-accel", "kvm", "-M", "virt,gic-version=3", "-cpu", "host", "-smp", possible.ToString(CultureInfo.InvariantCulture),
         "-m", Memory, "-nodefaults", "-no-user-config", "-display", "none", "-serial", "stdio", "-no-reboot"];
}
