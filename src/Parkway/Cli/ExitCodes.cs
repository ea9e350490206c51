namespace Parkway.Cli;

/// <summary>Process exit codes of the parkway command.</summary>
internal static class ExitCodes
{
    /// <summary>The guest powered off, or a command succeeded.</summary>
    public const int Success = 0;

    /// <summary>A runtime failure (KVM error, guest crash, failed check).</summary>
    public const int Failure = 1;

    /// <summary>A usage or configuration mistake; nothing was started.</summary>
    public const int UsageError = 2;
}
