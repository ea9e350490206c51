# Soak (issue 10, item 3): one live guest (boot=1,max=8, ACPI, watch mode: it onlines every CPU
# that becomes enabled) through SOAK_CYCLES plug/unplug cycles with racing QMP clients, then checks
# that Parkway is back where it started. Run by scripts/soak (default 1000 cycles) and, with 50
# cycles, by SoakTests in ./scripts/test. Every result line starts with "SOAK ".
#
# A cycle plugs one CPU and unplugs it again:
#   - odd cycles use slot 1 (the same slot over and over), even cycles slots 2..7 in turn;
#   - every 10th cycle is a set-vcpus resize instead (1 -> 2..8 -> 1);
#   - device_add is sent by two clients at once with the same id: exactly one may win; in one cycle
#     of four the second client is killed at a random moment (a client gone mid-command);
#   - device_del is sent by two clients at once: both may succeed (a repeat of a pending unplug
#     is a retry), or the later one finds the device gone; one DEVICE_DELETED is expected.
# Meanwhile a querying client asks query-hotpluggable-cpus / query-cpus-fast / query-cpus-powerstate
# in a loop (each reply must come and be self-consistent) and a disconnecting client connects and
# is killed mid-command. Every SOAK_SAMPLE cycles: fds, threads, vCPU fds, RSS and the managed heap.
. /scenarios/scenario-lib.sh
CYCLES=${SOAK_CYCLES:-50}
SAMPLE=${SOAK_SAMPLE:-50}
# Stop cycling after this many minutes (0: never) and still run the end checks on what was done.
MINUTES=${SOAK_MINUTES:-0}
SOCK=/tmp/soak.sock
OUT=/tmp/soak-guest.out
EVENTS=/tmp/soak-events.out
METRICS=/tmp/soak-metrics.jsonl
LAT=/tmp/soak-latency
STOP=/tmp/soak-stop
rm -f $STOP $LAT.plug $LAT.unplug $LAT.resize-up $LAT.resize-down /tmp/soak-query.log /tmp/soak-failures
touch $LAT.plug $LAT.unplug $LAT.resize-up $LAT.resize-down /tmp/soak-failures

fail() {
  echo "$*" >> /tmp/soak-failures
  echo "SOAK failure $*"
}

# wait_guest TEXT [TENTHS]: waits for a guest CPU line after the last mark whose lists end with
# TEXT exactly (so "online=0 enabled=0" does not match "enabled=0-1").
wait_guest() {
  local i=0 limit=${2:-600}
  while [ $i -lt $limit ]; do
    if since_mark | grep -q "PARKWAY-GUEST.* $1[[:space:]]*$"; then
      return 0
    fi
    kill -0 $PID 2>/dev/null || return 1
    sleep 0.1
    i=$((i + 1))
  done
  return 1
}

deleted_count() { grep -c "DEVICE_DELETED" $EVENTS; }

# wait_deleted N: waits until N DEVICE_DELETED events were delivered to the listener.
wait_deleted() {
  local i=0
  while [ $i -lt 600 ]; do
    [ "$(deleted_count)" -ge "$1" ] && return 0
    kill -0 $PID 2>/dev/null || return 1
    sleep 0.1
    i=$((i + 1))
  done
  return 1
}

