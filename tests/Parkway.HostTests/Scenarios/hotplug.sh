# Hot-plug and hot-unplug of a live arm64 Linux guest over QMP (boot=1,max=4, ACPI). The guest's
# /init runs in watch mode: it onlines every CPU that becomes enabled and prints its CPU lists on
# every change. Each step prints "STEP <name> ..." lines for the xunit side.
. /scenarios/scenario-lib.sh
SOCK=/tmp/qmp.sock
OUT=/tmp/guest.out

parkway run $GUEST_ARGS --cpus boot=1,max=4 --cmdline "console=ttyAMA0 quiet parkway.watch" \
  --qmp unix:$SOCK --log-level info > $OUT 2> /tmp/vmm.err &
PID=$!
if ! wait_for_line $OUT "PARKWAY-GUEST ready" $PID; then
  echo "STEP boot failed"
  cat /tmp/vmm.err $OUT
  exit 1
fi
echo "STEP boot ok"
ls -l $SOCK | awk '{print "STEP socket mode=" $1}'
counts boot

# A client that only listens, for the whole session.
parkway qmp --socket $SOCK --events 900 query-status > /tmp/events.out 2>&1 &
LISTENER=$!
sleep 1

mark
for n in 1 2 3; do
  request plug$n device_add driver=host-arm-cpu id=cpu$n socket-id=0 cluster-id=0 core-id=$n thread-id=0
done
expect_guest plug3 "online=0-3 enabled=0-3"
counts plug3
request powerstate-plugged query-cpus-powerstate

mark
request unplug2 device_del id=cpu2
expect_event unplug2 'DEVICE_DELETED.*"cpu2"'
expect_guest unplug2 "online=0-1,3 enabled=0-1,3"
counts unplug2

# Re-plug the same slot while the VM is stopped: it takes effect on cont.
mark
request stop stop
request replug2 device_add driver=host-arm-cpu id=cpu2 socket-id=0 cluster-id=0 core-id=2 thread-id=0
request paused query-status
request cont cont
expect_guest replug2 "online=0-3 enabled=0-3"
counts replug2

mark
request disable3 device_set id=cpu3 admin-state=disable
expect_guest disable3 "online=0-2 enabled=0-2"
request powerstate-disabled query-cpus-powerstate
mark
request enable3 device_set driver=host-arm-cpu id=cpu3 socket-id=0 cluster-id=0 core-id=3 thread-id=0 admin-state=enable
expect_guest enable3 "online=0-3 enabled=0-3"
counts enable3

# Every bad request gets QEMU's error and changes nothing.
request err-occupied device_add driver=host-arm-cpu id=again socket-id=0 cluster-id=0 core-id=1 thread-id=0
request err-driver device_add driver=cortex-a57-arm-cpu id=x socket-id=0 cluster-id=0 core-id=1 thread-id=0
request err-missing device_add driver=host-arm-cpu id=y
request err-range device_add driver=host-arm-cpu id=z socket-id=0 cluster-id=0 core-id=9 thread-id=0
request err-type device_add driver=host-arm-cpu id=w socket-id=0 cluster-id=0 core-id='"two"' thread-id=0
request err-duplicate device_add driver=host-arm-cpu id=cpu1 socket-id=0 cluster-id=0 core-id=1 thread-id=0
request err-boot device_del 'id=/machine/unattached/device[0]'
request err-unknown device_del id=nosuch
request err-malformed --raw '{"execute": "query-status" "arguments"}'
request after-errors query-status
request hotpluggable query-hotpluggable-cpus
request cpus-fast query-cpus-fast
counts after-errors

mark
request powerdown system_powerdown
wait $PID
echo "STEP exit code=$?"
sleep 1
kill $LISTENER 2>/dev/null
sed 's/^/STEP events: /' /tmp/events.out
sed 's/^/STEP vmm-stderr: /' /tmp/vmm.err
sed 's/^/STEP guest: /' $OUT
