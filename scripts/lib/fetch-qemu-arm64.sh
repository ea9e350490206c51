#!/usr/bin/env bash
# Fetches Debian's arm64 QEMU (qemu-system-aarch64 and the shared libraries it needs) for running
# *inside* the arm64 test host, where scripts/bench compares Parkway with it under real KVM:
#   $PARKWAY_CACHE/qemu-arm64/qemu-system-aarch64
#   $PARKWAY_CACHE/qemu-arm64/lib/*.so*      everything it links but the loader (the test host's
#                                            own, from the same cross libc)
#   $PARKWAY_CACHE/qemu-arm64/package        the Debian package and version
# The package set is the closure apt computes for `qemu-system-arm` (no recommends) against an
# empty status file; only the files the binary actually needs (readelf -d, recursively) are kept.
# A no-op when the files are there; --refresh re-resolves the newest package.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
source "$(dirname "${BASH_SOURCE[0]}")/debian-archive.sh"

[ "${1:-}" = "--refresh" ] && REFRESH=1
OUT="$PARKWAY_CACHE/qemu-arm64"
if [ "$REFRESH" = 0 ] && [ -x "$OUT/qemu-system-aarch64" ] && [ -s "$OUT/package" ]; then
  exit 0
fi

# The cross libc the test host already carries: qemu must use the same libc as its interpreter.
CROSS_LIBS=/usr/aarch64-linux-gnu/lib
READELF=aarch64-linux-gnu-readelf

prepare_suite bookworm
log "resolving qemu-system-arm for arm64 (bookworm)"
mapfile -t packages < <(private_apt apt-get bookworm -s install --no-install-recommends qemu-system-arm \
  | awk '$1 == "Inst" { print $2 }')
[ ${#packages[@]} -gt 0 ] || die "apt could not resolve qemu-system-arm for arm64"

WORK="$PARKWAY_CACHE/tmp/qemu-arm64"
rm -rf "$WORK"; mkdir -p "$WORK/debs" "$WORK/x"
log "downloading ${#packages[@]} arm64 packages"
(cd "$WORK/debs" && private_apt apt-get bookworm download "${packages[@]}" >/dev/null) \
  || die "apt-get download of qemu-system-arm's packages failed"
for deb in "$WORK"/debs/*.deb; do dpkg -x "$deb" "$WORK/x"; done

binary="$WORK/x/usr/bin/qemu-system-aarch64"
[ -x "$binary" ] || die "qemu-system-arm did not contain usr/bin/qemu-system-aarch64"

# Finds a library by soname: the cross libc's copy first (it matches the test host's loader), then
# the extracted packages.
find_lib() {
  local name="$1" dir
  for dir in "$CROSS_LIBS" "$WORK/x/lib/aarch64-linux-gnu" "$WORK/x/usr/lib/aarch64-linux-gnu"; do
    [ -e "$dir/$name" ] && { echo "$dir/$name"; return; }
  done
  die "qemu-system-aarch64 needs $name, which no package provided"
}

rm -rf "$OUT.tmp"; mkdir -p "$OUT.tmp/lib"
declare -A seen=()
queue=("$binary")
while [ ${#queue[@]} -gt 0 ]; do
  file="${queue[0]}"; queue=("${queue[@]:1}")
  for lib in $("$READELF" -d "$file" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
    [ -z "${seen[$lib]:-}" ] || continue
    seen[$lib]=1
    path="$(find_lib "$lib")"
    queue+=("$path")
    # The loader is the test host's own (/lib/ld-linux-aarch64.so.1, the same cross libc).
    case "$lib" in ld-linux-*) ;; *) cp -L "$path" "$OUT.tmp/lib/" ;; esac
  done
done
install -m 755 "$binary" "$OUT.tmp/qemu-system-aarch64"
echo "qemu-system-arm $(dpkg-deb -f "$(ls "$WORK"/debs/qemu-system-arm_*.deb)" Version)" > "$OUT.tmp/package"
rm -rf "$OUT"; mv "$OUT.tmp" "$OUT"
rm -rf "$WORK"
log "qemu for arm64: $(cat "$OUT/package"), $(du -sh "$OUT" | cut -f1)"
