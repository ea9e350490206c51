# Runs inside the arm64 test host for scripts/bench-devices (busybox sh): the same Debian guest
# under Parkway and under QEMU (-accel kvm, -M virt, device tree boot, the same disk image and
# tap), once with the PL011 as console and once with a virtio console, and prints one Markdown
# table. Guest side: guest/init's parkway.bench (64 MiB O_DIRECT read + write on vda, 16 KiB of
# console text) and parkway.netbench (64 MiB each way over virtio-net with bin/netbench, timed by
# the receiver); boot = launch → the guest's CPU line, measured here with /proc/uptime (10 ms steps).
# usage: sh bench-devices.sh [ROUNDS]   (default 2)
# The host tests' scenario-lib.sh comes along as /bench/scenario-lib.sh (uptime_ms).
. /bench/scenario-lib.sh
ROUNDS=${1:-2}
Q=/bench/qemu
NET=/bench/net
DISK=/tmp/bench-disk.img
dd if=/dev/zero of=$DISK bs=1M count=72 2>/dev/null

# The tap both VMMs attach to, link-local only: this traffic never leaves the test host.
TAP=pkbench0
HOST_IP=169.254.20.1
GUEST_IP=169.254.20.2
MAC=52:54:00:12:34:56
insmod $NET/tun.ko 2>/dev/null
$NET/maketap $TAP && ifconfig $TAP $HOST_IP netmask 255.255.0.0 up || echo "bench: no tap, the network rows stay empty" >&2

# run NAME COMMAND...: runs a VMM to the guest's power-off, records boot ms, the guest's
# PARKWAY-BENCH values and the host-timed guest → host transfer as "NAME <key> <value>" lines in
# /tmp/results. The host's receiver (port 5001) listens before the VMM starts; its sender (to the
# guest's port 5002) starts when the guest says it listens.
run() {
  local name=$1 start pid boot= receiver sender= result
  shift
  $NET/netbench recv 5001 > /tmp/$name.host-rx 2>&1 &
  receiver=$!
  start=$(uptime_ms)
  "$@" > /tmp/$name.out 2> /tmp/$name.err &
  pid=$!
  while kill -0 $pid 2>/dev/null; do
    if [ -z "$boot" ] && grep -q "PARKWAY-GUEST possible=" /tmp/$name.out 2>/dev/null; then
      boot=$(( $(uptime_ms) - start ))
    fi
    if [ -z "$sender" ] && grep -q "PARKWAY-BENCH net-listening" /tmp/$name.out 2>/dev/null; then
      $NET/netbench send $GUEST_IP 5002 64 > /tmp/$name.host-tx 2>&1 &
      sender=$!
    fi
    sleep 0.05
  done
  wait $pid
  echo "$name exit=$? boot-ms=${boot:-?}" >&2
  kill $receiver 2>/dev/null; wait $receiver 2>/dev/null
  [ -n "$sender" ] && { kill $sender 2>/dev/null; wait $sender 2>/dev/null; }
  echo "$name boot-ms $boot" >> /tmp/results
  read -r result < /tmp/$name.host-rx
  case "$result" in
    "bytes=67108864 us="*) echo "$name net-tx-ms $(( ${result#*us=} / 1000 ))" >> /tmp/results ;;
    *) echo "$name: host receiver: $result" >&2 ;;
  esac
  grep "PARKWAY-BENCH net-" /tmp/$name.out | grep -v "net-rx-ms=" >&2
  sed -n 's/.*PARKWAY-BENCH \([a-z-]*-ms\)=\([0-9]*\).*/\1 \2/p' /tmp/$name.out | while read -r key value; do
    echo "$name $key $value" >> /tmp/results
  done
  grep -v "^x*$" /tmp/$name.err | head -n 5 >&2
}

CMD="parkway.virtio parkway.bench parkway.netbench=$GUEST_IP/16,$HOST_IP"
PARKWAY="parkway run --kernel /guest/Image --initramfs /guest/initrd --memory 512M --acpi off --cpus boot=1,max=1 --disk path=$DISK
  --net tap=$TAP,mac=$MAC"
QEMU="env LD_LIBRARY_PATH=$Q/lib $Q/qemu-system-aarch64 -accel kvm -M virt,gic-version=3 -cpu host -smp 1 -m 512M
  -nodefaults -no-user-config -display none -no-reboot -kernel /guest/Image -initrd /guest/initrd
  -drive file=$DISK,if=none,id=d0,format=raw -device virtio-blk-device,drive=d0
  -netdev tap,id=n0,ifname=$TAP,script=no,downscript=no -device virtio-net-device,netdev=n0,mac=$MAC"
