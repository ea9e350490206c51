# Runs inside the arm64 test host for scripts/bench-devices (busybox sh): the same Debian guest
# under Parkway and under QEMU (-accel kvm, -M virt, device tree boot, the same disk image), once
# with the PL011 as console and once with a virtio console, and prints one Markdown table.
# Guest side: guest/init's parkway.bench (64 MiB O_DIRECT read + write on vda, 16 KiB of console
# text); boot = launch → the guest's CPU line, measured here with /proc/uptime (10 ms steps).
Q=/bench/qemu
DISK=/tmp/bench-disk.img
dd if=/dev/zero of=$DISK bs=1M count=72 2>/dev/null

now_ms() {
  local up rest
  read -r up rest < /proc/uptime
  echo $(( ${up%.*} * 1000 + 1${up#*.}0 - 1000 ))
}

# run NAME COMMAND...: runs a VMM to the guest's power-off, records boot ms and the guest's
# PARKWAY-BENCH values as NAME.<key> lines in /tmp/results.
run() {
  local name=$1 start pid boot=
  shift
  start=$(now_ms)
  "$@" > /tmp/$name.out 2> /tmp/$name.err &
  pid=$!
  while kill -0 $pid 2>/dev/null; do
    if [ -z "$boot" ] && grep -q "PARKWAY-GUEST possible=" /tmp/$name.out 2>/dev/null; then
      boot=$(( $(now_ms) - start ))
    fi
    sleep 0.05
  done
  wait $pid
  echo "$name exit=$? boot-ms=${boot:-?}" >&2
  echo "$name boot-ms $boot" >> /tmp/results
  sed -n 's/.*PARKWAY-BENCH \([a-z-]*-ms\)=\([0-9]*\).*/\1 \2/p' /tmp/$name.out | while read -r key value; do
    echo "$name $key $value" >> /tmp/results
  done
  grep -v "^x*$" /tmp/$name.err | head -n 5 >&2
}

CMD="parkway.virtio parkway.bench"
PARKWAY="parkway run --kernel /guest/Image --initramfs /guest/initrd --memory 512M --acpi off --cpus boot=1,max=1 --disk path=$DISK"
QEMU="env LD_LIBRARY_PATH=$Q/lib $Q/qemu-system-aarch64 -accel kvm -M virt,gic-version=3 -cpu host -smp 1 -m 512M
  -nodefaults -no-user-config -display none -no-reboot -kernel /guest/Image -initrd /guest/initrd
  -drive file=$DISK,if=none,id=d0,format=raw -device virtio-blk-device,drive=d0"
: > /tmp/results
for round in 1 2; do
  run parkway-pl011 $PARKWAY --cmdline "console=ttyAMA0 $CMD"
  run parkway-virtio $PARKWAY --console virtio --cmdline "console=hvc0 $CMD parkway.hvc"
  run qemu-pl011 $QEMU -serial stdio -append "console=ttyAMA0 $CMD"
  run qemu-virtio $QEMU -serial null -device virtio-serial-device -chardev stdio,id=c0 -device virtconsole,chardev=c0 \
    -append "console=hvc0 $CMD parkway.hvc"
done

sed 's/^/PARKWAY-BENCH-RAW /' /tmp/results

# The best of the rounds per (subject, key); throughputs from it.
awk '
  { key = $1 " " $2; if ($3 != "" && (!(key in best) || $3 + 0 < best[key])) best[key] = $3 + 0 }
  function v(s, k) { return ((s " " k) in best) ? best[s " " k] : 0 }
  function mbs(s, k, bytes) { t = v(s, k); return t > 0 ? bytes / 1048576 / (t / 1000) : 0 }
  # Disk rows: the best of every run of that VMM (the console does not touch the disk path).
  function disk(vmm, k) { a = mbs(vmm "-pl011", k, 67108864); b = mbs(vmm "-virtio", k, 67108864); return a > b ? a : b }
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
    row("console, virtio (hvc0), 16 KiB", mbs("parkway-virtio", "console-ms", 16385) * 1024, mbs("qemu-virtio", "console-ms", 16385) * 1024, "KiB/s")
    row("console, PL011 (ttyAMA0), 16 KiB", mbs("parkway-pl011", "console-ms", 16385) * 1024, mbs("qemu-pl011", "console-ms", 16385) * 1024, "KiB/s")
    row("boot to /init CPU line, PL011 console", v("parkway-pl011", "boot-ms") / 1000, v("qemu-pl011", "boot-ms") / 1000, "s")
    row("boot to /init CPU line, virtio console", v("parkway-virtio", "boot-ms") / 1000, v("qemu-virtio", "boot-ms") / 1000, "s")
    print "PARKWAY-BENCH-TABLE-END"
  }' /tmp/results
