# virtio-vsock on real KVM with Debian's vsock drivers, through the hybrid vsock host side.
# One guest (ACPI, so the device is an LNRO0005 in the DSDT): it echoes one connection on vsock
# port 1234, then connects to host port 5001 (nobody serves PATH_5001: refused) and to host port
# 5000 (unix-echo serves PATH_5000). From here: a CONNECT to a port nobody listens on in the guest
# (closed without OK), then CONNECT 1234 with 1.2 MB checked both ways. Then the CLI's refusals.
# The helpers come from the test (/vsock): vsock-guest in a cpio appended to the guest initramfs.
. /scenarios/scenario-lib.sh
DIR=/tmp/vsock
SOCK=$DIR/v.sock
BYTES=1200000

mkdir -p $DIR
# The kernel unpacks concatenated archives in order: the guest's initramfs plus /bin/vsock-guest.
cat /guest/initrd /vsock/guest-tools.cpio > /tmp/initrd-vsock

/vsock/unix-echo ${SOCK}_5000 > /tmp/unix-echo.out 2> /tmp/unix-echo.err &
ECHO=$!
parkway run --kernel /guest/Image --initramfs /tmp/initrd-vsock --memory 512M --acpi on --cpus boot=1,max=1 \
  --vsock cid=3,socket=$SOCK \
  --cmdline "console=ttyAMA0 quiet parkway.virtio parkway.vsock parkway.vsockcheck=1234,5000,$BYTES" \
  > /tmp/vsock.out 2> /tmp/vsock.err &
PID=$!
if wait_for_line /tmp/vsock.out "PARKWAY-VSOCK listening" $PID 2400; then
  command_case vsock-refused /vsock/hybrid-connect $SOCK 4321 16
  command_case vsock-alive kill -0 $PID
  command_case vsock-host /vsock/hybrid-connect $SOCK 1234 $BYTES
fi
wait $PID
echo "SCENARIO vsock exit=$?"
report vsock
if [ -e $SOCK ]; then echo "SCENARIO vsock socket=left"; else echo "SCENARIO vsock socket=removed"; fi
# unix-echo is still waiting if the guest never reached it: do not let it hold the session.
kill $ECHO 2>/dev/null
wait $ECHO
echo "SCENARIO unix-echo exit=$?"
report unix-echo

touch $DIR/a-file
command_case bad-vsock-cid parkway run $GUEST_ARGS --vsock cid=2,socket=$DIR/x.sock
command_case bad-vsock-cid-text parkway run $GUEST_ARGS --vsock cid=three,socket=$DIR/x.sock
command_case bad-vsock-dir parkway run $GUEST_ARGS --vsock cid=3,socket=/tmp/no-such-dir/x.sock
command_case bad-vsock-file parkway run $GUEST_ARGS --vsock cid=3,socket=$DIR/a-file
