# A hostile guest (issue 10, item 2): /tmp/hostile.img (BareMetal/HotplugHammerGuest) hammers the
# CPU hot-plug registers and the GED while this script plugs and unplugs CPUs over QMP.
# boot=1,max=8, ACPI. CPU 1 ("bystander") is plugged at the start and never unplugged; each round
# plugs one of CPUs 2..7, lets the guest hammer, checks the CPU is still there, asks for its unplug
# and waits for DEVICE_DELETED (or the guest's refusal / the 1 s unplug timeout, then asks again).
# Every result line starts with "HOSTILE ".
. /scenarios/scenario-lib.sh
SOCK=/tmp/hostile.sock
OUT=/tmp/hostile.out
ERR=/tmp/hostile.err
EVENTS=/tmp/hostile-events.out
METRICS=/tmp/hostile-metrics.jsonl

fail() { echo "HOSTILE failure $*"; }

# plugged_ids: the ids query-cpus-fast lists ("/machine/peripheral/<id>"), space-separated.
plugged_ids() { q query-cpus-fast 2>/dev/null | sed -n 's|.*"/machine/peripheral/\([^"]*\)".*|\1|p' | tr '\n' ' '; }

# running: Parkway is up and the guest has not finished (at the end the VM stops under our feet).
running() { kill -0 $PID 2>/dev/null && ! grep -q HOSTILE-DONE $OUT; }

# consistent ROUND: the three queries and the vCPU thread count agree on how many CPUs are plugged.
# A thread that was just told to stop leaves /proc a moment after DEVICE_DELETED: a few retries.
consistent() {
  local fast hot power threads tries=0
  while [ $tries -lt 10 ]; do
    fast=$(q query-cpus-fast | grep -c '"cpu-index"')
    hot=$(q query-hotpluggable-cpus | grep -c '"qom-path"')
    power=$(q query-cpus-powerstate | grep -c '"admin-state": "enabled"')
    threads=$(count_vcpu_threads $PID)
    [ "$fast" = "$hot" ] && [ "$fast" = "$power" ] && [ "$fast" = "$threads" ] && return 0
    running || return 0
    tries=$((tries + 1))
    sleep 0.2
  done
  fail "round $1: query-cpus-fast $fast, query-hotpluggable-cpus $hot, powerstate enabled $power, vcpu threads $threads"
}

# wait_unplug_end ID: DEVICE_DELETED or DEVICE_UNPLUG_GUEST_ERROR for ID after the event mark; prints which.
wait_unplug_end() {
  local i=0
  while [ $i -lt 100 ]; do
    if tail -n +"$((EVENT_MARK + 1))" $EVENTS | grep -q "DEVICE_DELETED.*\"$1\""; then echo deleted; return; fi
    if tail -n +"$((EVENT_MARK + 1))" $EVENTS | grep -q "DEVICE_UNPLUG_GUEST_ERROR.*\"$1\""; then echo refused; return; fi
    kill -0 $PID 2>/dev/null || { echo vmm-gone; return; }
    sleep 0.05
    i=$((i + 1))
  done
  echo none
}

START=$(sed 's/ .*//' /proc/uptime)
parkway run --kernel /tmp/hostile.img --acpi on --cpus boot=1,max=8 --memory 64M --qmp unix:$SOCK \
  --unplug-timeout 1 --metrics $METRICS --metrics-interval 1 --log-level info > $OUT 2> $ERR &
PID=$!
i=0
while [ ! -S $SOCK ] && [ $i -lt 300 ]; do sleep 0.05; i=$((i + 1)); done
parkway qmp --socket $SOCK --events 3600 query-status > $EVENTS 2>&1 &
LISTENER=$!
q device_add driver=host-arm-cpu id=bystander socket-id=0 cluster-id=0 core-id=1 thread-id=0 > /dev/null \
  || fail "bystander plug"
wait_for_line $OUT HOSTILE-START $PID 600 || fail "the guest did not start"