fd_count() { ls /proc/$PID/fd | wc -l; }
thread_count() { sed -n 's/^Threads:[[:space:]]*//p' /proc/$PID/status; }
rss_kib() { sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\).*/\1/p' /proc/$PID/status; }
# guest_ram_kib: resident KiB of the guest RAM (512 MiB, placed 2 MiB aligned in a mapping at most
# 2 MiB larger): the part of Parkway's RSS that is the guest's own memory. Its top 2 MiB (boot data,
# MADV_NOHUGEPAGE) is a VMA of its own, right after the rest.
guest_ram_kib() {
  awk '/^[0-9a-f]+-[0-9a-f]+ / { split($1, range, "-"); start = range[1]; end = range[2]; inside = 0; next }
       /^Size:/ { if ($2 >= 520192 && $2 <= 526336) { inside = 1; ram_end = end } else { inside = (start == ram_end && $2 == 2048) } }
       inside && /^Rss:/ { sum += $2 } END { print sum + 0 }' /proc/$PID/smaps
}
# metric NAME: the last metrics line's value of "NAME" (a number).
metric() { tail -n 1 $METRICS | sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p"; }

sample() {
  echo "SOAK sample cycle=$1 rss-kib=$(rss_kib) guest-ram-kib=$(guest_ram_kib) fds=$(fd_count) threads=$(thread_count)" \
    "vcpu-fds=$(count_vcpu_fds $PID) vcpu-threads=$(count_vcpu_threads $PID)" \
    "gc-heap-after-gc=$(metric gc_heap_after_last_gc_bytes) gc-heap=$(metric gc_heap_bytes)" \
    "gc-committed=$(metric gc_committed_bytes) gc-gen0=$(metric gc_gen0_collections) gc-gen2=$(metric gc_gen2_collections)"
}

# cpu_list K: the guest's list for CPUs 0 and K.
cpu_list() { if [ "$1" -eq 1 ]; then echo "0-1"; else echo "0,$1"; fi; }

# consistent: query-cpus-fast, query-hotpluggable-cpus and query-cpus-powerstate agree (one
# snapshot each, taken while nothing is being plugged): prints "plugged=N" or a failure.
consistent() {
  local fast hot power pending states
  fast=$(q query-cpus-fast | grep -c '"cpu-index"')
  hot=$(q query-hotpluggable-cpus | grep -c '"qom-path"')
  states=$(q query-cpus-powerstate)
  power=$(echo "$states" | grep -c '"admin-state": "enabled"')
  pending=$(echo "$states" | grep -c '"unplug-pending": true')
  if [ "$fast" != "$1" ] || [ "$hot" != "$1" ] || [ "$power" != "$1" ] || [ "$pending" != 0 ]; then
    fail "cycle $2: expected $1 plugged, query-cpus-fast $fast, query-hotpluggable-cpus $hot, powerstate $power, unplug pending $pending"
  fi
}

# The querying client: every reply must arrive; a reply of query-hotpluggable-cpus lists all 8 slots.
querier() {
  local n=0 ok=0 bad=0 cmd out
  while [ ! -e $STOP ]; do
    case $((n % 3)) in
      0) cmd=query-hotpluggable-cpus ;;
      1) cmd=query-cpus-fast ;;
      *) cmd=query-cpus-powerstate ;;
    esac
    n=$((n + 1))
    if out=$(q $cmd 2>&1); then
      if [ $cmd = query-hotpluggable-cpus ] && [ "$(echo "$out" | grep -c '"vcpus-count"')" != 8 ]; then
        bad=$((bad + 1))
        echo "bad reply to $cmd: $out" >> /tmp/soak-query.log
      else
        ok=$((ok + 1))
      fi
    else
      bad=$((bad + 1))
      echo "no reply to $cmd: $out" >> /tmp/soak-query.log
    fi
    # Each query is a process start in the emulated host: leave it CPU for the guest.
    sleep 0.5
  done
  echo "$n $ok $bad" > /tmp/soak-querier.result
}

# The disconnecting client: connects, sends a command and is killed at a random moment.
disconnector() {
  local n=0 p
  while [ ! -e $STOP ]; do
    q query-hotpluggable-cpus > /dev/null 2>&1 &
    p=$!
    sleep 0.0$((RANDOM % 10))
    kill -9 $p 2>/dev/null
    wait $p 2>/dev/null
    n=$((n + 1))
    sleep 1
  done
  echo "$n" > /tmp/soak-disconnector.result
}

parkway run $GUEST_ARGS --cpus boot=1,max=8 --cmdline "console=ttyAMA0 quiet parkway.watch" \
  --qmp unix:$SOCK --metrics $METRICS --metrics-interval 1 --log-level info > $OUT 2> /tmp/soak-vmm.err &
PID=$!
if ! wait_for_line $OUT "PARKWAY-GUEST ready" $PID 3000; then
  echo "SOAK boot failed"
  sed 's/^/SOAK vmm-stderr: /' /tmp/soak-vmm.err
  sed 's/^/SOAK guest: /' $OUT
  exit 1
fi
echo "SOAK boot ok cycles=$CYCLES"
parkway qmp --socket $SOCK --events 86400 query-status > $EVENTS 2>&1 &
LISTENER=$!
sleep 1

