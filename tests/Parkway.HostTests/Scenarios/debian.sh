# The Debian system guest (scripts/lib/build-debian-rootfs.sh): Debian's kernel, Debian's initramfs,
# systemd and udev on a virtio disk, a NIC on a tap (link-local only), the virtio console, ACPI.
# One guest, boot=1,max=4: systemd reaches multi-user; two CPUs plugged (Debian's udev onlines them,
# no project script does), one unplugged; the guest pings the host; root logs in on hvc0 and the
# guest reboots itself in the same Parkway process with its plugged set; system_powerdown; then the disk
# is checked with the image's own e2fsck. Every result is a "SCENARIO debian ..." line.
# In the test host: /debian/{vmlinuz,initrd.img,rootfs.img,e2fsck/} and /debian-net/{tun.ko,maketap}.
. /scenarios/scenario-lib.sh
SOCK=/tmp/qmp.sock
OUT=/tmp/debian.out
EVENTS=/tmp/debian-events.out

uptime_s() { cut -d' ' -f1 /proc/uptime; }

# wait_after MARK TEXT [TENTHS]: waits for a guest line containing TEXT after line MARK of $OUT.
wait_after() {
  local i=0 limit=${3:-1200}
  while [ $i -lt $limit ]; do
    tail -n +"$(($1 + 1))" $OUT | grep -q "$2" && return 0
    kill -0 $PID 2>/dev/null || return 1
    sleep 0.1
    i=$((i + 1))
  done
  return 1
}

# step NAME RESULT: one result line.
step() { echo "SCENARIO debian step $1 $2"; }

insmod /debian-net/tun.ko
/debian-net/maketap pdtap0 && ifconfig pdtap0 169.254.20.1 netmask 255.255.0.0 up
step tap "exit=$?"

# Parkway's stdin is the guest's hvc0 keyboard (`--serial stdio`, the default): a fifo opened
# read-write (never end of file), written to only once the getty has asked, as a user would type.
IN=/tmp/debian-in
mkfifo $IN
start=$(uptime_s)
parkway run --kernel /debian/vmlinuz --initramfs /debian/initrd.img --memory 1G --acpi on \
  --cpus boot=1,max=4 --disk path=/debian/rootfs.img --net tap=pdtap0 --console virtio \
  --qmp unix:$SOCK \
  --cmdline "console=hvc0 root=/dev/vda ro quiet parkway.ping=169.254.20.1 parkway.analyze" \
  <> $IN > $OUT 2> /tmp/debian.err &
PID=$!

