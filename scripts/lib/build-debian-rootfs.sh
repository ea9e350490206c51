#!/usr/bin/env bash
# Builds the Debian system guest: an arm64 Debian 12 (bookworm) root file system with systemd and
# udev, booted by Debian's own kernel and Debian's own initramfs (initramfs-tools, run inside the
# image build). Outputs, under $PARKWAY_CACHE/debian/:
#   rootfs.img    raw ext4 image (sparse, label parkway-root), the guest's /dev/vda
#   vmlinuz       the kernel installed in the image (a plain arm64 Image: the same Debian package as
#                 $PARKWAY_CACHE/kernels/6.12, so its modules in the image match it)
#   initrd.img    the initramfs update-initramfs made for it inside the image
#   e2fsck/       the image's own arm64 e2fsck with its libraries, to check the disk in the test host
#   build.txt     what was built and how long it took
# Rebuilt only when this script, the package list or the kernel package change (hash stamp).
#
# How: mmdebstrap --arch=arm64 from Debian's archive (bookworm + bookworm-backports for the 6.12
# kernel), with every package's maintainer scripts (and update-initramfs) run by qemu-user-static
# through binfmt_misc, which this script mounts and registers when missing. Then the files below are
# written in, and mkfs.ext4 -d turns the tree into the image (no loop device or mount needed).
#
# What the image has for Parkway:
#   - systemd-networkd: 169.254.20.2/16 on the first virtio-net NIC (link-local only, no DHCP, no RA)
#   - /etc/udev/rules.d/80-parkway-cpu-online.rules: the rule distributions ship or document to
#     online a hot-added CPU (Debian's udev has none, Ubuntu's 40-vm-hotadd.rules does the same)
#   - getty on hvc0 (systemd's own, for console=hvc0) and root without a password (a test image)
#   - parkway-guest.service: prints PARKWAY-GUEST lines on the console (see guest/debian/)
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
source "$(dirname "${BASH_SOURCE[0]}")/debian-archive.sh"

GUEST_FILES="$PARKWAY_ROOT/guest/debian"
OUT_DIR="$PARKWAY_CACHE/debian"
IMAGE_SIZE=1G
KERNEL_PACKAGE_FILE="$PARKWAY_CACHE/kernels/6.12/package"

# What the image holds beyond minbase. The kernel is the very package the test host's guests boot.
PACKAGES=(systemd systemd-sysv udev dbus kmod iproute2 iputils-ping procps e2fsprogs initramfs-tools zstd)

# Large parts of Debian's kernel package no virtual machine uses (GPUs, sound, radios, media,
# InfiniBand, staging, USB, SCSI...): left out at unpack time. (Documentation is deleted after the
# install instead: dpkg's path-exclude on /usr/share/doc breaks Multi-Arch packages' changelogs.)
EXCLUDES=()
for modules in /lib/modules /usr/lib/modules; do
  for sub in drivers/gpu drivers/media sound drivers/net/wireless net/wireless net/mac80211 \
             drivers/infiniband drivers/staging drivers/net/ethernet drivers/bluetooth net/bluetooth \
             drivers/iio drivers/hid drivers/usb drivers/scsi drivers/ata drivers/mtd; do
    EXCLUDES+=("$modules/*/kernel/$sub/*")
  done
done

bash "$(dirname "${BASH_SOURCE[0]}")/fetch-guest-assets.sh"
KERNEL_PACKAGE="$(cat "$KERNEL_PACKAGE_FILE")"

hash="$( { cat "${BASH_SOURCE[0]}"; printf '%s\n' "${PACKAGES[@]}" "$KERNEL_PACKAGE";
           find "$GUEST_FILES" -type f | LC_ALL=C sort | xargs cat; } | sha256sum | cut -d' ' -f1)"
if [ -s "$OUT_DIR/rootfs.img" ] && [ -s "$OUT_DIR/initrd.img" ] && [ -s "$OUT_DIR/vmlinuz" ] \
   && [ "$(cat "$OUT_DIR/rootfs.sha256" 2>/dev/null)" = "$hash" ]; then
  exit 0
fi

