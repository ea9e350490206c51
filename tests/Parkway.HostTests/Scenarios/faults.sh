# Host-side faults a VMM must survive (FaultTests): the console's output failing, a kill -9 leaving
# its QMP socket behind, SIGTERM. One test-host boot, one SCENARIO summary line per case.
. /scenarios/scenario-lib.sh

# console-full: every console write fails (/dev/full answers ENOSPC), the guest still boots and
# powers off, and the failure is logged once, not once per line.
parkway run $GUEST_ARGS --cpus boot=1,max=1 --serial file=/dev/full \
  --cmdline "console=ttyAMA0 quiet parkway.dmesg" > /tmp/console-full.out 2> /tmp/console-full.err
rc=$?
echo "SCENARIO console-full exit=$rc warnings=$(grep -c 'console output failed' /tmp/console-full.err)"
report console-full

# console-fills: a 4 KiB file system fills up part-way through a long console (every ACPI table
# of a 64-CPU machine in base64): what fitted is kept, the rest is dropped, one warning.
mkdir -p /small && mount -t tmpfs -o size=4k tmpfs /small
parkway run $GUEST_ARGS --cpus boot=1,max=64 --serial file=/small/console \
  --cmdline "console=ttyAMA0 quiet parkway.dmesg" > /tmp/console-fills.out 2> /tmp/console-fills.err
rc=$?
size=$(wc -c < /small/console)
guest=$(grep -c '^PARKWAY-GUEST possible=' /small/console)
echo "SCENARIO console-fills exit=$rc warnings=$(grep -c 'console output failed' /tmp/console-fills.err) size=$size guest-line=$guest"
report console-fills

# stale-socket: kill -9 leaves the QMP socket file behind; the next parkway on the same path
# takes it over at once (nobody accepts on it, so it is stale) and runs.
parkway run $GUEST_ARGS --cpus boot=1,max=2 --qmp unix:/tmp/stale.sock \
  --cmdline "console=ttyAMA0 quiet parkway.hold=30" > /tmp/stale-first.out 2> /tmp/stale-first.err &
pid=$!
i=0; while [ ! -S /tmp/stale.sock ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
kill -9 $pid; wait $pid 2>/dev/null
left=0; [ -S /tmp/stale.sock ] && left=1
parkway run $GUEST_ARGS --cpus boot=1,max=2 --qmp unix:/tmp/stale.sock \
  --cmdline "console=ttyAMA0 quiet" > /tmp/stale-socket.out 2> /tmp/stale-socket.err
rc=$?
echo "SCENARIO stale-socket exit=$rc left-behind=$left"
report stale-socket

# sigterm: an orderly stop: clients get SHUTDOWN, the socket is removed, the exit code is 143.
parkway run $GUEST_ARGS --cpus boot=1,max=2 --qmp unix:/tmp/term.sock \
  --cmdline "console=ttyAMA0 quiet parkway.hold=60" > /tmp/sigterm.out 2> /tmp/sigterm.err &
pid=$!
wait_for_line /tmp/sigterm.out "PARKWAY-GUEST holding" $pid
parkway qmp --socket /tmp/term.sock --events 20 query-status > /tmp/sigterm-events.out 2>&1 &
client=$!
sleep 1
kill -TERM $pid
wait $pid
rc=$?
wait $client
gone=1; [ -e /tmp/term.sock ] && gone=0
shutdown=$(grep -c '"event": *"SHUTDOWN"' /tmp/sigterm-events.out)
echo "SCENARIO sigterm exit=$rc socket-removed=$gone shutdown-events=$shutdown"
sed "s/^/SCENARIO sigterm events: /" /tmp/sigterm-events.out
report sigterm
