#!/usr/bin/env bash
# Builds the initramfs of Parkway's test guest: $PARKWAY_CACHE/guest/initrd, an uncompressed cpio
# (newc) holding the static arm64 busybox, the applet links guest/init uses, and guest/init itself.
# Uncompressed because unpacking is then a copy: the guest kernel boots faster in the test host.
# Rebuilt only when busybox, guest/init or this script change (hash stamp beside the image).
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

BUSYBOX="$PARKWAY_CACHE/busybox/busybox"
INIT="$PARKWAY_ROOT/guest/init"
# The network benchmark's sender/receiver (scripts/bench-devices), static arm64.
NETBENCH_SRC="$PARKWAY_ROOT/guest/netbench.c"
OUT_DIR="$PARKWAY_CACHE/guest"
OUT="$OUT_DIR/initrd"
# Applets guest/init runs (the rest of what it does is shell builtins).
APPLETS=(sh mount cat echo sleep poweroff reboot date sed head base64 dmesg grep tr ls insmod dd sha256sum sync wc ip ping nc timeout mkfifo uevent)
MODULES_DIR="$PARKWAY_CACHE/kernels/6.12/modules"

bash "$(dirname "${BASH_SOURCE[0]}")/fetch-guest-assets.sh"

hash="$(cat "$BUSYBOX" "$INIT" "$NETBENCH_SRC" "${BASH_SOURCE[0]}" "$MODULES_DIR"/*.ko | sha256sum | cut -d' ' -f1)"
if [ -s "$OUT" ] && [ "$(cat "$OUT.sha256" 2>/dev/null)" = "$hash" ]; then
  exit 0
fi

log "building the guest initramfs"
mkdir -p "$OUT_DIR"
stage="$(mktemp -d "$OUT_DIR/stage.XXXXXX")"
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage"/{bin,sbin,proc,sys,dev,tmp,root,lib/modules}
install -m 644 "$MODULES_DIR"/*.ko "$stage/lib/modules/"
install -m 755 "$BUSYBOX" "$stage/bin/busybox"
for applet in "${APPLETS[@]}"; do ln -s busybox "$stage/bin/$applet"; done
install -m 755 "$INIT" "$stage/init"
aarch64-linux-gnu-gcc -static -O2 -Wall -Werror -s -o "$stage/bin/netbench" "$NETBENCH_SRC"
# Fixed owner and timestamps: the same inputs give the same bytes.
find "$stage" -exec touch -h -d @0 {} +
(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) > "$OUT.tmp"
mv "$OUT.tmp" "$OUT"
echo "$hash" > "$OUT.sha256"
log "guest initramfs: $OUT ($(du -h "$OUT" | cut -f1))"
