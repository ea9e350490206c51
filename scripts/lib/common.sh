# Shared by every script in scripts/: paths and small helpers. Source it, do not run it.
set -euo pipefail

PARKWAY_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# Everything downloaded or built by the scripts lives here; it is git-ignored and safe to delete.
PARKWAY_CACHE="${PARKWAY_CACHE:-$PARKWAY_ROOT/.cache}"
mkdir -p "$PARKWAY_CACHE"

log() { printf '[%s] %s\n' "$(basename "$0")" "$*" >&2; }
die() { printf '%s: %s\n' "$(basename "$0")" "$*" >&2; exit 1; }

# Runs a command as root: directly when we are root, through sudo otherwise.
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}
