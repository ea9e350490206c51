# Parkway boot scenarios with a device tree (no ACPI): every possible vCPU created at start, the
# unplugged ones parked; the guest only knows the boot CPUs.
. /scenarios/scenario-lib.sh
QUIET="console=ttyAMA0 quiet parkway.hold=2"

command_case check-host-64 parkway check-host --cpus boot=4,max=64
boot_case boot2-max8 --acpi off --cpus boot=2,max=8 --cmdline "$QUIET"
boot_case boot1-max1 --acpi off --cpus boot=1,max=1 --cmdline "$QUIET"
boot_case boot4-max64 --acpi off --cpus boot=4,max=64,sockets=2,clusters=2,cores=8,threads=2 --cmdline "$QUIET"
command_case too-many-vcpus parkway run $GUEST_ARGS --cpus boot=1,max=1000
