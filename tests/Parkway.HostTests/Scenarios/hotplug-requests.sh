# Hot-plug requests beyond the basic cycle (issue 11), one live guest (boot=1,max=4, ACPI, watch
# mode, the guest refuses its first eject): a device_add issued right after launch, before the
# guest's ACPI is up; QEMU's own clients' request shapes; an unplug that times out while the VM is
# stopped; an eject the guest refuses; the retry. Each step prints "STEP <name> ..." lines.
. /scenarios/scenario-lib.sh
SOCK=/tmp/qmp.sock
OUT=/tmp/guest.out
EVENTS=/tmp/events.out

START=$(uptime_ms)
parkway run $GUEST_ARGS --cpus boot=1,max=4 --cmdline "console=ttyAMA0 quiet parkway.watch parkway.refuse-eject" \
  --qmp unix:$SOCK --unplug-timeout 5 --log-level info > $OUT 2> /tmp/vmm.err &
PID=$!

# Point 5: plug as soon as the monitor answers, about half a second after launch.
i=0
while [ ! -S $SOCK ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
request early device_add driver=host-arm-cpu id=early socket-id=0 cluster-id=0 core-id=1 thread-id=0
echo "STEP early after-ms=$(( $(uptime_ms) - START ))"
parkway qmp --socket $SOCK --events 900 query-status > $EVENTS 2>&1 &
LISTENER=$!

if ! wait_for_line $OUT "PARKWAY-GUEST ready" $PID; then
  echo "STEP boot failed"
  cat /tmp/vmm.err $OUT
  exit 1
fi
echo "STEP boot ok"
grep -m1 "PARKWAY-GUEST possible=" $OUT | sed "s/^/STEP first-line /"
grep -m1 "PARKWAY-GUEST eject-" $OUT | sed "s/^/STEP refuse-setup /"
sleep 1
event_mark

# Point 6: what QEMU's CPU hot-plug test sends (no cluster-id on a one-cluster machine, no id),
# with the id as QEMU 7.2 also accepts it, a decimal string.
mark
request qemu-style --raw '{"execute": "device_add", "arguments": {"driver": "host-arm-cpu", "socket-id": 0, "core-id": "2", "thread-id": 0}}'
expect_guest qemu-style "online=0-2 enabled=0-2"
request cpus-fast query-cpus-fast

# Point 3: an unplug requested while the VM is stopped cannot be ejected: after --unplug-timeout
# the request is dropped with DEVICE_UNPLUG_GUEST_ERROR; the pending request shows its time.
request stop stop
request timeout-del device_del id=early
request pending query-cpus-powerstate
sleep 6
expect_event timeout-del 'DEVICE_UNPLUG_GUEST_ERROR.*"timeout"'
request after-timeout query-cpus-powerstate
request cont cont

# The guest refuses the next eject (parkway.refuse-eject): its _OST failure ends the request.
event_mark
mark
request refused-del device_del id=early
expect_event refused-del 'DEVICE_UNPLUG_GUEST_ERROR.*"guest"'
expect_guest refused-del "eject-refused"
request after-refusal query-cpus-powerstate

# The same request again: this time the guest ejects.
event_mark
mark
request retry-del device_del id=early
expect_event retry-del 'DEVICE_DELETED.*"early"'
expect_guest retry-del "online=0,2 enabled=0,2"
echo "STEP retry-del vcpu-fds=$(count_vcpu_fds $PID) vcpu-threads=$(count_vcpu_threads $PID)"

request powerdown system_powerdown
wait $PID
echo "STEP exit code=$?"
sleep 1
kill $LISTENER 2>/dev/null
sed 's/^/STEP events: /' $EVENTS
sed 's/^/STEP vmm-stderr: /' /tmp/vmm.err
sed 's/^/STEP guest: /' $OUT

# ---- Second guest (points 1 and 2): boot=4 of 9 with hotpluggable boot CPUs, resized over QMP.
SOCK=/tmp/qmp2.sock
OUT=/tmp/guest2.out
EVENTS=/tmp/events2.out

# wait_guest_ms TEXT: milliseconds until a guest line after the last mark contains TEXT (-1: never).
wait_guest_ms() {
  local from i=0
  from=$(uptime_ms)
  while [ $i -lt 1200 ]; do
    if since_mark | grep -q "$1"; then
      echo $(( $(uptime_ms) - from ))
      return 0
    fi
    sleep 0.05
    i=$((i + 1))
  done
  echo -1
}

parkway run $GUEST_ARGS --cpus boot=4,max=9,hotpluggable-boot=on \
  --cmdline "console=ttyAMA0 quiet parkway.bootlog parkway.watch" \
  --qmp unix:$SOCK --metrics /tmp/metrics.jsonl --metrics-interval 2 --log-level info > $OUT 2> /tmp/vmm2.err &
PID=$!
if ! wait_for_line $OUT "PARKWAY-GUEST ready" $PID 3000; then
  echo "STEP boot2 failed"
  cat /tmp/vmm2.err $OUT
  exit 1
fi
echo "STEP boot2 ok"
grep -m1 "PARKWAY-GUEST possible=" $OUT | sed "s/^/STEP boot2-first-line /"
grep -m1 "PARKWAY-BOOTLOG uptime=" $OUT | sed "s/^/STEP boot2-uptime /"
echo "STEP boot2 vcpu-fds=$(count_vcpu_fds $PID) vcpu-threads=$(count_vcpu_threads $PID)"
parkway qmp --socket $SOCK --events 900 query-status > $EVENTS 2>&1 &
LISTENER=$!
sleep 1

mark
event_mark
parkway resize --socket $SOCK 1 > /tmp/req.out 2>&1
echo "STEP down-to-1 exit=$?"
expect_guest down-to-1 "online=0 enabled=0"
expect_event down-to-1 'VCPUS_RESIZED.*"unplugged": \[1, 2, 3\]'
echo "STEP down-to-1 vcpu-fds=$(count_vcpu_fds $PID) vcpu-threads=$(count_vcpu_threads $PID)"

mark
event_mark
parkway resize --socket $SOCK 4 > /tmp/req.out 2>&1
echo "STEP up-to-4 exit=$?"
expect_guest up-to-4 "online=0-3 enabled=0-3"
expect_event up-to-4 'VCPUS_RESIZED.*"plugged": \[1, 2, 3\]'
echo "STEP up-to-4 vcpu-fds=$(count_vcpu_fds $PID) vcpu-threads=$(count_vcpu_threads $PID)"

request err-zero set-vcpus count=0
request err-ten set-vcpus count=10

# The benchmark row: time to all online for one CPU, then for eight at once (from 1 CPU).
mark
parkway resize --socket $SOCK 1 > /dev/null 2>&1
echo "STEP bench-reset-1 ms=$(wait_guest_ms 'online=0 enabled=0[[:space:]]*$')"
mark
parkway resize --socket $SOCK 2 > /dev/null 2>&1
echo "STEP bench-plug-1 ms=$(wait_guest_ms 'online=0-1 enabled=0-1')"
mark
parkway resize --socket $SOCK 1 > /dev/null 2>&1
echo "STEP bench-reset-2 ms=$(wait_guest_ms 'online=0 enabled=0[[:space:]]*$')"
mark
event_mark
parkway resize --socket $SOCK 9 > /dev/null 2>&1
echo "STEP bench-plug-8 ms=$(wait_guest_ms 'online=0-8 enabled=0-8')"
expect_event bench-plug-8 'VCPUS_RESIZED.*"plugged": \[1, 2, 3, 4, 5, 6, 7, 8\]'
echo "STEP bench-plug-8 vcpu-fds=$(count_vcpu_fds $PID) vcpu-threads=$(count_vcpu_threads $PID)"

request powerdown2 system_powerdown
wait $PID
echo "STEP exit2 code=$?"
sleep 1
kill $LISTENER 2>/dev/null
sed 's/^/STEP events2: /' $EVENTS
sed 's/^/STEP vmm2-stderr: /' /tmp/vmm2.err
sed 's/^/STEP guest2: /' $OUT
echo "STEP metrics lines=$(wc -l < /tmp/metrics.jsonl)"
tail -n 1 /tmp/metrics.jsonl | sed 's/^/STEP metrics last /'

# ---- The same boot without hotpluggable-boot, for the boot-time comparison (one data point each).
parkway run $GUEST_ARGS --cpus boot=4,max=9 --cmdline "console=ttyAMA0 quiet parkway.bootlog" > /tmp/guest3.out 2>&1
echo "STEP boot3 exit=$?"
grep -m1 "PARKWAY-BOOTLOG uptime=" /tmp/guest3.out | sed "s/^/STEP boot3-uptime /"
grep -m1 "PARKWAY-GUEST possible=" /tmp/guest3.out | sed "s/^/STEP boot3-first-line /"

# ---- Point 5, the other way: an unplug requested before the guest is up (boot=2, hotpluggable
# boot CPUs, CPU 1 asked to leave half a second after launch) ends with CPU 1 gone.
SOCK=/tmp/qmp4.sock
OUT=/tmp/guest4.out
parkway run $GUEST_ARGS --cpus boot=2,max=2,hotpluggable-boot=on --cmdline "console=ttyAMA0 quiet parkway.watch" \
  --qmp unix:$SOCK --log-level info > $OUT 2> /tmp/vmm4.err &
PID=$!
i=0
while [ ! -S $SOCK ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
parkway qmp --socket $SOCK --events 600 device_del 'id=/machine/unattached/device[1]' > /tmp/events4.out 2>&1 &
LISTENER=$!
if wait_for_line $OUT "PARKWAY-GUEST ready" $PID 3000; then
  echo "STEP boot4 ok"
fi
grep -m1 "PARKWAY-GUEST possible=" $OUT | sed "s/^/STEP boot4-first-line /"
MARK=0
expect_guest early-unplug "online=0 enabled=0"
i=0
while [ $i -lt 300 ] && ! grep -q DEVICE_DELETED /tmp/events4.out; do sleep 0.1; i=$((i + 1)); done
echo "STEP early-unplug vcpu-threads=$(count_vcpu_threads $PID)"
q system_powerdown > /dev/null 2>&1
wait $PID
echo "STEP exit4 code=$?"
kill $LISTENER 2>/dev/null
sed 's/^/STEP events4: /' /tmp/events4.out
sed 's/^/STEP vmm4-stderr: /' /tmp/vmm4.err
sed 's/^/STEP guest4: /' $OUT