# A warm-up plug and unplug (first use of every code path), then the baseline.
mark
q device_add driver=host-arm-cpu id=warm socket-id=0 cluster-id=0 core-id=1 thread-id=0 > /dev/null
wait_guest "online=0-1 enabled=0-1" || fail "warm-up plug"
mark
q device_del id=warm > /dev/null
wait_guest "online=0 enabled=0" || fail "warm-up unplug"
wait_deleted 1 || fail "warm-up DEVICE_DELETED"
sleep 2
BASE_FDS=$(fd_count)
BASE_THREADS=$(thread_count)
BASE_RSS=$(rss_kib)
sample 0

querier &
QUERIER=$!
disconnector &
DISCONNECTOR=$!

DELETES=1
WINS_CHECKED=0
START=$(uptime_ms)
i=1
while [ $i -le $CYCLES ]; do
  if ! kill -0 $PID 2>/dev/null; then
    fail "Parkway exited during cycle $((i - 1))"
    break
  fi
  if [ "$MINUTES" -gt 0 ] && [ $(( $(uptime_ms) - START )) -gt $((MINUTES * 60000)) ]; then
    echo "SOAK stopped at the time limit of $MINUTES minutes after $((i - 1)) cycles"
    break
  fi
  if [ $((i % 10)) -eq 0 ]; then
    # set-vcpus: 1 -> N -> 1; the guest onlines them all, then ejects them all.
    n=$((2 + (i / 10) % 7))
    mark
    t0=$(uptime_ms)
    parkway resize --socket $SOCK $n > /tmp/soak-req.out 2>&1 || fail "cycle $i: resize to $n: $(cat /tmp/soak-req.out)"
    wait_guest "online=0-$((n - 1)) enabled=0-$((n - 1))" 1200 || fail "cycle $i: guest did not online 0-$((n - 1))"
    echo $(( $(uptime_ms) - t0 )) >> $LAT.resize-up
    consistent $n $i
    mark
    t0=$(uptime_ms)
    parkway resize --socket $SOCK 1 > /tmp/soak-req.out 2>&1 || fail "cycle $i: resize to 1: $(cat /tmp/soak-req.out)"
    wait_guest "online=0 enabled=0" 1200 || fail "cycle $i: guest did not offline back to 0"
    echo $(( $(uptime_ms) - t0 )) >> $LAT.resize-down
    DELETES=$((DELETES + n - 1))
  else
    if [ $((i % 2)) -eq 1 ]; then k=1; else k=$((2 + (i / 2) % 6)); fi
    id=soak$i
    args="driver=host-arm-cpu id=$id socket-id=0 cluster-id=0 core-id=$k thread-id=0"
    mark
    t0=$(uptime_ms)
    # Two plugging clients race with the same request.
    q device_add $args > /tmp/soak-add1.out 2>&1 &
    A1=$!
    q device_add $args > /tmp/soak-add2.out 2>&1 &
    A2=$!
    killed=0
    if [ $((i % 4)) -eq 3 ]; then
      sleep 0.0$((RANDOM % 10))
      kill -9 $A2 2>/dev/null && killed=1
    fi
    wait $A1; r1=$?
    wait $A2; r2=$?
    wins=0
    [ $r1 -eq 0 ] && wins=$((wins + 1))
    [ $r2 -eq 0 ] && wins=$((wins + 1))
    if [ $killed -eq 0 ]; then
      WINS_CHECKED=$((WINS_CHECKED + 1))
      [ $wins -eq 1 ] || fail "cycle $i: $wins of 2 racing device_add won: $(cat /tmp/soak-add1.out /tmp/soak-add2.out)"
    elif [ $wins -gt 1 ]; then
      fail "cycle $i: both racing device_add won"
    fi
    wait_guest "online=$(cpu_list $k) enabled=$(cpu_list $k)" || fail "cycle $i: guest did not online CPU $k"
    echo $(( $(uptime_ms) - t0 )) >> $LAT.plug
    consistent 2 $i
    # Two unplugging clients race; one DEVICE_DELETED must follow.
    mark
    t0=$(uptime_ms)
    q device_del id=$id > /tmp/soak-del1.out 2>&1 &
    D1=$!
    q device_del id=$id > /tmp/soak-del2.out 2>&1 &
    D2=$!
    wait $D1; r1=$?
    wait $D2; r2=$?
    if [ $r1 -ne 0 ] && [ $r2 -ne 0 ]; then
      fail "cycle $i: both device_del failed: $(cat /tmp/soak-del1.out /tmp/soak-del2.out)"
    fi
    for f in /tmp/soak-del1.out /tmp/soak-del2.out; do
      if grep -q "parkway: qmp:" $f && ! grep -q "DeviceNotFound" $f; then
        fail "cycle $i: device_del answered $(cat $f)"
      fi
    done
    DELETES=$((DELETES + 1))
    wait_deleted $DELETES || fail "cycle $i: DEVICE_DELETED $DELETES not delivered"
    wait_guest "online=0 enabled=0" || fail "cycle $i: guest did not offline CPU $k"
    echo $(( $(uptime_ms) - t0 )) >> $LAT.unplug
  fi
  [ $((i % SAMPLE)) -eq 0 ] && sample $i
  [ $((i % 100)) -eq 0 ] && consistent 1 $i
  i=$((i + 1))
