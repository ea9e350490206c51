using System.Diagnostics;
using System.Runtime.InteropServices;
using Parkway.Interop;
using Parkway.Seccomp;
using static Parkway.Seccomp.SyscallRule;

namespace Parkway.Tests.Seccomp;

/// <summary>
/// Parkway's filters judged by the kernel of the machine running the tests: a small C program
/// (seccomp-harness.c) installs a program built here on itself, makes one call, and its exit
/// status says whether the call ran (0), failed with an errno (100 + errno) or was killed (SIGSYS).
/// Nothing here decodes the program ourselves: the kernel verifies and runs it.
/// </summary>
public sealed class FilterInKernelTests : IClassFixture<FilterInKernelTests.Harness>
{
    private const int Ebadf = 100 + 9, Enosys = 100 + 38;
    private const int KilledBySigsys = 128 + 31;
    private readonly Harness _harness;

    public FilterInKernelTests(Harness harness) => _harness = harness;

    public static TheoryData<string, string, int> VcpuCases => new()
    {
        { "nothing: the harness's own exit is allowed", "none", 0 },
        { "KVM_RUN is a vCPU ioctl (fails on the bad fd, is not killed)", $"ioctl:{KvmIoctls.Run}", Ebadf },
        { "KVM_SET_ONE_REG too", $"ioctl:{KvmIoctls.SetOneReg}", Ebadf },
        { "KVM_CREATE_VM is no vCPU ioctl", $"ioctl:{KvmIoctls.CreateVm}", KilledBySigsys },
        { "KVM_SET_USER_MEMORY_REGION is no vCPU ioctl", $"ioctl:{KvmIoctls.SetUserMemoryRegion}", KilledBySigsys },
        { "a network socket cannot be made", "socket", KilledBySigsys },
        { "nor a Unix one (only device threads connect vsock streams)", "unix-socket", KilledBySigsys },
        { "disk reads are for device threads", "pread", KilledBySigsys },
        { "clone without CLONE_THREAD (a fork)", "fork", KilledBySigsys },
        { "clone3 says ENOSYS (glibc then uses clone)", "clone3", Enosys },
        { "execve", "execve", KilledBySigsys },
        { "prctl PR_SET_NAME is allowed", "prctl-name", 0 },
        { "other prctl options are not", "prctl-dumpable", KilledBySigsys },
    };

    [Theory]
    [MemberData(nameof(VcpuCases))]
    public void Vcpu_filter_in_on_mode(string why, string action, int expected) =>
        AssertOutcome(ThreadAllowLists.Vcpu, SeccompMode.On, action, expected, why);

    [Theory]
    [InlineData("pread", Ebadf)]
    [InlineData("ioctl:44672", KilledBySigsys)] // KVM_RUN (0xAE80): device threads never run a vCPU
    [InlineData("socket", KilledBySigsys)]
    [InlineData("unix-socket", 0)] // virtio-vsock's host side connects Unix streams to PATH_<port>
    [InlineData("execve", KilledBySigsys)]
    public void Device_filter_in_on_mode(string action, int expected) =>
        AssertOutcome(ThreadAllowLists.Device, SeccompMode.On, action, expected, "device list");

    [Theory]
    [InlineData("socket", KilledBySigsys)]
    [InlineData("execve", KilledBySigsys)]
    [InlineData("fork", KilledBySigsys)]
    [InlineData("pread", Ebadf)]
    [InlineData("ioctl:44672", Ebadf)]
    public void Process_filter_in_on_mode(string action, int expected) =>
        AssertOutcome(ThreadAllowLists.Process, SeccompMode.On, action, expected, "process list");

    [Theory]
    [InlineData("socket", 0)]
    [InlineData("pread", Ebadf)]
    [InlineData("prctl-dumpable", 0)]
    public void Log_mode_lets_every_call_run(string action, int expected) =>
        AssertOutcome(ThreadAllowLists.Vcpu, SeccompMode.Log, action, expected, "log mode only logs");

    [Fact]
    public void Control_a_list_that_allows_socket_lets_it_run()
    {
        // The same harness and builder with socket allowed: the kills above come from the lists.
        var list = new SyscallAllowList("control", [new Always("socket"), new Always("exit_group")]);
        AssertOutcome(list, SeccompMode.On, "socket", 0, "control");
    }

    [Fact]
    public void X86_64_calls_of_other_abis_are_refused()
    {
        if (RuntimeInformation.ProcessArchitecture != Architecture.X64)
        {
            return; // the i386 and x32 entry points exist only there
        }

        // getpid is allowed as a native call, yet not through int 0x80 (i386) nor as an x32 call.
        AssertOutcome(ThreadAllowLists.Vcpu, SeccompMode.On, "i386-getpid", KilledBySigsys, "i386 ABI");
        AssertOutcome(ThreadAllowLists.Vcpu, SeccompMode.On, "x32-getpid", KilledBySigsys, "x32 ABI");
    }

    private void AssertOutcome(SyscallAllowList list, SeccompMode mode, string action, int expected, string why)
    {
        SockFilter[] program = BpfProgramBuilder.Build(SyscallTable.Current, list, SeccompConfinement.DefaultAction(mode));
        (int exit, string error) = _harness.Run(program, action);
        Assert.True(exit == expected, $"{why}: {list.Name} filter, {mode}, '{action}' ended with {exit}, expected {expected} ({error})");
    }

    /// <summary>The harness compiled once for the machine running the tests.</summary>
    public sealed class Harness : IDisposable
    {
        private readonly string _directory = Directory.CreateTempSubdirectory("parkway-seccomp-").FullName;
        private readonly string _binary;

        public Harness()
        {
            _binary = Path.Combine(_directory, "seccomp-harness");
            (int exit, string error) = Execute("gcc", "-O1", "-Wall", "-Werror", "-o", _binary,
                Path.Combine(AppContext.BaseDirectory, "Seccomp", "seccomp-harness.c"));
            if (exit != 0)
            {
                throw new InvalidOperationException($"gcc could not build the seccomp harness ({exit}): {error}");
            }
        }

        public (int Exit, string Error) Run(SockFilter[] program, string action)
        {
            string file = Path.Combine(_directory, $"{Guid.NewGuid():N}.bpf");
            File.WriteAllBytes(file, MemoryMarshal.AsBytes(program.AsSpan()).ToArray());
            return Execute(_binary, file, action);
        }

        public void Dispose() => Directory.Delete(_directory, recursive: true);

        private static (int Exit, string Error) Execute(string tool, params string[] arguments)
        {
            var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (string argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            using Process process = Process.Start(start) ?? throw new InvalidOperationException($"{tool} did not start");
            string error = process.StandardError.ReadToEnd() + process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, error);
        }
    }
}
