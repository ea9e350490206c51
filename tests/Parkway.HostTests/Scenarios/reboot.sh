# Guest reboot in the same Parkway process, and what a distribution expects of the machine (date,
# PMU, stolen time). One host boot, three VMs:
#   acpi   boot=2,max=4, ACPI: plug CPUs 2 and 3, unplug 3, the guest reboots (its power button is
#          its reboot button here), comes back with 0-2 online; then QMP system_reset; the button
#          again (it must reach the guest after both resets: the guest reboots once more); then quit
#   pd     boot=1,max=2, ACPI: plug CPU 1, the guest reboots itself, then system_powerdown powers
#          it off: SHUTDOWN, exit 0
#   fdt    --acpi off: the guest reboots itself after 3 s; two boots, then quit
#   exit   --on-reset exit: the guest's reboot ends Parkway with exit 0 and SHUTDOWN guest-reset
# Each step prints "STEP <name> ..." lines for the xunit side.
. /scenarios/scenario-lib.sh
SOCK=/tmp/qmp.sock
OUT=/tmp/guest.out

# counts STEP: the lib's view plus whether the current Parkway is still the same process.
counts() {
  echo "STEP $1 pid=$PID alive=$(kill -0 $PID 2>/dev/null && echo yes || echo no) vcpu-fds=$(count_vcpu_fds $PID) vcpu-threads=$(count_vcpu_threads $PID)"
}

# The guest's date against this host's, right after the guest printed it.
date_step() {
  echo "STEP $1 host-epoch=$(date +%s) $(since_mark | grep -m1 PARKWAY-DATE)"
  since_mark | grep PARKWAY-RTC | head -n 2 | sed "s/^/STEP $1 /"
  since_mark | grep -m1 PARKWAY-PMU | sed "s/^/STEP $1 /"
  since_mark | grep -m1 PARKWAY-STEAL | sed "s/^/STEP $1 /"
}

dump() {
  sed "s/^/STEP $1-vmm-stderr: /" /tmp/vmm.err
  sed "s/^/STEP $1-guest: /" $OUT
}

echo "STEP kvm steal-time-note: see the vmm log (stolen time line)"

# --- acpi -------------------------------------------------------------------------------------
rm -f $SOCK
MARK=0
parkway run $GUEST_ARGS --cpus boot=2,max=4 \
  --cmdline "console=ttyAMA0 quiet parkway.watch parkway.platform parkway.reboot-on-button" \
  --qmp unix:$SOCK --log-level debug > $OUT 2> /tmp/vmm.err &
PID=$!
FIRST_PID=$PID
if ! wait_for_line $OUT "PARKWAY-GUEST ready" $PID; then
  echo "STEP acpi-boot failed"
  dump acpi
  exit 1
fi
echo "STEP acpi-boot ok"
date_step acpi-date
counts acpi-boot
# One client listens for the whole VM: RESET must reach it on the same connection.
parkway qmp --socket $SOCK --events 900 query-status > /tmp/events.out 2>&1 &
LISTENER=$!
sleep 1

mark
request plug2 device_add driver=host-arm-cpu id=cpu2 socket-id=0 cluster-id=0 core-id=2 thread-id=0
request plug3 device_add driver=host-arm-cpu id=cpu3 socket-id=0 cluster-id=0 core-id=3 thread-id=0
expect_guest plugged "online=0-3 enabled=0-3"
mark
request unplug3 device_del id=cpu3
expect_event unplug3 'DEVICE_DELETED.*"cpu3"'
expect_guest unplugged "online=0-2 enabled=0-2"
counts before-reboot

# The guest reboots itself (PSCI SYSTEM_RESET) when its power button is pressed.
mark
request press system_powerdown
expect_guest guest-rebooting "PARKWAY-GUEST rebooting"
expect_event guest-reset '"RESET".*"guest-reset"'
expect_guest reboot-ready "PARKWAY-GUEST ready"
expect_guest reboot-online "online=0-2 enabled=0-2"
since_mark | grep -m1 "PARKWAY-GUEST possible=" | sed 's/^/STEP reboot-cpus /'
date_step reboot-date
counts after-reboot
request cpus-after-reboot query-cpus-fast

# QMP system_reset: the same reset, asked by the host.
mark
request system-reset system_reset
expect_event host-reset '"RESET".*"host-qmp-system-reset"'
expect_guest host-reset-online "online=0-2 enabled=0-2"
counts after-system-reset
# The boot's first line also says "online=0-2 enabled=0-2": wait for the watch loop's own line
# (it arms the power-button reader right after printing it), then a moment.
expect_guest host-reset-watching "GUEST online=0-2 enabled=0-2"
sleep 1