done
DONE=$((i - 1))
ELAPSED=$(( $(uptime_ms) - START ))

touch $STOP
wait $QUERIER
wait $DISCONNECTOR
consistent 1 end
sleep 2
# Thread-pool threads retire after a while without work: give them up to 60 s.
j=0
while [ "$(thread_count)" -gt "$BASE_THREADS" ] && [ $j -lt 60 ]; do sleep 1; j=$((j + 1)); done
sample end
END_FDS=$(fd_count)
END_THREADS=$(thread_count)
END_RSS=$(rss_kib)
END_VCPU_FDS=$(count_vcpu_fds $PID)
END_VCPU_THREADS=$(count_vcpu_threads $PID)
DELIVERED=$(deleted_count)
[ "$END_FDS" -eq "$BASE_FDS" ] || fail "fds $BASE_FDS -> $END_FDS"
[ "$END_THREADS" -le "$BASE_THREADS" ] || fail "threads $BASE_THREADS -> $END_THREADS"
[ "$END_VCPU_FDS" -eq 8 ] || fail "vCPU fds $END_VCPU_FDS, expected 8"
[ "$END_VCPU_THREADS" -eq 1 ] || fail "vCPU threads $END_VCPU_THREADS, expected 1"
[ "$DELIVERED" -eq "$DELETES" ] || fail "DEVICE_DELETED delivered $DELIVERED, expected $DELETES"
read -r QN QOK QBAD < /tmp/soak-querier.result
[ "$QBAD" -eq 0 ] || fail "querier: $QBAD of $QN queries unanswered or inconsistent"
read -r DN < /tmp/soak-disconnector.result

# percentile FILE P: nearest-rank P-th percentile of the numbers in FILE.
percentile() { sort -n "$1" | awk -v p="$2" '{ a[NR] = $1 } END { if (NR == 0) { print "-"; exit } r = int((p * NR + 99) / 100); if (r < 1) r = 1; print a[r] }'; }

echo "SOAK result cycles=$DONE failures=$(wc -l < /tmp/soak-failures) elapsed-ms=$ELAPSED" \
  "fds=$BASE_FDS->$END_FDS threads=$BASE_THREADS->$END_THREADS rss-kib=$BASE_RSS->$END_RSS" \
  "vcpu-fds=$END_VCPU_FDS vcpu-threads=$END_VCPU_THREADS device-deleted=$DELIVERED/$DELETES" \
  "racing-adds-checked=$WINS_CHECKED queries=$QOK/$QN disconnects=$DN"
for kind in plug unplug resize-up resize-down; do
  echo "SOAK latency $kind-ms samples=$(wc -l < $LAT.$kind) p50=$(percentile $LAT.$kind 50) p90=$(percentile $LAT.$kind 90) p99=$(percentile $LAT.$kind 99) max=$(percentile $LAT.$kind 100)"
done
sed 's/^/SOAK query-log: /' /tmp/soak-query.log 2>/dev/null | head -n 20

q system_powerdown > /dev/null 2>&1
wait $PID
echo "SOAK exit code=$?"
kill $LISTENER 2>/dev/null
grep -v "^PARKWAY-GUEST online=" $OUT | sed 's/^/SOAK guest: /' | tail -n 20
grep -c . /tmp/soak-vmm.err | sed 's/^/SOAK vmm-stderr-lines: /'
grep -v '^parkway: info: ' /tmp/soak-vmm.err | head -n 40 | sed 's/^/SOAK vmm-stderr: /'
tail -n 15 /tmp/soak-vmm.err | sed 's/^/SOAK vmm-stderr-tail: /'
# Was anything killed for lack of memory in the test host?
dmesg | grep -i -E "out of memory|killed process|oom" | head -n 5 | sed 's/^/SOAK dmesg: /'