# mmdebstrap --mode=root and chroot need root: the project's scripts otherwise run as root or sudo.
if [ "$(id -u)" -ne 0 ]; then exec sudo -E bash "${BASH_SOURCE[0]}" "$@"; fi
command -v mmdebstrap >/dev/null && [ -x /usr/bin/qemu-aarch64-static ] && command -v mkfs.ext4 >/dev/null \
  || die "needs mmdebstrap, qemu-user-static and e2fsprogs (scripts/lib/install-host-packages.sh installs them)"

# arm64 programs run here through binfmt_misc and qemu-user-static. The F flag (fix binary) makes
# the kernel open the emulator at registration, so it also works inside the image's chroot.
ensure_binfmt() {
  local dir=/proc/sys/fs/binfmt_misc
  if [ ! -e "$dir/register" ]; then
    as_root mount -t binfmt_misc binfmt_misc "$dir" \
      || die "binfmt_misc is not mounted and cannot be mounted here; arm64 programs cannot run"
  fi
  if [ ! -e "$dir/qemu-aarch64" ]; then
    local conf=/usr/lib/binfmt.d/qemu-aarch64.conf
    [ -f "$conf" ] || die "$conf missing (qemu-user-static not installed?)"
    log "registering qemu-aarch64-static with binfmt_misc"
    as_root sh -c "cat '$conf' > '$dir/register'"
  fi
  [ "$(head -n 1 "$dir/qemu-aarch64")" = enabled ] || die "the qemu-aarch64 binfmt handler is disabled"
}
ensure_binfmt

log "building the Debian guest image (arm64 bookworm; ~18 min on a busy 2-core machine, mostly qemu-user running dpkg)"
T0=$EPOCHREALTIME
mkdir -p "$OUT_DIR"
work="$(mktemp -d "$OUT_DIR/build.XXXXXX")"
trap 'rm -rf "$work"' EXIT
root="$work/root"

mirror="$(debian_mirror)"
dpkgopts=()
for pattern in "${EXCLUDES[@]}"; do dpkgopts+=(--dpkgopt="path-exclude=$pattern"); done
include="$(IFS=,; echo "${PACKAGES[*]},$KERNEL_PACKAGE")"

# The initramfs configuration must be in place before the kernel's postinst runs update-initramfs:
# only the modules the root disk needs (MODULES=list: virtio-mmio, virtio-blk, ext4), no resume
# device to wait for. conf.d and modules.d are not package conffiles, so dpkg leaves them alone.
setup_hook='mkdir -p "$1/etc/initramfs-tools/conf.d" "$1/usr/share/initramfs-tools/modules.d"
printf "MODULES=list\nRESUME=none\nCOMPRESS=zstd\n" > "$1/etc/initramfs-tools/conf.d/parkway"
printf "virtio_mmio\nvirtio_blk\next4\n" > "$1/usr/share/initramfs-tools/modules.d/parkway"'

mmdebstrap --mode=root --arch=arm64 --variant=minbase --format=directory \
  --include="$include" "${dpkgopts[@]}" \
  --aptopt='Acquire::Languages "none"' \
  --setup-hook="$setup_hook" \
  bookworm "$root" \
  "deb $mirror bookworm main" "deb $mirror bookworm-backports main" >"$work/mmdebstrap.log" 2>&1 \
  || { tail -n 40 "$work/mmdebstrap.log" >&2; die "mmdebstrap failed (log above)"; }
T_BOOTSTRAP=$EPOCHREALTIME

# ---- the files Parkway's guest needs ----
echo parkway-debian > "$root/etc/hostname"
printf '127.0.0.1\tlocalhost\n127.0.1.1\tparkway-debian\n::1\tlocalhost ip6-localhost ip6-loopback\n' > "$root/etc/hosts"
printf 'LABEL=parkway-root\t/\text4\terrors=remount-ro\t0\t1\n' > "$root/etc/fstab"
# A fixed machine id: no first-boot setup (systemd-firstboot would prompt on the console).
systemd-machine-id-setup --root="$root" >/dev/null 2>&1 \
  || head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$root/etc/machine-id"
ln -sf /usr/share/zoneinfo/Etc/UTC "$root/etc/localtime"
chroot "$root" passwd -dq root

