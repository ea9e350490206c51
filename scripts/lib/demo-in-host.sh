#!/bin/sh
# The demo's story, told inside the arm64 test host (busybox sh; scripts/demo copies it in).
# Parkway boots a Debian 12 system (Debian's kernel and initramfs, systemd and udev, its root on a
# virtio disk: scripts/lib/build-debian-rootfs.sh, copied in at /debian) with 2 of 8 possible CPUs
# plugged (every possible vCPU exists in KVM; the unplugged ones are parked), then plugs two CPUs
# and unplugs one over QMP, then the guest reboots itself and comes back with the same plugged set.
# After each step it shows the guest's view from its own console (the
# image's parkway-guest unit prints nproc and the CPU lists; Debian's udev onlines new CPUs) and the
# host's view (KVM vCPU descriptors = created, vcpu* threads = running).
OUT=/tmp/parkway.out
LOG=/tmp/parkway.log
SOCK=/tmp/parkway.qmp
EVENTS=/tmp/parkway.events
# Parkway's stdin is the guest's hvc0 keyboard: a fifo opened read-write (never end of file).
IN=/tmp/parkway.in
WAIT_LIMIT=400

say() { echo "$*"; }
qmp() { say "   \$ parkway qmp --socket $SOCK $*"; parkway qmp --socket $SOCK "$@" 2>&1 | sed 's/^/     /'; }

# host_view: created vs running vCPUs of the parkway process.
host_view() {
  fds=0
  for fd in /proc/"$PID"/fd/*; do
    case "$(readlink "$fd" 2>/dev/null)" in anon_inode:kvm-vcpu*) fds=$((fds + 1)) ;; esac
  done
  threads=0
  names=""
  for comm in /proc/"$PID"/task/*/comm; do
    name=$(cat "$comm" 2>/dev/null) || continue
    case "$name" in vcpu*) threads=$((threads + 1)); names="$names $name" ;; esac
  done
  say "   host:  KVM vCPUs created $fds, running $threads (${names# }), parked $((fds - threads))"
}

# guest_view TEXT: waits until the guest prints a CPU line containing TEXT after the last mark.
mark() { MARK=$(wc -l < "$OUT"); }
guest_view() {
  i=0
  while [ $i -lt $((WAIT_LIMIT * 10)) ]; do
    # Not anchored: the guest's getty shares the console, and its "login: " prompt (no newline)
    # can end up in front of the next line.
    line=$(tail -n +"$((MARK + 1))" "$OUT" | tr -d '\r' | grep "PARKWAY-GUEST .*$1" | tail -n 1)
    if [ -n "$line" ]; then
      say "   guest: ${line#*PARKWAY-GUEST }"
      return 0
    fi
    kill -0 "$PID" 2>/dev/null || break
    sleep 0.1
    i=$((i + 1))
  done
  say "   guest: did not report \"$1\" in time; parkway's output:"
  sed 's/^/   | /' "$OUT" "$LOG"
  exit 1
}

# wait_text TEXT: waits until parkway's output shows TEXT after the last mark (a prompt, no newline).
wait_text() {
  i=0
  while [ $i -lt $((WAIT_LIMIT * 10)) ]; do
    tail -n +"$((MARK + 1))" "$OUT" | grep -q "$1" && return 0
    kill -0 "$PID" 2>/dev/null || break
    sleep 0.1
    i=$((i + 1))
  done
  say "   guest: did not show \"$1\" in time; parkway's output:"
  sed 's/^/   | /' "$OUT" "$LOG"
  exit 1
}

say "== Parkway demo: vCPU hot-plug on arm64, real KVM =="
say "test host: Linux $(uname -r) ($(uname -m)), /dev/kvm $([ -c /dev/kvm ] && echo present || echo MISSING)"
say ""
say "1. Boot Debian 12 (systemd, udev, root on a virtio disk) with 2 CPUs plugged and 8 possible"
say "   \$ parkway run --kernel /debian/vmlinuz --initramfs /debian/initrd.img --disk path=/debian/rootfs.img --console virtio --cpus boot=2,max=8 --memory 1G --qmp unix:$SOCK --cmdline \"console=hvc0 root=/dev/vda ro quiet\" <> $IN"
start=$(date +%s)
mkfifo "$IN"
parkway run --kernel /debian/vmlinuz --initramfs /debian/initrd.img --disk path=/debian/rootfs.img \
  --console virtio --cpus boot=2,max=8 --memory 1G \
  --qmp unix:$SOCK --cmdline "console=hvc0 root=/dev/vda ro quiet" <> "$IN" > "$OUT" 2> "$LOG" &
