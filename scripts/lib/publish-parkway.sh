#!/usr/bin/env bash
# Publishes the `parkway` executable for linux-arm64 with Native AOT (cross-compiled from x64 with
# Debian's clang and aarch64 binutils) into $PARKWAY_CACHE/publish/linux-arm64/parkway.
#
# Skipped when nothing that goes into the binary changed: the stamp holds a hash of src/** (without
# bin/obj), the Directory.*.props files, global.json, .editorconfig and this script.
# Intermediate files go to $PARKWAY_CACHE/artifacts so the cross build never fights an
# IDE or `dotnet build` over src/*/obj. Do not add -p:SysRoot: the cross libc.so linker script holds
# absolute paths and the link fails with it.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

OUT="$PARKWAY_CACHE/publish/linux-arm64"
STAMP="$OUT/.inputs.sha256"

inputs_hash() {
  cd "$PARKWAY_ROOT"
  {
    find src -type f -not -path '*/bin/*' -not -path '*/obj/*' -print0 | LC_ALL=C sort -z \
      | xargs -0 -r sha256sum
    sha256sum Directory.*.props global.json .editorconfig "${BASH_SOURCE[0]}" 2>/dev/null || true
  } | sha256sum | cut -d' ' -f1
}

hash="$(inputs_hash)"
if [ -x "$OUT/parkway" ] && [ "$(cat "$STAMP" 2>/dev/null)" = "$hash" ]; then
  exit 0
fi

log "dotnet publish src/Parkway for linux-arm64 (Native AOT); takes a minute or two"
rm -f "$STAMP"
cd "$PARKWAY_ROOT"
dotnet publish src/Parkway -c Release -r linux-arm64 -p:PublishAot=true -p:InvariantGlobalization=true \
  --artifacts-path "$PARKWAY_CACHE/artifacts" -o "$OUT" -nologo -v:q -clp:NoSummary \
  || die "dotnet publish failed"

[ -x "$OUT/parkway" ] || die "publish produced no $OUT/parkway"
# e_machine (offset 18) = 0xB7 (EM_AARCH64), after the ELF magic.
[ "$(head -c 4 "$OUT/parkway" | od -An -c | tr -d ' ')" = '177ELF' ] \
  && [ "$(od -An -tx1 -j18 -N2 "$OUT/parkway" | tr -d ' ')" = "b700" ] \
  || die "$OUT/parkway is not an aarch64 ELF executable"
echo "$hash" > "$STAMP"
log "published $OUT/parkway ($(du -h "$OUT/parkway" | cut -f1))"