install -m 644 "$GUEST_FILES/20-parkway.network" "$root/etc/systemd/network/20-parkway.network"
install -m 644 "$GUEST_FILES/80-parkway-cpu-online.rules" "$root/etc/udev/rules.d/80-parkway-cpu-online.rules"
install -m 755 "$GUEST_FILES/parkway-guest-report" "$root/usr/local/sbin/parkway-guest-report"
install -m 644 "$GUEST_FILES/parkway-guest.service" "$root/etc/systemd/system/parkway-guest.service"
chroot "$root" systemctl enable --quiet systemd-networkd.service parkway-guest.service
# Nothing in the image waits for the network to be "online"; no timer wakes a virtual machine.
chroot "$root" systemctl mask --quiet apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer \
  e2scrub_reap.service fstrim.timer 2>/dev/null || true
chroot "$root" apt-get clean
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/log/*.log "$root"/var/cache/debconf/*-old \
  "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/info/* "$root"/usr/share/lintian/*
find "$root/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name locale.alias -exec rm -rf {} +

# ---- kernel, initramfs and e2fsck out of the tree; the tree into the image ----
vmlinuz="$(ls "$root"/boot/vmlinuz-* | head -n 1)"
initrd="$(ls "$root"/boot/initrd.img-* | head -n 1)"
[ "$(dd if="$vmlinuz" bs=1 skip=56 count=4 2>/dev/null)" = $'ARM\x64' ] || die "$vmlinuz is not a plain arm64 Image"
cmp -s "$vmlinuz" "$PARKWAY_CACHE/kernels/6.12/Image" || die "the image's kernel differs from $PARKWAY_CACHE/kernels/6.12/Image"
cp "$vmlinuz" "$work/vmlinuz"
cp "$initrd" "$work/initrd.img"

# e2fsck and the libraries it needs, from the image itself: the test host checks the disk with it.
mkdir -p "$work/e2fsck"
cp "$root/sbin/e2fsck" "$work/e2fsck/e2fsck"
queue=("$root/sbin/e2fsck")
declare -A seen=()
while [ ${#queue[@]} -gt 0 ]; do
  file="${queue[0]}"; queue=("${queue[@]:1}")
  for lib in $(aarch64-linux-gnu-readelf -d "$file" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
    [ -z "${seen[$lib]:-}" ] || continue
    seen[$lib]=1
    found="$(ls "$root"/usr/lib/aarch64-linux-gnu/"$lib" "$root"/lib/aarch64-linux-gnu/"$lib" 2>/dev/null | head -n 1)"
    [ -n "$found" ] || die "e2fsck needs $lib, not found in the image"
    cp -L "$found" "$work/e2fsck/$lib"
    queue+=("$found")
  done
done
cp -L "$root/lib/ld-linux-aarch64.so.1" "$work/e2fsck/ld-linux-aarch64.so.1"

used_kib="$(du -sk "$root" | cut -f1)"
truncate -s "$IMAGE_SIZE" "$work/rootfs.img"
mkfs.ext4 -q -L parkway-root -d "$root" "$work/rootfs.img" >/dev/null
e2fsck -fn "$work/rootfs.img" >"$work/e2fsck.log" 2>&1 || { cat "$work/e2fsck.log" >&2; die "the new image does not pass e2fsck -fn"; }
T_END=$EPOCHREALTIME

rm -rf "$OUT_DIR/e2fsck"
mv "$work/e2fsck" "$OUT_DIR/e2fsck"
for f in vmlinuz initrd.img rootfs.img; do mv "$work/$f" "$OUT_DIR/$f"; done
{
  echo "kernel package: $KERNEL_PACKAGE"
  echo "packages: ${PACKAGES[*]}"
  echo "tree: $((used_kib / 1024)) MiB in $IMAGE_SIZE (sparse: $(du -h "$OUT_DIR/rootfs.img" | cut -f1) on disk)"
  echo "initramfs: $(du -h "$OUT_DIR/initrd.img" | cut -f1)"
  awk -v a="$T0" -v b="$T_BOOTSTRAP" -v c="$T_END" \
    'BEGIN { printf "build time: %.0f s (mmdebstrap with qemu-user %.0f s, files and image %.0f s)\n", c - a, b - a, c - b }'
} > "$OUT_DIR/build.txt"
echo "$hash" > "$OUT_DIR/rootfs.sha256"
log "Debian guest: $OUT_DIR ($(tr '\n' ';' < "$OUT_DIR/build.txt"))"
