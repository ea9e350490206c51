using System.Diagnostics;
using System.Globalization;
using Parkway.Seccomp;
using Parkway.Seccomp.Arm64;
using Parkway.Seccomp.X64;

namespace Parkway.Tests.Seccomp;

/// <summary>
/// The syscall numbers Parkway filters on, against each architecture's asm/unistd.h (the aarch64
/// cross compiler's and the x86_64 compiler's), and every name the allow-lists use exists on at
/// least one architecture (a misspelt name would silently allow nothing).
/// </summary>
public sealed class SyscallTableTests
{
    [Fact]
    public void Aarch64_numbers_match_the_uapi_headers() =>
        AssertMatchesHeaders(Arm64SyscallTable.Table, "aarch64-linux-gnu-gcc");

    [Fact]
    public void X86_64_numbers_match_the_uapi_headers() =>
        AssertMatchesHeaders(X64SyscallTable.Table, "x86_64-linux-gnu-gcc");

    [Fact]
    public void Every_allowed_name_is_a_syscall_of_some_architecture()
    {
        foreach (SyscallAllowList list in new[] { ThreadAllowLists.Process, ThreadAllowLists.Vcpu, ThreadAllowLists.Device })
        {
            foreach (SyscallRule rule in list.Rules)
            {
                Assert.True(Arm64SyscallTable.Table.Has(rule.Name) || X64SyscallTable.Table.Has(rule.Name),
                    $"{list.Name}: '{rule.Name}' is in neither table");
            }
        }
    }

    [Fact]
    public void The_per_kind_lists_allow_nothing_the_process_list_refuses()
    {
        // The process filter sits under every per-kind filter: a call both must allow.
        foreach (SyscallAllowList list in new[] { ThreadAllowLists.Vcpu, ThreadAllowLists.Device })
        {
            foreach (SyscallRule rule in list.Rules)
            {
                SyscallRule? process = ThreadAllowLists.Process.Find(rule.Name);
                Assert.True(process is not null, $"{list.Name} allows {rule.Name}, the process list does not");
                if (rule is SyscallRule.ArgumentIn argument && process is SyscallRule.ArgumentIn processArgument)
                {
                    Assert.Empty(argument.Values.Except(processArgument.Values));
                }
            }
        }
    }

    private static void AssertMatchesHeaders(SyscallTable table, string compiler)
    {
        Dictionary<string, int> headers = SyscallNumbersFromHeaders(compiler);
        foreach ((string name, int number) in table.Numbers)
        {
            Assert.True(headers.TryGetValue(name, out int expected), $"{table.Architecture}: __NR_{name} is not in {compiler}'s asm/unistd.h");
            Assert.True(expected == number, $"{table.Architecture}: {name} is {number} here, __NR_{name} = {expected}");
        }
    }

    // Every "#define __NR_name number" the compiler's asm/unistd.h ends up defining (gcc -dM -E).
    private static Dictionary<string, int> SyscallNumbersFromHeaders(string compiler)
    {
        string file = Path.Combine(Path.GetTempPath(), $"parkway-unistd-{Guid.NewGuid():N}.c");
        File.WriteAllText(file, "#include <asm/unistd.h>\n");
        try
        {
            var start = new ProcessStartInfo(compiler) { ArgumentList = { "-dM", "-E", file }, RedirectStandardOutput = true, RedirectStandardError = true };
            using Process process = Process.Start(start) ?? throw new InvalidOperationException($"{compiler} did not start");
            string output = process.StandardOutput.ReadToEnd();
            string error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, $"{compiler} failed: {error}");
            // aarch64 spells some through the generic table (__NR_mmap is __NR3264_mmap): resolve names.
            var defines = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (string line in output.Split('\n'))
            {
                string[] parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length == 3 && parts[0] == "#define")
                {
                    defines[parts[1]] = parts[2];
                }
            }

            var numbers = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach ((string macro, string value) in defines)
            {
                string resolved = value;
                for (int depth = 0; depth < 4 && defines.TryGetValue(resolved, out string? next); depth++)
                {
                    resolved = next;
                }

                if (macro.StartsWith("__NR_", StringComparison.Ordinal)
                    && int.TryParse(resolved, NumberStyles.None, CultureInfo.InvariantCulture, out int number))
                {
                    numbers[macro["__NR_".Length..]] = number;
                }
            }

            return numbers;
        }
        finally
        {
            File.Delete(file);
        }
    }
}
