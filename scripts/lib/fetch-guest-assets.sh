#!/usr/bin/env bash
# Fetches the Debian arm64 binaries the arm64 test host and its guests boot:
#   $PARKWAY_CACHE/kernels/6.12/Image   bookworm-backports kernel (test host + guest; ACPI CPU hotplug)
#   $PARKWAY_CACHE/kernels/6.1/Image    bookworm kernel (an older test host, no KVM SMCCC filter)
#   $PARKWAY_CACHE/kernels/<series>/modules/evdev.ko   the event device driver (a module in Debian),
#                                       which the guest needs to see the ACPI power button
#   $PARKWAY_CACHE/busybox/busybox      static arm64 busybox (both initramfs images)
# Each kernels/<series>/package file records the Debian package the Image came from.
#
# The machine's apt configuration is never touched: every apt call gets a private sources list,
# lists directory and cache under $PARKWAY_CACHE/apt/<suite>, with arm64 as the only architecture.
# Package names are resolved through the `linux-image-arm64` metapackage, so no version is written
# down here. A no-op (no apt call at all) when every file is already there; pass --refresh to
# re-resolve the newest packages (runs `apt-get update` on the private lists).
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
source "$(dirname "${BASH_SOURCE[0]}")/debian-archive.sh"

REFRESH=0
[ "${1:-}" = "--refresh" ] && REFRESH=1

KERNELS_DIR="$PARKWAY_CACHE/kernels"
BUSYBOX="$PARKWAY_CACHE/busybox/busybox"

# Modules the guest initramfs carries, relative to /lib/modules/<version>/kernel. After evdev come
# the virtio drivers Debian builds as modules (virtio core, ring and console are built in), in an
# order where each module follows what it needs (each module's .modinfo "depends=", recorded beside
# them as modules/depends.txt, says: virtio_net needs net_failover needs failover; the vsock transport
# needs its common part needs vsock). guest/init loads them in this order. tun is for the test
# host, not the guest: the virtio-net host tests insmod it there to create a tap.
GUEST_MODULES=(
  drivers/input/evdev.ko
  drivers/virtio/virtio_mmio.ko
  drivers/block/virtio_blk.ko
  drivers/char/hw_random/virtio-rng.ko
  net/core/failover.ko
  drivers/net/net_failover.ko
  drivers/net/virtio_net.ko
  net/vmw_vsock/vsock.ko
  net/vmw_vsock/vmw_vsock_virtio_transport_common.ko
  net/vmw_vsock/vmw_vsock_virtio_transport.ko
  drivers/net/tun.ko
)

kernel_complete() {
  [ -s "$KERNELS_DIR/$1/Image" ] || return 1
  local m
  for m in "${GUEST_MODULES[@]}"; do [ -s "$KERNELS_DIR/$1/modules/$(basename "$m")" ] || return 1; done
}

if [ "$REFRESH" = 0 ] && kernel_complete 6.12 && kernel_complete 6.1 && [ -x "$BUSYBOX" ]; then
  exit 0
fi

# The versioned kernel image package the linux-image-arm64 metapackage of a suite points at.
kernel_package() {
  private_apt apt-cache "$1" depends linux-image-arm64 \
    | awk '/Depends: linux-image-[0-9]/ { sub(/:arm64$/, "", $2); print $2; exit }'
}

# Fetches the kernel of suite $1 into kernels/$2/Image.
fetch_kernel() {
  local suite="$1" series="$2" out="$KERNELS_DIR/$2"
  if [ "$REFRESH" = 0 ] && kernel_complete "$series"; then return; fi
  prepare_suite "$suite"
  local package
  package="$(kernel_package "$suite")"
  [ -n "$package" ] || die "could not resolve linux-image-arm64 in $suite"
  case "$package" in
    linux-image-"$series".*) ;;
    *) die "$suite's linux-image-arm64 is $package, not a $series kernel" ;;
  esac
  if kernel_complete "$series" && [ "$(cat "$out/package" 2>/dev/null)" = "$package" ]; then return; fi
  log "fetching $package ($suite)"
  local work="$PARKWAY_CACHE/tmp/kernel-$series"
  rm -rf "$work"; mkdir -p "$work/x"
  local deb
  deb="$(download_deb "$suite" "$package" "$work")"
  dpkg -x "$deb" "$work/x"
  local vmlinuz
  vmlinuz="$(ls "$work"/x/boot/vmlinuz-* | head -n 1)"
  # Debian's arm64 vmlinuz is the plain Image: "ARM\x64" magic at offset 56.
  [ "$(dd if="$vmlinuz" bs=1 skip=56 count=4 2>/dev/null)" = $'ARM\x64' ] \
    || die "$vmlinuz is not a plain arm64 Image"
  mkdir -p "$out"
  cp "$vmlinuz" "$out/Image.tmp" && mv "$out/Image.tmp" "$out/Image"
  cp "$(ls "$work"/x/boot/config-* | head -n 1)" "$out/config"
  rm -rf "$out/modules"; mkdir -p "$out/modules"
  local m found
  for m in "${GUEST_MODULES[@]}"; do
    found="$(ls "$work"/x/lib/modules/*/kernel/"$m"* 2>/dev/null | head -n 1)"
    [ -n "$found" ] || die "$package has no $m"
    case "$found" in
      *.xz) xz -dc "$found" ;;
      *.zst) zstd -dcq "$found" ;;
      *.gz) gzip -dc "$found" ;;
      *) cat "$found" ;;
    esac > "$out/modules/$(basename "$m")"
  done
  # The package has no modules.dep (depmod runs at install): record each module's own
  # "depends=" (.modinfo) so the load order above can be checked by eye.
  for m in "$out"/modules/*.ko; do
    echo "$(basename "$m"): $(strings -a "$m" | sed -n 's/^depends=//p' | head -n 1)"
  done > "$out/modules/depends.txt"
  echo "$package" > "$out/package"
  rm -rf "$work"
}

fetch_busybox() {
  if [ "$REFRESH" = 0 ] && [ -x "$BUSYBOX" ]; then return; fi
  prepare_suite bookworm
  log "fetching busybox-static (bookworm)"
  local work="$PARKWAY_CACHE/tmp/busybox"
  rm -rf "$work"; mkdir -p "$work/x"
  local deb
  deb="$(download_deb bookworm busybox-static "$work")"
  dpkg -x "$deb" "$work/x"
  file -b "$work/x/bin/busybox" 2>/dev/null | grep -q 'ARM aarch64' \
    || [ "$(od -An -tx1 -j18 -N2 "$work/x/bin/busybox" | tr -d ' ')" = "b700" ] \
    || die "busybox-static did not contain an aarch64 binary"
  mkdir -p "$(dirname "$BUSYBOX")"
  cp "$work/x/bin/busybox" "$BUSYBOX.tmp" && chmod 755 "$BUSYBOX.tmp" && mv "$BUSYBOX.tmp" "$BUSYBOX"
  basename "$deb" > "$(dirname "$BUSYBOX")/package"
  rm -rf "$work"
}

fetch_kernel bookworm-backports 6.12
fetch_kernel bookworm 6.1
fetch_busybox
