#!/usr/bin/env bash
# Installs the Debian packages Parkway's build and tests need (idempotent, fast when present):
# the arm64 emulator for the test host, the cross toolchain Native AOT links with, cpio for
# initramfs images, acpica-tools (iasl) for ACPI checks and the device-tree compiler for inspection;
# mmdebstrap, arch-test and qemu-user-static build the arm64 Debian guest image (build-debian-rootfs.sh;
# qemu-user-static also runs the EFI GetTime code in Parkway.Efi.Tests),
# e2fsprogs makes and checks its ext4.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

PACKAGES=(qemu-system-arm qemu-utils clang llvm lld gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu
          libc6-dev-arm64-cross cpio acpica-tools device-tree-compiler zstd xz-utils
          mmdebstrap arch-test qemu-user-static e2fsprogs)

# One dpkg-query for all packages (this runs before every test host boot, so it must be quick).
installed=" $(dpkg-query -W -f='${Package} ${Status}\n' "${PACKAGES[@]}" 2>/dev/null \
  | awk '/ install ok installed$/ { printf "%s ", $1 }' || true)"
missing=()
for p in "${PACKAGES[@]}"; do
  case "$installed" in *" $p "*) ;; *) missing+=("$p") ;; esac
done

if ! dpkg --print-foreign-architectures | grep -qx arm64; then
  log "adding the arm64 package architecture (for apt-get download of arm64 kernels and busybox)"
  as_root dpkg --add-architecture arm64
  rm -f "$PARKWAY_CACHE/.apt-updated"
fi

if [ ${#missing[@]} -gt 0 ] || [ ! -f "$PARKWAY_CACHE/.apt-updated" ]; then
  log "apt-get update"
  as_root apt-get update -qq
  touch "$PARKWAY_CACHE/.apt-updated"
fi
if [ ${#missing[@]} -gt 0 ]; then
  log "installing: ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
