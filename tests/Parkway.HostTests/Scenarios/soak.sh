# Soak (issue 10, item 3): one live guest (boot=1,max=8, ACPI, watch mode: it onlines every CPU
# that becomes enabled) through SOAK_CYCLES plug/unplug cycles with racing QMP clients, then checks
# that Parkway is back where it started. Run by scripts/soak (default 1000 cycles) and, with 50
# cycles, by SoakTests in ./scripts/test. Every result line starts with "SOAK ".
#
# A cycle plugs one CPU and unplugs it again:
#   - odd cycles use slot 1 (the same slot over and over), even cycles slots 2..7 in turn;
#   - every 10th cycle is a set-vcpus resize instead (1 -> 2..8 -> 1);
#   - device_add is sent by SOAK_RACERS clients (default 10) at once with the same id and slot:
#     exactly one may win; in one cycle of four the last client is killed at a random moment (a
#     client gone mid-command);
#   - device_del is sent by SOAK_RACERS clients at once: any may succeed (a repeat of a pending
#     unplug is a retry), or a later one finds the device gone; exactly one DEVICE_DELETED follows;
#   - in cycles ending in 5 the VM is stopped before the plug (the CPU must not come online until
#     cont), in cycles ending in 7 it is stopped right after the unplug request and continued.
# Meanwhile a querying client asks query-hotpluggable-cpus / query-cpus-fast / query-cpus-powerstate
# in a loop (each reply must come and be self-consistent) and a disconnecting client connects and
# is killed mid-command. Every SOAK_SAMPLE cycles: fds, threads, vCPU fds, RSS and the managed heap.
. /scenarios/scenario-lib.sh
CYCLES=${SOAK_CYCLES:-50}
RACERS=${SOAK_RACERS:-10}
# Every CHECKPOINT cycles: the QMP views, vCPU fds and threads and the descriptors are checked.
CHECKPOINT=${SOAK_CHECKPOINT:-100}
SAMPLE=${SOAK_SAMPLE:-50}
# Stop cycling after this many minutes (0: never) and still run the end checks on what was done.
MINUTES=${SOAK_MINUTES:-0}
SOCK=/tmp/soak.sock
OUT=/tmp/soak-guest.out
EVENTS=/tmp/soak-events.out
METRICS=/tmp/soak-metrics.jsonl
LAT=/tmp/soak-latency
STOP=/tmp/soak-stop
rm -f /tmp/soak-race.* $STOP $LAT.plug $LAT.unplug $LAT.resize-up $LAT.resize-down /tmp/soak-query.log /tmp/soak-failures
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
# rss_by_mapping FILE: "start rss-kib range name" for every mapping of Parkway with resident pages.
rss_by_mapping() {
  awk '/^[0-9a-f]+-[0-9a-f]+ / { range = $1; split($1, r, "-"); start = r[1]; name = ($6 == "" ? "[anon]" : $6); next }
       /^Rss:/ { if ($2 > 0) print start, $2, range, name }' /proc/$PID/smaps > "$1"
}
# rss_growth BEFORE AFTER: the mappings (by start address; a heap's end moves) whose resident size
# changed by 64 KiB or more, largest growth first.
rss_growth() {
  awk 'NR == FNR { before[$1] = $2; next }
       { delta = $2 - before[$1]; if (delta >= 64 || delta <= -64) print delta, $3, $4; delete before[$1] }
       END { for (r in before) if (before[r] >= 64) print -before[r], r, "(gone)" }' "$1" "$2" | sort -n -r | head -n 15
}
# metric NAME: the last metrics line's value of "NAME" (a number).
metric() { tail -n 1 $METRICS | sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p"; }

trim_count() { grep -c 'memory trim' /tmp/soak-vmm.err; }
# wait_trim: queries until Parkway's next memory trim is logged (up to 60 s). Parkway trims when a
# check (every 10 s) finds 1 MiB allocated since the last trim; the queries make sure it does.
wait_trim() {
  local before i=0
  before=$(trim_count)
  while [ "$(trim_count)" -le "$before" ] && [ $i -lt 200 ]; do
    q query-cpus-powerstate > /dev/null 2>&1
    sleep 0.2
    i=$((i + 1))
  done
  if [ "$(trim_count)" -gt "$before" ]; then sleep 1; else echo "SOAK note: no memory trim within 60 s"; fi
}

sample() {
  echo "SOAK sample cycle=$1 rss-kib=$(rss_kib) guest-ram-kib=$(guest_ram_kib) fds=$(fd_count) threads=$(thread_count)" \
    "vcpu-fds=$(count_vcpu_fds $PID) vcpu-threads=$(count_vcpu_threads $PID)" \
    "gc-heap-after-gc=$(metric gc_heap_after_last_gc_bytes) gc-heap=$(metric gc_heap_bytes)" \
    "gc-committed=$(metric gc_committed_bytes) gc-gen0=$(metric gc_gen0_collections) gc-gen2=$(metric gc_gen2_collections)" \
    "trims=$(trim_count)"
}

# resize_to N WHERE: set-vcpus to N, then waits (after the last mark) until the guest has CPUs
# 0..N-1 online and enabled; WHERE starts the failure messages.
resize_to() {
  local cpus=0
  [ "$1" -gt 1 ] && cpus="0-$(($1 - 1))"
  parkway resize --socket $SOCK $1 > /tmp/soak-req.out 2>&1 || fail "$2: resize to $1: $(cat /tmp/soak-req.out)"
  wait_guest "online=$cpus enabled=$cpus" 1200 || fail "$2: guest did not reach online=$cpus"
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

# race ARGS...: starts RACERS clients sending the same command at once (answers in
# /tmp/soak-race.N, exit codes collected by race_wait); LAST_RACER is the last one's PID.
race() {
  local n=1
  rm -f /tmp/soak-race.*
  RACER_PIDS=""
  while [ $n -le $RACERS ]; do
    q "$@" > /tmp/soak-race.$n 2>&1 &
    LAST_RACER=$!
    RACER_PIDS="$RACER_PIDS $LAST_RACER"
    n=$((n + 1))
  done
}
race_wait() {
  local p
  RACE_CODES=""
  for p in $RACER_PIDS; do
    wait $p
    RACE_CODES="$RACE_CODES $?"
  done
}
race_successes() { local c n=0; for c in $RACE_CODES; do [ "$c" -eq 0 ] && n=$((n + 1)); done; echo $n; }
race_answers() { cat /tmp/soak-race.* | tr '\n' ' ' | cut -c1-600; }

# checkpoint CYCLE (every CHECKPOINT cycles, between cycles: only CPU 0 plugged): the three QMP views
# agree with no unplug pending, every vCPU fd is still held, one vCPU thread runs, and the
# descriptors are the baseline's plus at most the two background clients' connections.
checkpoint() {
  local fds j=0
  # A resize down (every tenth cycle) is done when the guest says so; its DEVICE_DELETED events and
  # the parking of the vCPU threads may still be on their way.
  wait_deleted $DELETES || fail "cycle $1: DEVICE_DELETED $DELETES not delivered"
  while [ "$(count_vcpu_threads $PID)" -gt 1 ] && [ $j -lt 50 ]; do sleep 0.1; j=$((j + 1)); done
  consistent 1 $1
  [ "$(count_vcpu_fds $PID)" -eq 8 ] || fail "cycle $1: $(count_vcpu_fds $PID) vCPU fds, expected 8"
  [ "$(count_vcpu_threads $PID)" -eq 1 ] || fail "cycle $1: $(count_vcpu_threads $PID) vCPU threads, expected 1"
  fds=$(fd_count)
  [ "$fds" -le $((BASE_FDS + 2)) ] || fail "cycle $1: $fds descriptors, baseline $BASE_FDS"
  CHECKPOINTS=$((CHECKPOINTS + 1))
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
  --qmp unix:$SOCK --metrics $METRICS --metrics-interval 1 --log-level debug > $OUT 2> /tmp/soak-vmm.err &
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

# Warm-up: one round of every kind of request the run makes, so that the baseline comes after the
# first use of each code path (the executable's pages are read in on first use), after the thread
# pool has grown for RACERS clients and after the largest resize (all 8 vCPU threads at once).
mark
race device_add driver=host-arm-cpu id=warm socket-id=0 cluster-id=0 core-id=1 thread-id=0
race_wait
wait_guest "online=0-1 enabled=0-1" || fail "warm-up plug"
mark
race device_del id=warm
race_wait
wait_guest "online=0 enabled=0" || fail "warm-up unplug"
DELETES=1
wait_deleted $DELETES || fail "warm-up DEVICE_DELETED"
q stop > /dev/null && q cont > /dev/null || fail "warm-up stop/cont"
for cmd in query-hotpluggable-cpus query-cpus-fast query-cpus-powerstate; do q $cmd > /dev/null || fail "warm-up $cmd"; done
mark
resize_to 8 warm-up
mark
resize_to 1 warm-up
DELETES=$((DELETES + 7))
wait_deleted $DELETES || fail "warm-up resize DEVICE_DELETED"
# The two samples compared (here and at the end) are taken right after a memory trim (Parkway hands
# the collector's spare memory back after busy control-plane work, docs/reliability.md), so both
# are the floor of the collector's sawtooth, not a random point on it.
wait_trim
BASE_FDS=$(fd_count)
BASE_THREADS=$(thread_count)
BASE_RSS=$(rss_kib)
BASE_OWN=$(( BASE_RSS - $(guest_ram_kib) ))
rss_by_mapping /tmp/soak-maps.start
sample 0

querier &
QUERIER=$!
disconnector &
DISCONNECTOR=$!

WINS_CHECKED=0
PAUSED_PLUGS=0
PAUSED_UNPLUGS=0
CHECKPOINTS=0
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
    resize_to $n "cycle $i"
    echo $(( $(uptime_ms) - t0 )) >> $LAT.resize-up
    consistent $n $i
    mark
    t0=$(uptime_ms)
    resize_to 1 "cycle $i"
    echo $(( $(uptime_ms) - t0 )) >> $LAT.resize-down
    DELETES=$((DELETES + n - 1))
  else
    if [ $((i % 2)) -eq 1 ]; then k=1; else k=$((2 + (i / 2) % 6)); fi
    id=soak$i
    args="driver=host-arm-cpu id=$id socket-id=0 cluster-id=0 core-id=$k thread-id=0"
    mark
    t0=$(uptime_ms)
    paused=0
    if [ $((i % 10)) -eq 5 ]; then
      q stop > /dev/null || fail "cycle $i: stop refused"
      paused=1
    fi
    # RACERS plugging clients race with the same request.
    race device_add $args
    killed=0
    if [ $((i % 4)) -eq 3 ]; then
      sleep 0.0$((RANDOM % 10))
      kill -9 $LAST_RACER 2>/dev/null && killed=1
    fi
    race_wait
    wins=$(race_successes)
    if [ $killed -eq 0 ]; then
      WINS_CHECKED=$((WINS_CHECKED + 1))
      [ "$wins" -eq 1 ] || fail "cycle $i: $wins of $RACERS racing device_add won: $(race_answers)"
    elif [ "$wins" -gt 1 ]; then
      fail "cycle $i: $wins racing device_add won (one killed)"
    fi
    if [ $paused -eq 1 ]; then
      # Stopped: the plug is accepted but no vCPU runs, so the guest cannot bring the CPU up.
      sleep 1
      q query-status | tr -d ' \n' | grep -q '"running":false' || fail "cycle $i: not paused after stop"
      since_mark | grep -q "PARKWAY-GUEST online=$(cpu_list $k) " && fail "cycle $i: CPU $k came online while the VM was stopped"
      q cont > /dev/null || fail "cycle $i: cont refused"
      PAUSED_PLUGS=$((PAUSED_PLUGS + 1))
    fi
    wait_guest "online=$(cpu_list $k) enabled=$(cpu_list $k)" || fail "cycle $i: guest did not online CPU $k"
    [ $paused -eq 0 ] && echo $(( $(uptime_ms) - t0 )) >> $LAT.plug
    consistent 2 $i
    # RACERS unplugging clients race; one DEVICE_DELETED must follow.
    mark
    t0=$(uptime_ms)
    race device_del id=$id
    paused=0
    if [ $((i % 10)) -eq 7 ]; then
      q stop > /dev/null || fail "cycle $i: stop refused"
      sleep 0.5
      q cont > /dev/null || fail "cycle $i: cont refused"
      paused=1
      PAUSED_UNPLUGS=$((PAUSED_UNPLUGS + 1))
    fi
    race_wait
    [ "$(race_successes)" -ge 1 ] || fail "cycle $i: every racing device_del failed: $(race_answers)"
    for f in /tmp/soak-race.*; do
      if grep -q "parkway: qmp:" $f && ! grep -q "DeviceNotFound" $f; then
        fail "cycle $i: device_del answered $(cat $f)"
      fi
    done
    DELETES=$((DELETES + 1))
    wait_deleted $DELETES || fail "cycle $i: DEVICE_DELETED $DELETES not delivered"
    wait_guest "online=0 enabled=0" || fail "cycle $i: guest did not offline CPU $k"
    [ $paused -eq 0 ] && echo $(( $(uptime_ms) - t0 )) >> $LAT.unplug
  fi
  [ $((i % SAMPLE)) -eq 0 ] && sample $i
  [ $((i % CHECKPOINT)) -eq 0 ] && checkpoint $i
  i=$((i + 1))
done
DONE=$((i - 1))
ELAPSED=$(( $(uptime_ms) - START ))

touch $STOP
wait $QUERIER
wait $DISCONNECTOR
consistent 1 end
# Memory right after a trim, like the baseline (the queries that bring the trim about may start
# thread-pool threads, so threads are counted after they have had time to retire).
wait_trim
END_RSS=$(rss_kib)
END_OWN=$(( END_RSS - $(guest_ram_kib) ))
rss_by_mapping /tmp/soak-maps.end
rss_growth /tmp/soak-maps.start /tmp/soak-maps.end | sed 's/^/SOAK rss-growth-kib: /'
# Thread-pool threads retire after a while without work: give them up to 60 s.
j=0
while [ "$(thread_count)" -gt "$BASE_THREADS" ] && [ $j -lt 60 ]; do sleep 1; j=$((j + 1)); done
sample end
END_FDS=$(fd_count)
END_THREADS=$(thread_count)
END_VCPU_FDS=$(count_vcpu_fds $PID)
END_VCPU_THREADS=$(count_vcpu_threads $PID)
DELIVERED=$(deleted_count)
[ "$END_FDS" -eq "$BASE_FDS" ] || fail "fds $BASE_FDS -> $END_FDS"
[ "$END_THREADS" -le "$BASE_THREADS" ] || fail "threads $BASE_THREADS -> $END_THREADS"
[ "$END_VCPU_FDS" -eq 8 ] || fail "vCPU fds $END_VCPU_FDS, expected 8"
[ "$END_VCPU_THREADS" -eq 1 ] || fail "vCPU threads $END_VCPU_THREADS, expected 1"
# Parkway's own memory (RSS less the guest's RAM, which grows as the guest touches new huge pages).
[ $(( END_OWN - BASE_OWN )) -le "${SOAK_OWN_GROWTH_LIMIT_KIB:-1024}" ] || fail "Parkway's own memory grew by $(( END_OWN - BASE_OWN )) KiB ($BASE_OWN -> $END_OWN KiB)"
[ "$DELIVERED" -eq "$DELETES" ] || fail "DEVICE_DELETED delivered $DELIVERED, expected $DELETES"
read -r QN QOK QBAD < /tmp/soak-querier.result
[ "$QBAD" -eq 0 ] || fail "querier: $QBAD of $QN queries unanswered or inconsistent"
read -r DN < /tmp/soak-disconnector.result

# percentile FILE P: nearest-rank P-th percentile of the numbers in FILE.
percentile() { sort -n "$1" | awk -v p="$2" '{ a[NR] = $1 } END { if (NR == 0) { print "-"; exit } r = int((p * NR + 99) / 100); if (r < 1) r = 1; print a[r] }'; }

echo "SOAK result cycles=$DONE failures=$(wc -l < /tmp/soak-failures) elapsed-ms=$ELAPSED" \
  "fds=$BASE_FDS->$END_FDS threads=$BASE_THREADS->$END_THREADS rss-kib=$BASE_RSS->$END_RSS own-kib=$BASE_OWN->$END_OWN" \
  "vcpu-fds=$END_VCPU_FDS vcpu-threads=$END_VCPU_THREADS device-deleted=$DELIVERED/$DELETES" \
  "racers=$RACERS racing-adds-checked=$WINS_CHECKED paused-plugs=$PAUSED_PLUGS paused-unplugs=$PAUSED_UNPLUGS checkpoints=$CHECKPOINTS" \
  "queries=$QOK/$QN disconnects=$DN"
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
grep -v -E '^parkway: (info|debug): ' /tmp/soak-vmm.err | head -n 40 | sed 's/^/SOAK vmm-stderr: /'
sed -n 's/.*memory trim .* paused \([0-9.]*\) ms.*/\1/p' /tmp/soak-vmm.err > $LAT.trim-pause
echo "SOAK trims count=$(wc -l < $LAT.trim-pause) pause-ms p50=$(percentile $LAT.trim-pause 50) p90=$(percentile $LAT.trim-pause 90) p99=$(percentile $LAT.trim-pause 99) max=$(percentile $LAT.trim-pause 100)"
grep 'memory trim' /tmp/soak-vmm.err | tail -n 3 | sed 's/^/SOAK trim: /'
grep -v '^parkway: debug: ' /tmp/soak-vmm.err | tail -n 15 | sed 's/^/SOAK vmm-stderr-tail: /'
# Was anything killed for lack of memory in the test host?
dmesg | grep -i -E "out of memory|killed process|oom" | head -n 5 | sed 's/^/SOAK dmesg: /'
