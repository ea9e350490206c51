#!/usr/bin/env bash
# Fetches bookworm-backports' QEMU (10.x) for x86_64 as the arm64 test host's emulator: it emulates
# a newer arm64 CPU (FEAT_EVT and FEAT_ECV among others), so the test host's KVM traps far less of
# the guest's work (see docs/testing.md), and guests inside it boot faster than under bookworm's
# QEMU 7.2. The machine's apt configuration and installed packages are not touched:
#   $PARKWAY_CACHE/qemu-backports/qemu-system-aarch64   the emulator
#   $PARKWAY_CACHE/qemu-backports/lib/                  libraries it needs that the machine lacks
#   $PARKWAY_CACHE/qemu-backports/share/                its data files (firmware descriptors, ROMs)
#   $PARKWAY_CACHE/qemu-backports/package               the Debian package and version
# scripts/arm64-host runs it with LD_LIBRARY_PATH pointing at lib/. A no-op when present;
# --refresh re-resolves the newest package.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
source "$(dirname "${BASH_SOURCE[0]}")/debian-archive.sh"

[ "${1:-}" = "--refresh" ] && REFRESH=1
OUT="$PARKWAY_CACHE/qemu-backports"
if [ "$REFRESH" = 0 ] && [ -x "$OUT/qemu-system-aarch64" ] && [ -s "$OUT/package" ]; then
  exit 0
fi

STATE=bookworm-backports-amd64
prepare_state "$STATE" amd64 bookworm bookworm-backports
log "resolving qemu-system-arm from bookworm-backports (amd64)"
mapfile -t packages < <(private_apt apt-get "$STATE" -s install --no-install-recommends \
  -t bookworm-backports qemu-system-arm | awk '$1 == "Inst" { print $2 }')
printf '%s\n' "${packages[@]}" | grep -qx qemu-system-arm || die "apt could not resolve qemu-system-arm from bookworm-backports"

WORK="$PARKWAY_CACHE/tmp/qemu-backports"
rm -rf "$WORK"; mkdir -p "$WORK/debs" "$WORK/x"
log "downloading ${#packages[@]} packages"
(cd "$WORK/debs" && private_apt apt-get "$STATE" download -t bookworm-backports "${packages[@]}" >/dev/null) \
  || die "apt-get download of qemu-system-arm's packages failed"
for deb in "$WORK"/debs/*.deb; do dpkg -x "$deb" "$WORK/x"; done
binary="$WORK/x/usr/bin/qemu-system-aarch64"
[ -x "$binary" ] || die "qemu-system-arm did not contain usr/bin/qemu-system-aarch64"

rm -rf "$OUT.tmp"; mkdir -p "$OUT.tmp/lib"
install -m 755 "$binary" "$OUT.tmp/qemu-system-aarch64"
# Libraries: the machine's own where the loader finds one (same ABI, already trusted), the
# extracted packages' otherwise. ldd against the extracted directory tells which is which.
missing="$(LD_LIBRARY_PATH= ldd "$binary" | awk '/not found/ { print $1 }')"
for lib in $missing; do
  found="$(find "$WORK/x" -name "$lib" \( -type f -o -type l \) | head -n 1)"
  [ -n "$found" ] || die "qemu-system-aarch64 needs $lib, which no package provided"
  cp -L "$found" "$OUT.tmp/lib/"
done
# A second pass: libraries those libraries need that the machine lacks.
while :; do
  more="$(LD_LIBRARY_PATH="$OUT.tmp/lib" ldd "$OUT.tmp/qemu-system-aarch64" | awk '/not found/ { print $1 }' | sort -u)"
  [ -n "$more" ] || break
  for lib in $more; do
    found="$(find "$WORK/x" -name "$lib" \( -type f -o -type l \) | head -n 1)"
    [ -n "$found" ] || die "qemu-system-aarch64 needs $lib, which no package provided"
    cp -L "$found" "$OUT.tmp/lib/"
  done
done
mkdir -p "$OUT.tmp/share"
[ -d "$WORK/x/usr/share/qemu" ] && cp -a "$WORK/x/usr/share/qemu" "$OUT.tmp/share/"
echo "qemu-system-arm $(dpkg-deb -f "$(ls "$WORK"/debs/qemu-system-arm_*.deb)" Version)" > "$OUT.tmp/package"
LD_LIBRARY_PATH="$OUT.tmp/lib" "$OUT.tmp/qemu-system-aarch64" --version >/dev/null \
  || die "the backports qemu-system-aarch64 does not run on this machine"
rm -rf "$OUT"; mv "$OUT.tmp" "$OUT"
rm -rf "$WORK"
log "test host emulator: $(cat "$OUT/package") ($(du -sh "$OUT" | cut -f1))"
