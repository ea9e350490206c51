# virtio-net on a tap inside the test host (link-local 169.254.0.0/16 only), and CPU hot-plug of a
# guest that has a disk and a NIC attached. One guest: it checks its disk, pings the tap, sends
# 2 MiB to the host and receives 2 MiB from it, then enters watch mode; CPU 1 is plugged and
# unplugged over QMP and the guest is powered down with the ACPI power button.
. /scenarios/scenario-lib.sh
SOCK=/tmp/qmp.sock
OUT=/tmp/net-hotplug.out

# wait_after MARK TEXT: waits for a guest line containing TEXT after line MARK of $OUT.
wait_after() {
  local i=0
  while [ $i -lt 900 ]; do
    tail -n +"$(($1 + 1))" $OUT | grep -q "$2" && return 0
    kill -0 $PID 2>/dev/null || return 1
    sleep 0.1
    i=$((i + 1))
  done
  return 1
}

insmod /net/tun.ko
/net/maketap pktap0 && ifconfig pktap0 169.254.10.1 netmask 255.255.0.0 up
echo "SCENARIO tap exit=$?"

# stdin that does not end: on stdin EOF busybox nc half-closes, and the guest's nc would stop
# sending. The timeouts keep a stalled transfer from hanging the session.
# Its stdin: a fifo opened read-write, which never reports end of file.
mkfifo /tmp/net-hold
timeout 360 nc -l -p 5001 <> /tmp/net-hold > /tmp/from-guest 2>/dev/null &
parkway run $GUEST_ARGS --acpi on --cpus boot=1,max=2 --seccomp on --disk path=/net/d.img --net tap=pktap0 \
  --qmp unix:$SOCK --cmdline "console=ttyAMA0 quiet parkway.virtio parkway.disk parkway.net=169.254.10.2/16,169.254.10.1 parkway.watch" \
  > $OUT 2> /tmp/net-hotplug.err &
PID=$!
if wait_for_line $OUT "PARKWAY-NET listening" $PID 2400; then
  # The guest says "listening" after its send finished, which waits for our listener to close.
  start=$(date +%s)
  timeout 120 nc 169.254.10.2 5002 < /net/to-guest > /dev/null
  echo "SCENARIO net-hotplug host-sent seconds=$(( $(date +%s) - start ))"
fi
sum=$(sha256sum < /tmp/from-guest)
echo "SCENARIO net-hotplug host-received bytes=$(wc -c < /tmp/from-guest) sha256=${sum%% *}"

if wait_for_line $OUT "PARKWAY-GUEST ready" $PID 1800; then
  mark=$(wc -l < $OUT)
  parkway qmp --socket $SOCK device_add driver=host-arm-cpu id=cpu1 socket-id=0 cluster-id=0 core-id=1 thread-id=0 >/dev/null
  wait_after $mark "online=0-1 enabled=0-1" && echo "SCENARIO net-hotplug plugged"
  mark=$(wc -l < $OUT)
  parkway qmp --socket $SOCK device_del id=cpu1 >/dev/null
  wait_after $mark "online=0 enabled=0" && echo "SCENARIO net-hotplug unplugged"
fi
parkway qmp --socket $SOCK system_powerdown >/dev/null
wait $PID
echo "SCENARIO net-hotplug exit=$?"
grep pktap0 /proc/net/dev | sed 's/^/SCENARIO net-hotplug tap-stats /'
report net-hotplug
