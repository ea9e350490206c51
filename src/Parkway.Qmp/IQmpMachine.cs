namespace Parkway.Qmp;

/// <summary>
/// What the QMP server needs from the virtual machine. The VMM implements it; the QMP library never
/// references the machine or KVM projects.
/// </summary>
/// <remarks>
/// The server never calls two members at once (it holds one lock around every call, as QEMU holds its
/// big lock), so an implementation may assume single-threaded command execution. Methods report
/// refusals by throwing <see cref="QmpErrorException"/> with QEMU's class and text; any other
/// exception becomes a <c>GenericError</c> carrying its message. <see cref="EventRaised"/> may be raised
/// from any thread, including from inside a command (e.g. <c>STOP</c> from <see cref="Stop"/>); the
/// server only queues the event, so raising is cheap and never blocks on a client.
/// </remarks>
public interface IQmpMachine
{
    /// <summary><c>query-status</c>.</summary>
    QmpStatusInfo QueryStatus();

    /// <summary><c>query-hotpluggable-cpus</c>: one entry per possible CPU slot.</summary>
    IReadOnlyList<QmpHotpluggableCpu> QueryHotpluggableCpus();

    /// <summary><c>query-cpus-fast</c>: the plugged (realized) CPUs only.</summary>
    IReadOnlyList<QmpCpuInfoFast> QueryCpusFast();

    /// <summary><c>query-cpus-powerstate</c> (QEMU RFC V6 view): every possible CPU with admin and operational state.</summary>
    IReadOnlyList<QmpCpuPowerState> QueryCpusPowerState();

    /// <summary><c>device_add</c>: plug a device (a CPU: driver + topology properties).</summary>
    void DeviceAdd(QmpDeviceArguments arguments);

    /// <summary><c>device_del</c>: request removal; completion is reported by a <c>DEVICE_DELETED</c> event.</summary>
    void DeviceDel(string id);

    /// <summary><c>device_set</c> (QEMU RFC V6): <paramref name="adminState"/> is <c>enable</c> or <c>disable</c>.</summary>
    void DeviceSet(QmpDeviceArguments arguments, string adminState);

    /// <summary>
    /// <c>set-vcpus</c> (Parkway extension): plug or unplug CPUs until <paramref name="count"/> are
    /// plugged; returns at once, completion is reported by <c>VCPU_PLUGGED</c>/<c>VCPU_UNPLUGGED</c>
    /// per CPU and <c>VCPUS_RESIZED</c> for the batch.
    /// </summary>
    /// <param name="count">CPUs wanted.</param>
    /// <param name="unplugTimeoutSeconds">Optional deadline for this batch's ejects, overriding the VMM's default.</param>
    /// <remarks>A machine that cannot resize keeps this default, which answers like an unknown command.</remarks>
    void SetVcpus(int count, double? unplugTimeoutSeconds) => throw QmpErrorException.CommandNotFound("The command set-vcpus has not been found");

    /// <summary>
    /// <c>migrate</c> with a <c>file:PATH</c> uri: starts a save of the machine to a file and returns
    /// at once; progress is reported by <c>MIGRATION</c> events and <see cref="QueryMigrate"/>.
    /// </summary>
    /// <remarks>A machine that cannot save keeps this default, which answers like an unknown command.</remarks>
    void Migrate(string uri) => throw QmpErrorException.CommandNotFound("The command migrate has not been found");

    /// <summary><c>query-migrate</c>: QEMU's MigrationInfo as a JSON object (empty before any migration).</summary>
    System.Text.Json.Nodes.JsonObject QueryMigrate() => throw QmpErrorException.CommandNotFound("The command query-migrate has not been found");

    /// <summary><c>stop</c>: pause every vCPU (then raise <c>STOP</c>).</summary>
    void Stop();

    /// <summary><c>cont</c>: resume (then raise <c>RESUME</c>).</summary>
    void Cont();

    /// <summary><c>system_powerdown</c>: press the ACPI power button (raise <c>POWERDOWN</c>).</summary>
    void SystemPowerdown();

    /// <summary>
    /// <c>system_reset</c>: reset the machine (QEMU's hard reset); returns before the reset happens,
    /// which raises <c>RESET {"guest": false, "reason": "host-qmp-system-reset"}</c>.
    /// </summary>
    void SystemReset();

    /// <summary>
    /// <c>quit</c>: called after the <c>{"return": {}}</c> reply has been written. Should request the VMM
    /// to exit and return promptly (raise <c>SHUTDOWN {"guest": false, "reason": "host-qmp-quit"}</c>);
    /// dispose the server from the VMM's own shutdown path, not from inside this call.
    /// </summary>
    void Quit();

    /// <summary>Asynchronous events (DEVICE_DELETED, ACPI_DEVICE_OST, SHUTDOWN, ...); the server adds the timestamp.</summary>
    event Action<QmpEvent>? EventRaised;
}
