using System.Runtime.InteropServices;

namespace Parkway.Tests.Cli;

/// <summary>
/// A fact about a host that cannot run the arm64 machine (an x86_64 development machine): there a
/// valid configuration gets as far as KVM and stops. On an arm64 host the same command would boot.
/// </summary>
public sealed class X64OnlyFactAttribute : FactAttribute
{
    public X64OnlyFactAttribute()
    {
        if (RuntimeInformation.ProcessArchitecture != Architecture.X64)
        {
            Skip = "only meaningful on a host that cannot run the arm64 virt machine";
        }
    }
}
