#!/usr/bin/env bash
# Builds what scripts/bench carries into the arm64 test host, into $PARKWAY_CACHE/bench-assets/:
#   raw-hold.img, raw-mmio-2000.img, raw-mmio-20000.img   the raw guest (bench/raw-guest), assembled
#                      with the cross binutils, one image per mode
#   reference-vmm      the C floor (bench/reference-vmm), built with the cross gcc
#   hello              a Native AOT hello world published like parkway (bench/Parkway.Bench.Hello)
#   parkway-bench      the benchmark driver (bench/Parkway.Bench), Native AOT
# The two .NET programs are republished only when their inputs changed (a hash stamp, as in
# publish-parkway.sh); the C and assembly pieces take milliseconds and are always rebuilt.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

OUT="$PARKWAY_CACHE/bench-assets"
mkdir -p "$OUT"
cd "$PARKWAY_ROOT"

for mode in hold mmio-2000 mmio-20000; do
  case "$mode" in
    hold) defines=(-DMODE_HOLD) ;;
    mmio-*) defines=(-DMODE_MMIO "-DMMIO_READS=${mode#mmio-}") ;;
  esac
  aarch64-linux-gnu-gcc -c "${defines[@]}" bench/raw-guest/raw-guest.S -o "$OUT/raw-$mode.o"
  aarch64-linux-gnu-ld -Ttext=0 "$OUT/raw-$mode.o" -o "$OUT/raw-$mode.elf"
  aarch64-linux-gnu-objcopy -O binary "$OUT/raw-$mode.elf" "$OUT/raw-$mode.img"
  rm -f "$OUT/raw-$mode.o" "$OUT/raw-$mode.elf"
done
aarch64-linux-gnu-gcc -O2 -Wall -Wextra -Werror -o "$OUT/reference-vmm" bench/reference-vmm/reference-vmm.c

# publish_aot PROJECT_DIR NAME: Native AOT for linux-arm64 into $OUT/NAME, skipped when unchanged.
publish_aot() {
  local project="$1" name="$2" stamp="$OUT/.$2.sha256" hash
  hash="$( { find "$project" src -type f -not -path '*/bin/*' -not -path '*/obj/*' -print0 | LC_ALL=C sort -z \
             | xargs -0 -r sha256sum; sha256sum Directory.*.props global.json "${BASH_SOURCE[0]}"; } | sha256sum | cut -d' ' -f1)"
  if [ -x "$OUT/$name" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$hash" ]; then return; fi
  log "dotnet publish $project for linux-arm64 (Native AOT)"
  dotnet publish "$project" -c Release -r linux-arm64 -p:PublishAot=true -p:InvariantGlobalization=true \
    --artifacts-path "$PARKWAY_CACHE/artifacts" -o "$OUT/publish-$name" -nologo -v:q -clp:NoSummary \
    || die "dotnet publish of $project failed"
  install -m 755 "$OUT/publish-$name/$name" "$OUT/$name"
  rm -rf "$OUT/publish-$name"
  echo "$hash" > "$stamp"
}
publish_aot bench/Parkway.Bench.Hello hello
publish_aot bench/Parkway.Bench parkway-bench