PID=$!
MARK=0
guest_view "possible="
guest_view "system="
say "   (systemd up $(( $(date +%s) - start )) s after launch)"
host_view
say ""

say "2. Plug two CPUs (slots 2 and 3: core-id 2 and 3)"
mark
qmp device_add driver=host-arm-cpu id=cpu2 socket-id=0 cluster-id=0 core-id=2 thread-id=0
qmp device_add driver=host-arm-cpu id=cpu3 socket-id=0 cluster-id=0 core-id=3 thread-id=0
guest_view "online=0-3 enabled=0-3 nproc=4"
host_view
say ""

say "3. Unplug one (cpu2): the guest offlines and ejects it, its vCPU goes back to the parking lot"
mark
qmp device_del id=cpu2
guest_view "online=0-1,3 enabled=0-1,3 nproc=3"
sleep 0.5
host_view
say "   the slots as QMP reports them:"
parkway qmp --socket $SOCK query-cpus-powerstate 2>&1 | tr -d ' ",{}[]' | grep -E 'cpu-index|admin-state|oper-state' \
  | paste - - - | awk '{printf "     %s %s %s\n", $1, $2, $3}'
say ""

say "4. Reboot from inside: root logs in on the guest's console (hvc0) and runs systemctl reboot"
# A QMP client that stays connected across the reboot: it must get RESET on the same connection.
parkway qmp --socket $SOCK --events 600 query-status > "$EVENTS" 2>&1 &
LISTENER=$!
started=$(cut -d' ' -f22 /proc/"$PID"/stat)
# The first login prompt went by during step 1; an empty line makes getty print it again.
mark
printf '\n' > "$IN"
wait_text "login: "
mark
say "   hvc0> root"
printf 'root\n' > "$IN"
wait_text "root@parkway-debian"
mark
say "   hvc0> systemctl reboot"
printf 'systemctl reboot\n' > "$IN"
i=0
while [ $i -lt $((WAIT_LIMIT * 10)) ] && ! grep -q '"RESET"' "$EVENTS"; do sleep 0.1; i=$((i + 1)); done
say "   qmp event on the connection opened before the reboot: RESET $(grep '"RESET"' "$EVENTS" | head -n 1 | grep -o '"data": *{[^}]*}')"
guest_view "possible="
guest_view "system="
guest_view "online=0-1,3 enabled=0-1,3 nproc=3"
if [ "$(cut -d' ' -f22 /proc/"$PID"/stat 2>/dev/null)" = "$started" ]; then
  say "   the same parkway process (pid $PID) before and after: the plugged set came back, cpu2 stayed parked"
else
  say "   parkway pid $PID is not the process that booted the guest"
  exit 1
fi
host_view
kill "$LISTENER" 2>/dev/null
say ""

say "5. Power down through the ACPI power button: systemd shuts down, then PSCI SYSTEM_OFF"
# systemd-logind may start watching the button well after systemd says "running" (a press before
# that is lost inside the guest), so root logs in again and waits for logind's line first.
mark
printf '\n' > "$IN"
wait_text "login: "
mark
say "   hvc0> root; wait until systemd-logind watches the power button"
printf 'root\n' > "$IN"
wait_text "root@parkway-debian"
mark
printf 'until journalctl -b -u systemd-logind | grep -q "Watching system buttons.*Power Button"; do sleep 1; done; echo button-"watched"\n' > "$IN"
wait_text "button-watched"
qmp system_powerdown
wait "$PID"
code=$?
say "   parkway exited with code $code after $(( $(date +%s) - start )) s"
exit "$code"
