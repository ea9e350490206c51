# Runs inside the arm64 test host for scripts/bench-snapshot (busybox sh): the busybox test guest
# (parkway.watch: idle, its watch loop running) under Parkway and under QEMU with the same memory
# and the same number of possible CPUs (Parkway: boot=1,max=N with parked slots; QEMU: -smp N with
# the guest's maxcpus=1, so all N vCPUs exist in KVM there too), device tree boot, PL011 console.
# Each case: boot, wait for the guest, save, quit, restore in a new process, wait for running,
# quit. Prints one Markdown table.
Q=/bench/qemu
QEMU="env LD_LIBRARY_PATH=$Q/lib $Q/qemu-system-aarch64"
CMD="console=ttyAMA0 quiet parkway.watch"
# The host tests' scenario-lib.sh comes along as /bench/scenario-lib.sh (uptime_ms, wait_for_line).
. /bench/scenario-lib.sh

# until_running SOCKET PID: polls query-status until the VMM says running (the poll's own cost,
# one parkway qmp process, is the resolution).
until_running() {
  local i=0
  while [ $i -lt 20000 ]; do
    parkway qmp --socket "$1" query-status 2>/dev/null | grep -q '"running": true' && return 0
    kill -0 "$2" 2>/dev/null || return 1
    i=$((i + 1))
  done
  return 1
}

# size FILE: "apparent allocated" bytes.
size() { echo "$(stat -c %s "$1") $(( $(stat -c %b "$1") * $(stat -c %B "$1") ))"; }

# total_time FILE: query-migrate's total-time from a saved reply.
total_time() { sed -n 's/.*"total-time": *\([0-9]*\).*/\1/p' "$1" | head -n 1; }

result() { echo "$*" >> /tmp/results; echo "bench: $*" >&2; }

parkway_case() {
  local mem=$1 max=$2 pid t0 t1 save sizes
  rm -f /tmp/p.snap /tmp/p1.sock /tmp/p2.sock
  parkway run --kernel /guest/Image --initramfs /guest/initrd --memory $mem --acpi off --cpus boot=1,max=$max \
    --cmdline "$CMD" --qmp unix:/tmp/p1.sock > /tmp/p1.out 2> /tmp/p1.err &
  pid=$!
  if ! wait_for_line /tmp/p1.out "PARKWAY-GUEST ready" $pid 6000; then
    echo "bench: parkway $mem $max did not boot" >&2; tail -n 5 /tmp/p1.err >&2; kill $pid 2>/dev/null; return
  fi
  sleep 2
  parkway snapshot --socket /tmp/p1.sock /tmp/p.snap > /tmp/p.save 2>&1
  save=$(total_time /tmp/p.save)
  parkway qmp --socket /tmp/p1.sock quit > /dev/null 2>&1
  wait $pid
  sizes=$(size /tmp/p.snap)
  t0=$(uptime_ms)
  parkway run --incoming file:/tmp/p.snap --qmp unix:/tmp/p2.sock > /tmp/p2.out 2> /tmp/p2.err &
  pid=$!
  if until_running /tmp/p2.sock $pid; then t1=$(uptime_ms); else t1=; tail -n 5 /tmp/p2.err >&2; fi
  parkway qmp --socket /tmp/p2.sock quit > /dev/null 2>&1
  wait $pid
  result "parkway $mem $max ${save:-?} $([ -n "$t1" ] && echo $((t1 - t0)) || echo ?) $sizes"
  rm -f /tmp/p.snap
}

qemu_case() {
  local mem=$1 max=$2 pid t0 t1 save sizes i
  rm -f /tmp/q.snap /tmp/q1.sock /tmp/q2.sock
  set -- -accel kvm -M virt,gic-version=3 -cpu host -smp $max -m $mem -nodefaults -no-user-config -display none \
    -no-reboot -kernel /guest/Image -initrd /guest/initrd -append "$CMD maxcpus=1"
  $QEMU "$@" -serial file:/tmp/q1.out -qmp unix:/tmp/q1.sock,server=on,wait=off 2> /tmp/q1.err &
  pid=$!
  if ! wait_for_line /tmp/q1.out "PARKWAY-GUEST ready" $pid 6000; then
    echo "bench: qemu $mem $max did not boot" >&2; tail -n 5 /tmp/q1.err >&2; kill $pid 2>/dev/null; return
  fi
  sleep 2
  parkway qmp --socket /tmp/q1.sock migrate "uri=exec:cat > /tmp/q.snap" > /dev/null 2>&1
  i=0
  while [ $i -lt 6000 ]; do
    parkway qmp --socket /tmp/q1.sock query-migrate > /tmp/q.save 2>&1
    grep -q '"status": "\(completed\|failed\)"' /tmp/q.save && break
    sleep 0.1
    i=$((i + 1))
  done
  save=$(total_time /tmp/q.save)
  parkway qmp --socket /tmp/q1.sock quit > /dev/null 2>&1
  wait $pid
  sizes=$(size /tmp/q.snap)
  t0=$(uptime_ms)
  $QEMU "$@" -serial file:/tmp/q2.out -qmp unix:/tmp/q2.sock,server=on,wait=off -incoming "exec:cat /tmp/q.snap" 2> /tmp/q2.err &
  pid=$!
  if until_running /tmp/q2.sock $pid; then t1=$(uptime_ms); else t1=; tail -n 5 /tmp/q2.err >&2; fi
  parkway qmp --socket /tmp/q2.sock quit > /dev/null 2>&1
  wait $pid
  result "qemu $mem $max ${save:-?} $([ -n "$t1" ] && echo $((t1 - t0)) || echo ?) $sizes"
  rm -f /tmp/q.snap
}

: > /tmp/results
for mem in 256M 1G; do
  for max in 8 64; do
    parkway_case $mem $max
    qemu_case $mem $max
  done
done
sed 's/^/PARKWAY-BENCH-RAW /' /tmp/results

awk '
  function mib(b) { return b == "" ? "?" : sprintf("%.1f MiB", b / 1048576) }
  function sec(ms) { return ms == "?" ? "?" : sprintf("%.2f s", ms / 1000) }
  { key = $2 " " $3; vmm[$1 " " key] = 1; save[$1 " " key] = $4; restore[$1 " " key] = $5; apparent[$1 " " key] = $6; allocated[$1 " " key] = $7
    if (!(key in seen)) { seen[key] = 1; order[n++] = key } }
  END {
    print "PARKWAY-BENCH-TABLE-BEGIN"
    print "| guest (memory, max CPUs) | VMM | save (guest stopped) | restore to running | file: apparent | file: allocated |"
    print "|---|---|---|---|---|---|"
    for (i = 0; i < n; i++) {
      split(order[i], k, " ")
      for (j = 0; j < 2; j++) {
        v = j == 0 ? "parkway" : "qemu"; id = v " " order[i]
        if (!(id in vmm)) { printf "| %s, max %s | %s | failed | | | |\n", k[1], k[2], v; continue }
        printf "| %s, max %s | %s | %s | %s | %s | %s |\n", k[1], k[2], v == "parkway" ? "Parkway" : "QEMU 7.2", sec(save[id]), sec(restore[id]), mib(apparent[id]), mib(allocated[id])
      }
    }
    print "PARKWAY-BENCH-TABLE-END"
  }' /tmp/results
