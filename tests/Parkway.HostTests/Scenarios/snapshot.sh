# Snapshot and restore of a live guest with a mixed plugged set (boot=1,max=4): plug cpu1 and
# cpu2, unplug cpu2, save with `parkway snapshot`, quit; refused restores (changed max, damaged
# and truncated files); restore in a new process, plug cpu3; save that machine again and restore
# it in a third process, unplug cpu1, power down.
# Each step prints "STEP <name> ..." lines for the xunit side.
. /scenarios/scenario-lib.sh
SOCK=/tmp/qmp.sock
SOCK2=/tmp/qmp2.sock
SOCK3=/tmp/qmp3.sock
OUT=/tmp/guest.out
OUT2=/tmp/guest2.out
OUT3=/tmp/guest3.out
SNAP=/tmp/vm.snap

counts() { echo "STEP $1 vcpu-fds=$(count_vcpu_fds $2) vcpu-threads=$(count_vcpu_threads $2)"; }
mark() { MARK=$(wc -l < $1); }

# expect_guest STEP FILE PID TEXT: waits for a guest line containing TEXT printed after the mark.
expect_guest() {
  local i=0
  while [ $i -lt 900 ]; do
    if tail -n +"$((MARK + 1))" $2 | grep -q "$4"; then
      echo "STEP $1 guest-ok $4"
      return 0
    fi
    kill -0 $3 2>/dev/null || break
    sleep 0.1
    i=$((i + 1))
  done
  echo "STEP $1 guest-timeout $4"
  return 1
}

# request STEP SOCKET ARGS...: a QMP command; its exit code and output.
request() {
  local name=$1 sock=$2 rc
  shift 2
  parkway qmp --socket $sock "$@" > /tmp/req.out 2> /tmp/req.err
  rc=$?
  echo "STEP $name exit=$rc"
  sed "s/^/STEP $name stderr: /" /tmp/req.err
  sed "s/^/STEP $name stdout: /" /tmp/req.out
}

parkway run $GUEST_ARGS --cpus boot=1,max=4 --cmdline "console=ttyAMA0 quiet parkway.watch" \
  --qmp unix:$SOCK --log-level info > $OUT 2> /tmp/vmm.err &
PID=$!
if ! wait_for_line $OUT "PARKWAY-GUEST ready" $PID; then
  echo "STEP boot failed"
  cat /tmp/vmm.err $OUT
  exit 1
fi
echo "STEP boot ok"
parkway qmp --socket $SOCK --events 900 query-status > /tmp/events.out 2>&1 &
LISTENER=$!
sleep 1

mark $OUT
request plug1 $SOCK device_add driver=host-arm-cpu id=cpu1 socket-id=0 cluster-id=0 core-id=1 thread-id=0
request plug2 $SOCK device_add driver=host-arm-cpu id=cpu2 socket-id=0 cluster-id=0 core-id=2 thread-id=0
expect_guest plugged $OUT $PID "online=0-2 enabled=0-2"
mark $OUT
request unplug2 $SOCK device_del id=cpu2
expect_guest unplugged $OUT $PID "online=0-1 enabled=0-1"
sleep 1
counts saved $PID
request powerstate-saved $SOCK query-cpus-powerstate

parkway snapshot --socket $SOCK $SNAP > /tmp/snap.out 2> /tmp/snap.err
echo "STEP snapshot exit=$?"
sed 's/^/STEP snapshot stdout: /' /tmp/snap.out
sed 's/^/STEP snapshot stderr: /' /tmp/snap.err
request status-after-save $SOCK query-status
request quit $SOCK quit
wait $PID
echo "STEP first-exit code=$?"
sleep 1
kill $LISTENER 2>/dev/null
echo "STEP size apparent=$(stat -c %s $SNAP) allocated=$(($(stat -c %b $SNAP) * $(stat -c %B $SNAP)))"

# Refused restores: nothing starts, one line, exit 2.
command_case refused-max timeout 120 parkway run --incoming file:$SNAP --cpus boot=1,max=8 --serial off
# Damaged in place inside the Cpus section (a copy of the sparse file would be written out
# whole; bytes between sections are alignment padding nothing reads), then repaired.
dd if=$SNAP of=/tmp/original.byte bs=1 skip=2000 count=1 2>/dev/null
if [ "$(cat /tmp/original.byte)" = U ]; then BYTE='\252'; else BYTE='\125'; fi
printf "$BYTE" | dd of=$SNAP bs=1 seek=2000 conv=notrunc 2>/dev/null
command_case refused-damaged timeout 120 parkway run --incoming file:$SNAP --serial off
dd if=/tmp/original.byte of=$SNAP bs=1 seek=2000 conv=notrunc 2>/dev/null
head -c 100000 $SNAP > /tmp/short.snap
command_case refused-truncated timeout 120 parkway run --incoming file:/tmp/short.snap --serial off

# The restore, in a new process.
parkway run --incoming file:$SNAP --qmp unix:$SOCK2 --log-level info > $OUT2 2> /tmp/vmm2.err &
PID2=$!
i=0
while [ ! -S $SOCK2 ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
sleep 2
parkway qmp --socket $SOCK2 --events 600 query-status > /tmp/events2.out 2>&1 &
LISTENER2=$!
counts restored $PID2
request status-restored $SOCK2 query-status
request powerstate-restored $SOCK2 query-cpus-powerstate

mark $OUT2
request plug3 $SOCK2 device_add driver=host-arm-cpu id=cpu3 socket-id=0 cluster-id=0 core-id=3 thread-id=0
expect_guest plug3 $OUT2 $PID2 "online=0-1,3 enabled=0-1,3"
counts plug3 $PID2

# A second save, of the restored machine, and a second restore in a third process.
parkway snapshot --socket $SOCK2 /tmp/vm2.snap > /tmp/snap2.out 2> /tmp/snap2.err
echo "STEP snapshot2 exit=$?"
sed 's/^/STEP snapshot2 stderr: /' /tmp/snap2.err
request quit2 $SOCK2 quit
wait $PID2
echo "STEP second-exit code=$?"
sleep 1
kill $LISTENER2 2>/dev/null
rm -f $SNAP
parkway run --incoming file:/tmp/vm2.snap --qmp unix:$SOCK3 --log-level info > $OUT3 2> /tmp/vmm3.err &
PID3=$!
i=0
while [ ! -S $SOCK3 ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
sleep 2
parkway qmp --socket $SOCK3 --events 600 query-status > /tmp/events3.out 2>&1 &
LISTENER3=$!
counts restored2 $PID3
request powerstate-restored2 $SOCK3 query-cpus-powerstate

mark $OUT3
request unplug1 $SOCK3 device_del id=cpu1
expect_guest unplug1 $OUT3 $PID3 "online=0,3 enabled=0,3"
sleep 1
counts unplug1 $PID3
request powerdown $SOCK3 system_powerdown
wait $PID3
echo "STEP third-exit code=$?"
sleep 1
kill $LISTENER3 2>/dev/null
sed 's/^/STEP events: /' /tmp/events.out
sed 's/^/STEP events2: /' /tmp/events2.out
sed 's/^/STEP events3: /' /tmp/events3.out
sed 's/^/STEP vmm-stderr: /' /tmp/vmm.err
sed 's/^/STEP vmm2-stderr: /' /tmp/vmm2.err
sed 's/^/STEP vmm3-stderr: /' /tmp/vmm3.err
sed 's/^/STEP guest: /' $OUT
sed 's/^/STEP guest2: /' $OUT2
sed 's/^/STEP guest3: /' $OUT3
