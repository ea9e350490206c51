# Virtio devices on real KVM: disks (two at once, one read-only) and the rng with a device tree,
# a disk with ACPI, the virtio console as the guest's only console (output and input), and the
# CLI's refusals.
# The disk images come from the test (/disks/*.img, known first MiB); after each run the images
# are read back here and their checksums printed, so the test checks what the guest wrote.
. /scenarios/scenario-lib.sh
VIRTIO="quiet parkway.virtio"

# image_sums CASE IMAGE: "SCENARIO CASE image NAME first=<sha of MiB 0> at1m=<sha of 64 KiB at 1 MiB>"
image_sums() {
  local first at1m
  first=$(dd if="$2" bs=1M count=1 2>/dev/null | sha256sum)
  at1m=$(dd if="$2" bs=64k skip=16 count=1 2>/dev/null | sha256sum)
  echo "SCENARIO $1 image ${2##*/} first=${first%% *} at1m=${at1m%% *}"
}

# device_case CASE PARKWAY-RUN-ARGS...: runs a guest to its power-off, reports exit code and output.
device_case() {
  local name=$1 rc
  shift
  parkway run $GUEST_ARGS "$@" > "/tmp/$name.out" 2> "/tmp/$name.err"
  rc=$?
  echo "SCENARIO $name exit=$rc"
  report "$name"
}

command_case check-host parkway check-host --cpus boot=1,max=2

# A bare-metal guest posts a looping and an out-of-range chain to the rng, then corrupts the avail
# index; it prints U (both chains returned) and R (NEEDS_RESET seen) and powers off.
command_case malformed-queue timeout 120 parkway run --kernel /disks/malformed-queue.img --acpi off \
  --cpus boot=1,max=1 --memory 64M --rng on

device_case disks-fdt --acpi off --cpus boot=1,max=1 \
  --disk path=/disks/a.img,id=data --disk path=/disks/b.img,readonly=on,serial=PARKWAY-RO-1 --rng on \
  --cmdline "console=ttyAMA0 $VIRTIO parkway.disk parkway.rng"
image_sums disks-fdt /disks/a.img
image_sums disks-fdt /disks/b.img

device_case disk-acpi --acpi on --cpus boot=1,max=1 --disk path=/disks/c.img \
  --cmdline "console=ttyAMA0 $VIRTIO parkway.disk"
image_sums disk-acpi /disks/c.img

# hvc0 is also the guest's input: a line written to Parkway's stdin once the guest waits for it
# reaches the guest's reader. Parkway's stdin is a fifo opened read-write (no blocking open, no
# end of file), written to only after the guest said it waits: input that arrives live.
mkfifo /tmp/hvc-in
parkway run $GUEST_ARGS --acpi off --cpus boot=2,max=2 --console virtio \
  --cmdline "console=hvc0 $VIRTIO parkway.hvc parkway.hvcin" <> /tmp/hvc-in > /tmp/console-hvc.out 2> /tmp/console-hvc.err &
pid=$!
wait_for_line /tmp/console-hvc.out "PARKWAY-HVCIN waiting" $pid 2400 && echo "typed on the host" > /tmp/hvc-in
wait $pid
echo "SCENARIO console-hvc exit=$?"
report console-hvc

mkdir -p /tmp/a-directory
head -c 1000 /dev/zero > /tmp/odd.img
command_case bad-disk-missing parkway run $GUEST_ARGS --disk path=/disks/missing.img
command_case bad-disk-directory parkway run $GUEST_ARGS --disk path=/tmp/a-directory
command_case bad-disk-size parkway run $GUEST_ARGS --disk path=/tmp/odd.img
command_case bad-net-missing-tap parkway run $GUEST_ARGS --net tap=parkway-none0
