# Parkway boot scenarios (issue: boot with every possible vCPU created, the unplugged ones parked).
. /scenarios/scenario-lib.sh
QUIET="console=ttyAMA0 quiet parkway.hold=2"

command_case check-host-64 parkway check-host --cpus boot=4,max=64
boot_case boot2-max8 --cpus boot=2,max=8 --cmdline "$QUIET"
boot_case boot1-max1 --cpus boot=1,max=1 --cmdline "$QUIET"
boot_case boot4-max64 --cpus boot=4,max=64,sockets=2,clusters=2,cores=8,threads=2 --cmdline "$QUIET"
command_case too-many-vcpus parkway run $GUEST_ARGS --cpus boot=1,max=1000