run_parkway() {
  run parkway-pl011 $PARKWAY --cmdline "console=ttyAMA0 $CMD"
  run parkway-virtio $PARKWAY --console virtio --cmdline "console=hvc0 $CMD parkway.hvc"
}
run_qemu() {
  run qemu-pl011 $QEMU -serial stdio -append "console=ttyAMA0 $CMD"
  run qemu-virtio $QEMU -serial null -device virtio-serial-device -chardev stdio,id=c0 -device virtconsole,chardev=c0 \
    -append "console=hvc0 $CMD parkway.hvc"
}
: > /tmp/results
round=0
while [ $round -lt "$ROUNDS" ]; do
  round=$((round + 1))
  # Odd rounds start with Parkway, even ones with QEMU: a machine whose load drifts during the run
  # (it is shared) then favours neither.
  if [ $((round % 2)) = 1 ]; then run_parkway; run_qemu; else run_qemu; run_parkway; fi
done

sed 's/^/PARKWAY-BENCH-RAW /' /tmp/results

# The best of the rounds per (subject, key); throughputs from it.
awk '
  { key = $1 " " $2; if ($3 != "" && (!(key in best) || $3 + 0 < best[key])) best[key] = $3 + 0 }
  function v(s, k) { return ((s " " k) in best) ? best[s " " k] : 0 }
  function mbs(s, k, bytes) { t = v(s, k); return t > 0 ? bytes / 1048576 / (t / 1000) : 0 }
  # Disk and network rows: the best of every run of that VMM (the console is not on their path).
  function disk(vmm, k) { a = mbs(vmm "-pl011", k, 67108864); b = mbs(vmm "-virtio", k, 67108864); return a > b ? a : b }
  # How many times faster the boot is with the virtio console than with the PL011.
  function speedup(vmm) { a = v(vmm "-pl011", "boot-ms"); b = v(vmm "-virtio", "boot-ms"); return b > 0 ? a / b : 0 }
  function row(label, p, q, unit) {
    ratio = "n/a"
    if (q > 0) ratio = sprintf("%.2f×", p / q)
    printf "| %s | %.1f %s | %.1f %s | %s |\n", label, p, unit, q, unit, ratio
  }
  END {
    print "PARKWAY-BENCH-TABLE-BEGIN"
    print "| measure (best of the runs) | Parkway | QEMU | Parkway / QEMU |"
    print "|---|---|---|---|"
    row("disk sequential read, 64 MiB O_DIRECT", disk("parkway", "disk-read-ms"), disk("qemu", "disk-read-ms"), "MiB/s")
    row("disk sequential write, 64 MiB O_DIRECT + fsync", disk("parkway", "disk-write-ms"), disk("qemu", "disk-write-ms"), "MiB/s")
    row("network guest → host, 64 MiB TCP (timed by the host)", disk("parkway", "net-tx-ms"), disk("qemu", "net-tx-ms"), "MiB/s")
    row("network host → guest, 64 MiB TCP (timed by the guest)", disk("parkway", "net-rx-ms"), disk("qemu", "net-rx-ms"), "MiB/s")
    row("console, virtio (hvc0), 16 KiB", mbs("parkway-virtio", "console-ms", 16385) * 1024, mbs("qemu-virtio", "console-ms", 16385) * 1024, "KiB/s")
    row("console, PL011 (ttyAMA0), 16 KiB", mbs("parkway-pl011", "console-ms", 16385) * 1024, mbs("qemu-pl011", "console-ms", 16385) * 1024, "KiB/s")
    row("boot to /init CPU line, PL011 console", v("parkway-pl011", "boot-ms") / 1000, v("qemu-pl011", "boot-ms") / 1000, "s")
    row("boot to /init CPU line, virtio console", v("parkway-virtio", "boot-ms") / 1000, v("qemu-virtio", "boot-ms") / 1000, "s")
    p = speedup("parkway"); q = speedup("qemu"); ratio = "n/a"
    if (q > 0) ratio = sprintf("%.2f×", p / q)
    printf "| boot speed-up with the virtio console (PL011 boot ÷ virtio boot, higher is better) | %.2f× | %.2f× | %s |\n", p, q, ratio
    print "PARKWAY-BENCH-TABLE-END"
  }' /tmp/results
