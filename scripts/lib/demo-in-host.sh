#!/bin/sh
# The demo's story, told inside the arm64 test host (busybox sh; scripts/demo copies it in).
# Parkway boots a guest with 2 of 8 possible CPUs plugged; while the guest holds, we look at the
# parkway process from the host side: every possible vCPU exists in KVM, only the plugged ones
# have a thread.
OUT=/tmp/parkway.out
HOLD=4
BOOT_CPUS=2
MAX_CPUS=8
WAIT_LIMIT=120

say() { echo "$*"; }
# Serial output arrives with CRLF line ends.
guest_line() { tr -d '\r' < "$OUT" | grep -m 1 "$1"; }

say "== Parkway demo: arm64 vCPU pre-creation and parking on real KVM =="
say "test host: Linux $(uname -r) ($(uname -m)), $(nproc) CPUs, /dev/kvm: $([ -c /dev/kvm ] && echo present || echo MISSING)"
say ""
say "1. Start the VM: $BOOT_CPUS CPUs plugged, $MAX_CPUS possible."
set -- run --kernel /guest/Image --initramfs /guest/initrd --cmdline "quiet parkway.hold=$HOLD" \
  --cpus "boot=$BOOT_CPUS,max=$MAX_CPUS" --memory 512M --serial stdio
say "   \$ parkway run --kernel /guest/Image --initramfs /guest/initrd --cmdline \"quiet parkway.hold=$HOLD\" --cpus boot=$BOOT_CPUS,max=$MAX_CPUS --memory 512M --serial stdio"
start=$(date +%s)
parkway "$@" > "$OUT" 2>&1 &
pid=$!

# Poll parkway's output until the guest says it is holding (or parkway ends / we give up).
waited=0
while ! grep -q 'PARKWAY-GUEST holding' "$OUT" 2>/dev/null; do
  if ! kill -0 "$pid" 2>/dev/null; then
    wait "$pid"; code=$?
    say "   parkway exited (code $code) before the guest was up. Its output:"
    sed 's/^/   | /' "$OUT"
    exit 1
  fi
  if [ "$waited" -ge $((WAIT_LIMIT * 5)) ]; then
    say "   the guest did not report within $WAIT_LIMIT s. parkway's output so far:"
    sed 's/^/   | /' "$OUT"
    kill "$pid"
    exit 1
  fi
  sleep 0.2
  waited=$((waited + 1))
done
say "   the guest booted and is holding for $HOLD s ($(( $(date +%s) - start )) s after launch)"
say ""

say "2. What the guest kernel sees:"
say "   $(guest_line '^PARKWAY-GUEST possible=')"
say ""

say "3. What the host sees in the parkway process (pid $pid):"
vcpu_fds=0
for fd in /proc/"$pid"/fd/*; do
  case "$(readlink "$fd" 2>/dev/null)" in anon_inode:kvm-vcpu*) vcpu_fds=$((vcpu_fds + 1)) ;; esac
done
vcpu_threads=0
thread_names=""
for comm in /proc/"$pid"/task/*/comm; do
  name=$(cat "$comm" 2>/dev/null) || continue
  case "$name" in vcpu*) vcpu_threads=$((vcpu_threads + 1)); thread_names="$thread_names $name" ;; esac
done
say "   KVM vCPUs created (anon_inode:kvm-vcpu file descriptors): $vcpu_fds   (expected $MAX_CPUS: one per possible CPU)"
say "   vCPU threads running:                                   $vcpu_threads   (expected $BOOT_CPUS: one per plugged CPU;${thread_names:- none})"
say "   parked vCPUs (created, no thread):                      $((vcpu_fds - vcpu_threads))"
say ""

say "4. Wait for the guest to power off."
wait "$pid"
code=$?
say "   parkway exited with code $code after $(( $(date +%s) - start )) s"
other=$(tr -d '\r' < "$OUT" | grep -v '^PARKWAY-' | grep -c .)
[ "$other" -eq 0 ] || { say "   (parkway printed $other other lines:)"; tr -d '\r' < "$OUT" | grep -v '^PARKWAY-' | sed 's/^/   | /'; }
exit "$code"
