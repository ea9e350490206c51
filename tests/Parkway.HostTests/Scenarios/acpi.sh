# Parkway ACPI boot scenarios: EFI handoff + ACPI tables describing every possible CPU. The guest
# (parkway.dmesg) reports ACPI/firmware complaints from its kernel log and copies out its tables.
. /scenarios/scenario-lib.sh
CHECKED="console=ttyAMA0 quiet parkway.dmesg parkway.hold=2"

boot_case acpi-boot2-max8 --cpus boot=2,max=8 --cmdline "$CHECKED"
boot_case acpi-boot1-max1 --cpus boot=1,max=1 --cmdline "console=ttyAMA0 quiet parkway.hold=2"
boot_case acpi-boot4-max64 --cpus boot=4,max=64,sockets=2,clusters=2,cores=8,threads=2 --cmdline "$CHECKED"