# The power button after both resets: the GED's interrupt reaches the third boot (it reboots again).
mark
request press-after-resets system_powerdown
expect_guest button-after-resets "PARKWAY-GUEST power-button"
expect_guest third-rebooting "PARKWAY-GUEST rebooting"
expect_guest third-boot-online "GUEST online=0-2 enabled=0-2"
counts after-third-boot

request quit quit
wait $PID
echo "STEP acpi-exit code=$? same-pid=$([ "$PID" = "$FIRST_PID" ] && echo yes || echo no)"
sleep 1
kill $LISTENER 2>/dev/null
wait $LISTENER 2>/dev/null
sed 's/^/STEP events: /' /tmp/events.out
dump acpi

# --- powerdown --------------------------------------------------------------------------------
# After a reset, the power button powers the guest off: boot=1,max=2 with a CPU plugged, the guest
# reboots itself (parkway.reboot-after, every boot), and on the second boot, before its timer
# runs out, system_powerdown: the guest powers off, SHUTDOWN, exit 0.
rm -f $SOCK
MARK=0
parkway run $GUEST_ARGS --cpus boot=1,max=2 \
  --cmdline "console=ttyAMA0 quiet parkway.watch parkway.reboot-after=40" \
  --qmp unix:$SOCK --log-level info > $OUT 2> /tmp/vmm.err &
PID=$!
if wait_for_line $OUT "PARKWAY-GUEST ready" $PID; then echo "STEP pd-boot ok"; else echo "STEP pd-boot failed"; fi
parkway qmp --socket $SOCK --events 300 query-status > /tmp/events.out 2>&1 &
LISTENER=$!
mark
request pd-plug device_add driver=host-arm-cpu id=cpu1 socket-id=0 cluster-id=0 core-id=1 thread-id=0
expect_guest pd-plugged "online=0-1 enabled=0-1"
mark
expect_guest pd-rebooting "PARKWAY-GUEST rebooting" 600
expect_event pd-reset '"RESET".*"guest-reset"'
expect_guest pd-second-boot "GUEST online=0-1 enabled=0-1" 600
# Not the boot's first line (it says "online=0-1 enabled=0-1" too): the watch loop's, which arms its power-button reader right after printing that line.
sleep 1
mark
request pd-press system_powerdown
expect_guest pd-button "PARKWAY-GUEST power-button" 300
wait $PID
echo "STEP pd-exit code=$? boots=$(grep -c 'PARKWAY-GUEST possible=' $OUT) rebooting=$(grep -c 'PARKWAY-GUEST rebooting' $OUT)"
sleep 1
kill $LISTENER 2>/dev/null
wait $LISTENER 2>/dev/null
sed 's/^/STEP pd-events: /' /tmp/events.out
dump pd

# --- fdt --------------------------------------------------------------------------------------
rm -f $SOCK
MARK=0
parkway run $GUEST_ARGS --acpi off --cpus boot=2,max=2 \
  --cmdline "console=ttyAMA0 quiet parkway.platform parkway.reboot-after=3 parkway.hold=600" \
  --qmp unix:$SOCK --log-level debug > $OUT 2> /tmp/vmm.err &
PID=$!
if wait_for_line $OUT "PARKWAY-GUEST holding" $PID; then
  echo "STEP fdt-boot ok"
else
  echo "STEP fdt-boot failed"
fi
date_step fdt-date
mark
expect_guest fdt-rebooting "PARKWAY-GUEST rebooting"
expect_guest fdt-second-boot "PARKWAY-GUEST holding"
counts fdt-after-reboot
request fdt-quit quit
wait $PID
echo "STEP fdt-exit code=$? boots=$(grep -c 'PARKWAY-GUEST possible=' $OUT)"
dump fdt

# --- exit -------------------------------------------------------------------------------------
rm -f $SOCK
MARK=0
parkway run $GUEST_ARGS --cpus boot=1,max=2 --on-reset exit \
  --cmdline "console=ttyAMA0 quiet parkway.reboot-after=6 parkway.hold=600" \
  --qmp unix:$SOCK --log-level info > $OUT 2> /tmp/vmm.err &
PID=$!
wait_for_line $OUT "PARKWAY-GUEST holding" $PID
parkway qmp --socket $SOCK --events 120 query-status > /tmp/events.out 2>&1 &
LISTENER=$!
wait $PID
echo "STEP exit-exit code=$? boots=$(grep -c 'PARKWAY-GUEST possible=' $OUT)"
sleep 1
kill $LISTENER 2>/dev/null
sed 's/^/STEP exit-events: /' /tmp/events.out
dump exit