if wait_for_line $OUT "PARKWAY-GUEST system=" $PID 6000; then
  now=$(uptime_s)
  step multi-user "seconds=$(awk -v a="$start" -v b="$now" 'BEGIN { printf "%.1f", b - a }')"
  parkway qmp --socket $SOCK --events 900 query-status > $EVENTS 2>&1 &
  LISTENER=$!
  wait_for_line $OUT "PARKWAY-GUEST ping " $PID 300

  mark=$(wc -l < $OUT)
  parkway qmp --socket $SOCK device_add driver=host-arm-cpu id=cpu1 socket-id=0 cluster-id=0 core-id=1 thread-id=0 >/dev/null
  parkway qmp --socket $SOCK device_add driver=host-arm-cpu id=cpu2 socket-id=0 cluster-id=0 core-id=2 thread-id=0 >/dev/null
  if wait_after $mark "online=0-2 enabled=0-2"; then step plugged ok; else step plugged timeout; fi
  parkway qmp --socket $SOCK query-cpus-fast | tr -d '\n ' | sed 's/^/SCENARIO debian cpus-fast /'
  echo

  mark=$(wc -l < $OUT)
  parkway qmp --socket $SOCK device_del id=cpu2 >/dev/null
  if wait_after $mark "online=0-1 enabled=0-1"; then step unplugged ok; else step unplugged timeout; fi
  i=0
  while [ $i -lt 100 ] && ! grep -q 'DEVICE_DELETED.*"cpu2"' $EVENTS; do sleep 0.1; i=$((i + 1)); done

  # The guest reboots itself: root logs in on hvc0 (Debian's getty, no password) and runs
  # `systemctl reboot`; systemd ends in PSCI SYSTEM_RESET. Parkway must stay the same process
  # (same PID, same start time), the listener above must get RESET on its open connection, and
  # the second boot must bring the plugged set (0-1) online again while cpu2 stays parked.
  started=$(cut -d' ' -f22 /proc/$PID/stat)
  if wait_for_line $OUT "login: " $PID 600; then
    mark=$(wc -l < $OUT)
    printf 'root\n' > $IN
    if wait_after $mark "root@parkway-debian" 300; then step reboot-login ok; else step reboot-login timeout; fi
    mark=$(wc -l < $OUT)
    printf 'systemctl reboot\n' > $IN
    i=0
    while [ $i -lt 1800 ] && ! grep -q '"RESET"' $EVENTS; do sleep 0.1; i=$((i + 1)); done
    if grep -q '"RESET"' $EVENTS; then step reboot-reset ok; else step reboot-reset timeout; fi
    if wait_after $mark "PARKWAY-GUEST system=" 3000 && wait_after $mark "online=0-1 enabled=0-1" 600; then
      step rebooted ok
    else
      step rebooted timeout
    fi
    now_started=$(cut -d' ' -f22 /proc/$PID/stat 2>/dev/null)
    step reboot-process "same=$([ "$now_started" = "$started" ] && echo yes || echo no) pid=$PID"
    parkway qmp --socket $SOCK query-cpus-fast | tr -d '\n ' | sed 's/^/SCENARIO debian cpus-fast-after-reboot /'
    echo
  else
    step reboot-login no-prompt
  fi

  # A press is only seen once systemd-logind watches the button's input device, which can come
  # well after systemd reports the system running (measured: logind started at 83 s, "Watching
  # system buttons on /dev/input/event0" at 101 s, after system=running); a press before that is
  # lost inside the guest (the GED's interrupt arrives, nobody reads the key). So root logs in on
  # hvc0 and waits for logind's line, as a user would wait for the machine to be up.
  mark=$(wc -l < $OUT)
  printf '\n' > $IN
  if wait_after $mark "login: " 600; then
    mark=$(wc -l < $OUT)
    printf 'root\n' > $IN
    if wait_after $mark "root@parkway-debian" 300; then
      mark=$(wc -l < $OUT)
      printf 'until journalctl -b -u systemd-logind | grep -q "Watching system buttons.*Power Button"; do sleep 1; done; echo button-"watched"\n' > $IN
      if wait_after $mark "button-watched" 1800; then step button-watched ok; else step button-watched timeout; fi
    fi
  fi
  parkway qmp --socket $SOCK system_powerdown >/dev/null
  # A guest that does not power off must not hang the scenario: report what it and Parkway said.
  i=0
  while kill -0 $PID 2>/dev/null && [ $i -lt 240 ]; do sleep 1; i=$((i + 1)); done
  if kill -0 $PID 2>/dev/null; then
    step powerdown timeout
    # What the guest saw of the power button: root logs in on hvc0 again (the second boot's getty)
    # and prints the GED's interrupt count and the kernel's button lines.
    mark=$(wc -l < $OUT)
    printf 'root\n' > $IN
    if wait_after $mark "root@parkway-debian" 300; then
      mark=$(wc -l < $OUT)
      # Quoted in the command the console echoes, so only the output lines hold "diag-seen".
      printf 'echo diag-"seen" $(grep -i ged /proc/interrupts | tr -s " "); journalctl -b --no-pager -o short-monotonic -u systemd-logind | tail -n 8 | sed "s/^/diag-""seen /"\n' > $IN
      sleep 8
      tail -n +"$((mark + 1))" $OUT | grep -a -o "diag-seen.*" | sed 's/^/SCENARIO debian /'
      # A second press now that the guest has been up for minutes.
      parkway qmp --socket $SOCK system_powerdown >/dev/null
      i=0
      while kill -0 $PID 2>/dev/null && [ $i -lt 120 ]; do sleep 1; i=$((i + 1)); done
      step second-press "$(kill -0 $PID 2>/dev/null && echo timeout || echo powered-off)"
    fi
    parkway qmp --socket $SOCK query-status | tr -d '\n ' | sed 's/^/SCENARIO debian status-at-timeout /'; echo
    tail -n 30 $OUT | sed 's/^/SCENARIO debian tail-out: /'
    tail -n 30 /tmp/debian.err | sed 's/^/SCENARIO debian tail-err: /'
    ls /proc/$PID/task 2>/dev/null | while read t; do echo "SCENARIO debian thread $(cat /proc/$PID/task/$t/comm) $(cut -d' ' -f3 /proc/$PID/task/$t/stat)"; done
    kill $PID 2>/dev/null
  fi
else
  step multi-user timeout
  kill $PID 2>/dev/null
fi
wait $PID
rc=$?
sleep 0.5
kill $LISTENER 2>/dev/null
echo "SCENARIO debian exit=$rc"
sed 's/^/SCENARIO debian events: /' $EVENTS 2>/dev/null
report debian

/debian/e2fsck/ld-linux-aarch64.so.1 --library-path /debian/e2fsck /debian/e2fsck/e2fsck -fn /debian/rootfs.img \
  > /tmp/fsck.out 2>&1
echo "SCENARIO fsck exit=$?"
sed 's/^/SCENARIO fsck stdout: /' /tmp/fsck.out
