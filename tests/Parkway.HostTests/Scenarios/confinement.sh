# Confinement: Parkway run by an unprivileged user (uid 1000, primary group kvm, no other groups,
# no capabilities) with the seccomp filters installed, through a whole boot with a disk, a NIC on a
# tap that user owns, CPU hot-plug and unplug over QMP and an ACPI power-down; the kernel's audit
# records must show no call outside the allow-lists. Then what an unprivileged user is told when
# something it needs is missing. MODE (default log) is the --seccomp mode of the confined run.
. /scenarios/scenario-lib.sh
MODE=${1:-log}
USER_ID=1000
KVM_GID=36
AS_USER="/net/runas $USER_ID $KVM_GID"
AS_USER_NO_KVM="/net/runas $USER_ID $USER_ID"
DIR=/tmp/parkway-user
SOCK=$DIR/qmp.sock
OUT=/tmp/confined.out

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

# What the user is given: /dev/kvm to group kvm, the tun clone device (0666 as udev makes it), a
# tap it owns, its disk image, a socket directory only it can enter.
chgrp $KVM_GID /dev/kvm && chmod 0660 /dev/kvm
chmod 0666 /dev/net/tun 2>/dev/null
insmod /net/tun.ko
chmod 0666 /dev/net/tun
/net/maketap pktap0 $USER_ID && ifconfig pktap0 169.254.10.1 netmask 255.255.0.0 up
mkdir -p $DIR && cp /net/d.img $DIR/d.img && chown -R $USER_ID:$KVM_GID $DIR && chmod 0700 $DIR
echo "SCENARIO setup exit=$? kvm=$(stat -c %A:%g /dev/kvm)"
# Every audit record must reach the kernel log: without auditd they are printed under the shared
# printk rate limit (10 per 5 s), which would hide records in a busy second. Interval 0 disables it.
echo 0 > /proc/sys/kernel/printk_ratelimit
dmesg -c > /dev/null
mkfifo /tmp/net-hold
timeout 360 nc -l -p 5001 <> /tmp/net-hold > /tmp/from-guest 2>/dev/null &

$AS_USER parkway run $GUEST_ARGS --acpi on --cpus boot=1,max=2 --seccomp $MODE --disk path=$DIR/d.img --net tap=pktap0 \
  --qmp unix:$SOCK --cmdline "console=ttyAMA0 quiet parkway.virtio parkway.disk parkway.rng parkway.net=169.254.10.2/16,169.254.10.1 parkway.watch" \
  --rng on > $OUT 2> /tmp/confined.err &
PID=$!
if wait_for_line $OUT "PARKWAY-NET listening" $PID 2400; then
  # The guest prints "listening" as it starts its listener in the background: retry a refusal.
  i=0
  until timeout 120 nc 169.254.10.2 5002 < /net/to-guest > /dev/null 2>&1 || [ $i -ge 20 ]; do
    sleep 0.5
    i=$((i + 1))
  done
fi
if wait_for_line $OUT "PARKWAY-GUEST ready" $PID 1800; then
  echo "SCENARIO confined uid=$(awk '/^Uid:/ {print $2}' /proc/$PID/status) gid=$(awk '/^Gid:/ {print $2}' /proc/$PID/status) groups=$(awk '/^Groups:/ {print NF - 1}' /proc/$PID/status) caps=$(awk '/^CapEff:/ {print $2}' /proc/$PID/status) seccomp=$(awk '/^Seccomp:/ {print $2}' /proc/$PID/status) socket=$(stat -c %a:%u $SOCK)"
  for t in /proc/$PID/task/*; do echo "SCENARIO confined thread $(cat $t/comm) seccomp=$(awk '/^Seccomp_filters:/ {print $2}' $t/status)"; done
  mark=$(wc -l < $OUT)
  $AS_USER parkway qmp --socket $SOCK device_add driver=host-arm-cpu id=cpu1 socket-id=0 cluster-id=0 core-id=1 thread-id=0 >/dev/null
  wait_after $mark "online=0-1 enabled=0-1" && echo "SCENARIO confined plugged"
  mark=$(wc -l < $OUT)
  $AS_USER parkway qmp --socket $SOCK device_del id=cpu1 >/dev/null
  wait_after $mark "online=0 enabled=0" && echo "SCENARIO confined unplugged"
fi
$AS_USER parkway qmp --socket $SOCK system_powerdown >/dev/null
wait $PID
rc=$?
echo "SCENARIO confined exit=$rc audit-records=$(dmesg | grep -c 'type=1326') audit-lost=$(dmesg | grep -c 'audit_lost=\|callbacks suppressed')"
dmesg | grep 'type=1326' | sed 's/^/SCENARIO confined audit: /'
report confined

# A user without the kvm group cannot open /dev/kvm: one line saying so, exit 2.
$AS_USER_NO_KVM parkway run $GUEST_ARGS --cpus boot=1,max=1 > /tmp/no-kvm.out 2> /tmp/no-kvm.err
echo "SCENARIO no-kvm exit=$?"
report no-kvm

# A QMP socket in a directory the user may not write: one line, exit 2, before KVM is touched.
mkdir -m 0700 /tmp/root-only
$AS_USER parkway run $GUEST_ARGS --cpus boot=1,max=1 --qmp unix:/tmp/root-only/qmp.sock > /tmp/no-socket-dir.out 2> /tmp/no-socket-dir.err
echo "SCENARIO no-socket-dir exit=$?"
report no-socket-dir

# A tap owned by someone else (root, TUNSETOWNER 0; a tap with no owner is anyone's): one line, exit 2.
/net/maketap pktap1 0
$AS_USER parkway run $GUEST_ARGS --cpus boot=1,max=1 --net tap=pktap1 > /tmp/foreign-tap.out 2> /tmp/foreign-tap.err
echo "SCENARIO foreign-tap exit=$?"
report foreign-tap
