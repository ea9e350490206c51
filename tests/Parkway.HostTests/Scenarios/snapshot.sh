# Snapshot and restore of a live guest with a mixed plugged set (boot=1,max=4) and virtio devices
# (a disk, a NIC on a tap, vsock, and the virtio console, which carries the guest's console both
# ways): plug cpu1 and cpu2, unplug cpu2, the guest uses every device on commands typed on hvc0
# (disk read and write, ping over the tap, a vsock connection each way), save with
# `parkway snapshot`, quit; refused restores (changed max, damaged and truncated files, missing or
# different devices); restore in a new process, the devices again, plug cpu3; save that machine
# again and restore it in a third process, the devices again, unplug cpu1, power down; the
# image's bytes are then read back here.
# The fixture brings /snapdev: tun.ko, maketap, and the vsock helpers (guest-tools.cpio with
# vsock-guest, hybrid-connect, unix-echo).
# Each step prints "STEP <name> ..." lines for the xunit side.
. /scenarios/scenario-lib.sh
# The current VM (the lib's helpers use SOCK, OUT, PID; use_devices FIFO): each process has its
# own socket, output, fifo (its stdin) and event file, numbered 1, 2, 3.
SOCK=/tmp/qmp1.sock
OUT=/tmp/guest1.out
FIFO=/tmp/hvc-in1
SNAP=/tmp/vm.snap
DISK=/tmp/snapdisk.img
VSOCK=/tmp/vsock.sock
DEVICES="--console virtio --disk path=$DISK --net tap=pktap0 --vsock cid=3,socket=$VSOCK"
dd if=/dev/urandom of=$DISK bs=1M count=8 2>/dev/null
mkfifo /tmp/hvc-in1 /tmp/hvc-in2 /tmp/hvc-in3
# The tap (link-local only) outlives each process, as an orchestrator's would; the guest's
# initramfs gains /bin/vsock-guest (the kernel unpacks concatenated archives in order).
insmod /snapdev/tun.ko
/snapdev/maketap pktap0 && ifconfig pktap0 169.254.30.1 netmask 255.255.0.0 up
echo "STEP tap exit=$?"
cat /guest/initrd /snapdev/guest-tools.cpio > /tmp/initrd-snap

# use_devices N: round N of the guest's device commands, typed on hvc0 through the current VM's
# fifo ($FIFO): the disk, a ping of the tap, vsock guest -> host (unix-echo on the host port's
# path) and host -> guest (hybrid-connect to a port the guest listens on). Steps diskN, netN,
# vsock-outN, vsock-inN.
use_devices() {
  local n=$1 echo_pid i=0
  mark
  echo "disk $n" > $FIFO
  expect_guest disk$n "PARKWAY-DISKLOOP $n wrote2m"
  mark
  echo "net $n 169.254.30.2/16 169.254.30.1" > $FIFO
  expect_guest net$n "PARKWAY-NETLOOP $n ping=[a-z]+"
  since_mark | grep "PARKWAY-NETLOOP $n " | sed "s/^/STEP net$n guest: /"
  /snapdev/unix-echo ${VSOCK}_5000 > /tmp/unix-echo.out 2>&1 &
  echo_pid=$!
  sleep 0.5
  mark
  echo "vsock-out $n 5000 300000" > $FIFO
  expect_guest vsock-out$n "PARKWAY-VSOCK guest-sent"
  since_mark | grep "PARKWAY-VSOCK guest-sent" | sed "s/^/STEP vsock-out$n guest: /"
  # unix-echo ends once it has echoed everything; if the guest never came, it is stopped here.
  while kill -0 $echo_pid 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
  kill $echo_pid 2>/dev/null
  wait $echo_pid
  echo "STEP vsock-out$n echo-exit=$?"
  sed "s/^/STEP vsock-out$n host: /" /tmp/unix-echo.out
  mark
  echo "vsock-in $n 1234" > $FIFO
  if expect_guest vsock-in$n "PARKWAY-VSOCK listening port=1234"; then
    /snapdev/hybrid-connect $VSOCK 1234 300000 > /tmp/hybrid.out 2>&1
    echo "STEP vsock-in$n exit=$?"
    sed "s/^/STEP vsock-in$n host: /" /tmp/hybrid.out
  fi
}