ROUNDS=0
QUERIES=0
DELETED=0
REFUSED=0
DELS=0
r=0
while kill -0 $PID 2>/dev/null && ! grep -q HOSTILE-DONE $OUT; do
  k=$((2 + r % 6))
  id=h$r
  # The monitor answers while the guest hammers.
  if q query-status > /tmp/status.out 2>&1; then QUERIES=$((QUERIES + 1)); else running && fail "round $r: query-status: $(cat /tmp/status.out)"; fi
  if ! q device_add driver=host-arm-cpu id=$id socket-id=0 cluster-id=0 core-id=$k thread-id=0 > /tmp/add.out 2>&1; then
    kill -0 $PID 2>/dev/null && grep -q HOSTILE-DONE $OUT || fail "round $r: device_add of CPU $k: $(cat /tmp/add.out)"
    break
  fi
  sleep 0.2
  ids=" $(plugged_ids)"
  case "$ids" in *" $id "*) ;; *) kill -0 $PID 2>/dev/null && fail "round $r: CPU $k ($id) gone without an unplug request: plugged:$ids" ;; esac
  case "$ids" in *" bystander "*) ;; *) kill -0 $PID 2>/dev/null && fail "round $r: the bystander CPU 1 is gone: plugged:$ids" ;; esac
  consistent $r
  # Ask until the guest ejects it: a refusal (junk _OST) or the 1 s timeout leaves it plugged.
  outcome=none
  tries=0
  while [ $outcome != deleted ] && [ $outcome != vmm-gone ] && [ $tries -lt 20 ]; do
    EVENT_MARK=$(wc -l < $EVENTS)
    q device_del id=$id > /tmp/del.out 2>&1 || { kill -0 $PID 2>/dev/null && fail "round $r: device_del $id: $(cat /tmp/del.out)"; }
    DELS=$((DELS + 1))
    outcome=$(wait_unplug_end $id)
    [ $outcome = refused ] && REFUSED=$((REFUSED + 1))
    tries=$((tries + 1))
  done
  [ $outcome = vmm-gone ] && break
  if [ $outcome = deleted ]; then
    DELETED=$((DELETED + 1))
  else
    kill -0 $PID 2>/dev/null && ! grep -q HOSTILE-DONE $OUT && fail "round $r: CPU $k never ejected after $tries requests"
    break
  fi
  ids=" $(plugged_ids)"
  case "$ids" in *" $id "*) fail "round $r: $id still listed after DEVICE_DELETED" ;; esac
  consistent $r
  ROUNDS=$((ROUNDS + 1))
  r=$((r + 1))
done

wait $PID
RC=$?
END=$(sed 's/ .*//' /proc/uptime)
sleep 0.5
kill $LISTENER 2>/dev/null
echo "HOSTILE exit=$RC rounds=$ROUNDS query-status=$QUERIES deleted=$DELETED refused-or-timed-out=$REFUSED device-del-requests=$DELS seconds=$START..$END"
grep -c "DEVICE_DELETED" $EVENTS | sed 's/^/HOSTILE device-deleted-events=/'
grep -c "ACPI_DEVICE_OST" $EVENTS | sed 's/^/HOSTILE ost-events=/'
grep -o '"device": "[^"]*"' $EVENTS | sort | uniq -c | awk '$1 > 1' | sed 's/^/HOSTILE repeated-event-device /' | head -n 5
# Events naming the bystander, and every DEVICE_DELETED (the test checks each was asked for).
grep "DEVICE_DELETED" $EVENTS | sed 's/^/HOSTILE event /'
tail -n 1 $METRICS | sed 's/^/HOSTILE metrics /'
sed 's/^/HOSTILE guest: /' $OUT
grep -c "guest error" $ERR | sed 's/^/HOSTILE guest-error-lines=/'
grep -c . $ERR | sed 's/^/HOSTILE stderr-lines=/'
# Parkway's warnings and errors, and its eject lines (informational lines per plug are left out).
grep -v '^parkway: info: ' $ERR | sed 's/^/HOSTILE stderr: /' | head -n 300
grep 'ejected by the guest' $ERR | sed 's/^/HOSTILE ejected: /'

# A load pair from the register block: no syndrome for KVM to decode (probe: what happens?).
parkway run --kernel /tmp/nisv.img --acpi on --cpus boot=1,max=2 --memory 64M --log-level info > /tmp/nisv.out 2> /tmp/nisv.err
echo "HOSTILE nisv exit=$?"
sed 's/^/HOSTILE nisv-guest: /' /tmp/nisv.out
sed 's/^/HOSTILE nisv-stderr: /' /tmp/nisv.err