# wait_socket: a restored process has just been started; wait for its QMP socket.
wait_socket() {
  local i=0
  while [ ! -S $SOCK ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
  sleep 2
}

# The virtio console is Parkway's stdin (a fifo opened read-write: no end of file) and stdout.
parkway run --kernel /guest/Image --initramfs /tmp/initrd-snap --memory 512M --cpus boot=1,max=4 $DEVICES \
  --cmdline "console=hvc0 quiet parkway.virtio parkway.vsock parkway.hvc parkway.disk parkway.diskloop parkway.watch" \
  --qmp unix:$SOCK --log-level info <> $FIFO > $OUT 2> /tmp/vmm1.err &
PID=$!
if ! wait_for_line $OUT "PARKWAY-GUEST ready" $PID; then
  echo "STEP boot failed"
  cat /tmp/vmm1.err $OUT
  exit 1
fi
echo "STEP boot ok"
parkway qmp --socket $SOCK --events 900 query-status > /tmp/events1.out 2>&1 &
LISTENER=$!
sleep 1

mark
request plug1 device_add driver=host-arm-cpu id=cpu1 socket-id=0 cluster-id=0 core-id=1 thread-id=0
request plug2 device_add driver=host-arm-cpu id=cpu2 socket-id=0 cluster-id=0 core-id=2 thread-id=0
expect_guest plugged "online=0-2 enabled=0-2"
mark
request unplug2 device_del id=cpu2
expect_guest unplugged "online=0-1 enabled=0-1"
sleep 1
use_devices 1
counts saved
request powerstate-saved query-cpus-powerstate

parkway snapshot --socket $SOCK $SNAP > /tmp/snap.out 2> /tmp/snap.err
echo "STEP snapshot exit=$?"
sed 's/^/STEP snapshot stdout: /' /tmp/snap.out
sed 's/^/STEP snapshot stderr: /' /tmp/snap.err
request status-after-save query-status
request quit quit
wait $PID
echo "STEP first-exit code=$?"
sleep 1
kill $LISTENER 2>/dev/null
echo "STEP size apparent=$(stat -c %s $SNAP) allocated=$(($(stat -c %b $SNAP) * $(stat -c %B $SNAP)))"

# Refused restores: nothing starts, one line, exit 2.
command_case refused-max timeout 120 parkway run --incoming file:$SNAP --cpus boot=1,max=8 --serial off
# Damaged in place inside the Cpus section (a copy of the sparse file would be written out
# whole; bytes between sections are alignment padding nothing reads), then repaired.
dd if=$SNAP of=/tmp/original.byte bs=1 skip=2000 count=1 2>/dev/null
if [ "$(cat /tmp/original.byte)" = U ]; then BYTE='\252'; else BYTE='\125'; fi
printf "$BYTE" | dd of=$SNAP bs=1 seek=2000 conv=notrunc 2>/dev/null
command_case refused-damaged timeout 120 parkway run --incoming file:$SNAP --serial off
dd if=/tmp/original.byte of=$SNAP bs=1 seek=2000 conv=notrunc 2>/dev/null
head -c 100000 $SNAP > /tmp/short.snap
command_case refused-truncated timeout 120 parkway run --incoming file:/tmp/short.snap --serial off
# The devices are given anew and must be the saved ones: none given, a disk of another size,
# another MAC, another guest CID.
command_case refused-no-devices timeout 120 parkway run --incoming file:$SNAP --serial off
dd if=/dev/zero of=/tmp/other.img bs=1M count=16 2>/dev/null
command_case refused-disk-size timeout 120 parkway run --incoming file:$SNAP --serial off \
  --console virtio --disk path=/tmp/other.img --net tap=pktap0 --vsock cid=3,socket=$VSOCK
command_case refused-mac timeout 120 parkway run --incoming file:$SNAP --serial off \
  --console virtio --disk path=$DISK --net tap=pktap0,mac=52:54:00:12:34:99 --vsock cid=3,socket=$VSOCK
command_case refused-cid timeout 120 parkway run --incoming file:$SNAP --serial off \
  --console virtio --disk path=$DISK --net tap=pktap0 --vsock cid=4,socket=$VSOCK

# The restore, in a new process.
SOCK=/tmp/qmp2.sock
OUT=/tmp/guest2.out
FIFO=/tmp/hvc-in2
parkway run --incoming file:$SNAP $DEVICES --qmp unix:$SOCK --log-level info <> $FIFO > $OUT 2> /tmp/vmm2.err &
PID=$!
wait_socket
parkway qmp --socket $SOCK --events 600 query-status > /tmp/events2.out 2>&1 &
LISTENER=$!
counts restored
request status-restored query-status
request powerstate-restored query-cpus-powerstate
use_devices 2

mark
request plug3 device_add driver=host-arm-cpu id=cpu3 socket-id=0 cluster-id=0 core-id=3 thread-id=0
expect_guest plug3 "online=0-1,3 enabled=0-1,3"
counts plug3

# A second save, of the restored machine, and a second restore in a third process.
parkway snapshot --socket $SOCK /tmp/vm2.snap > /tmp/snap2.out 2> /tmp/snap2.err
echo "STEP snapshot2 exit=$?"
sed 's/^/STEP snapshot2 stderr: /' /tmp/snap2.err
request quit2 quit
wait $PID
echo "STEP second-exit code=$?"
sleep 1
kill $LISTENER 2>/dev/null
rm -f $SNAP
SOCK=/tmp/qmp3.sock
OUT=/tmp/guest3.out
FIFO=/tmp/hvc-in3
parkway run --incoming file:/tmp/vm2.snap $DEVICES --qmp unix:$SOCK --log-level info <> $FIFO > $OUT 2> /tmp/vmm3.err &
PID=$!
wait_socket
parkway qmp --socket $SOCK --events 600 query-status > /tmp/events3.out 2>&1 &
LISTENER=$!
counts restored2
request powerstate-restored2 query-cpus-powerstate
use_devices 3

mark
request unplug1 device_del id=cpu1
expect_guest unplug1 "online=0,3 enabled=0,3"
sleep 1
counts unplug1
request powerdown system_powerdown
wait $PID
echo "STEP third-exit code=$?"
sleep 1
kill $LISTENER 2>/dev/null
at1m=$(dd if=$DISK bs=64k skip=16 count=1 2>/dev/null | sha256sum)
at2m=$(dd if=$DISK bs=64k skip=32 count=1 2>/dev/null | sha256sum)
echo "STEP image at1m=${at1m%% *} at2m=${at2m%% *}"
sed 's/^/STEP events: /' /tmp/events1.out
sed 's/^/STEP events2: /' /tmp/events2.out
sed 's/^/STEP events3: /' /tmp/events3.out
sed 's/^/STEP vmm-stderr: /' /tmp/vmm1.err
sed 's/^/STEP vmm2-stderr: /' /tmp/vmm2.err
sed 's/^/STEP vmm3-stderr: /' /tmp/vmm3.err
sed 's/^/STEP guest: /' /tmp/guest1.out
sed 's/^/STEP guest2: /' /tmp/guest2.out
sed 's/^/STEP guest3: /' /tmp/guest3.out
