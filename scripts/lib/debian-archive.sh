# Private access to Debian's arm64 archive for the scripts (source it after common.sh, do not run
# it). The machine's apt configuration is never touched: every apt call gets a private sources
# list, lists directory and cache under $PARKWAY_CACHE/apt/<suite>, with arm64 as the only
# architecture. Callers set REFRESH=1 to re-read the package lists.
REFRESH="${REFRESH:-0}"

# The Debian mirror the machine already uses (the only archive reachable from CI).
debian_mirror() {
  local uri=""
  if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    uri="$(awk '/^URIs:/ { for (i = 2; i <= NF; i++) if ($i !~ /security/) { print $i; exit } }' \
           /etc/apt/sources.list.d/debian.sources)"
  fi
  if [ -z "$uri" ] && [ -f /etc/apt/sources.list ]; then
    uri="$(awk '$1 == "deb" && $0 !~ /security/ { for (i = 2; i <= NF; i++) if ($i ~ /^https?:/) { print $i; exit } }' \
           /etc/apt/sources.list)"
  fi
  echo "${uri:-http://deb.debian.org/debian}"
}

# Runs an apt tool ($1) against the private state $2 (a name prepare_suite or prepare_state made).
private_apt() {
  local tool="$1" suite="$2"; shift 2
  local dir="$PARKWAY_CACHE/apt/$suite" arch=arm64
  [ -f "$dir/arch" ] && arch="$(cat "$dir/arch")"
  "$tool" -q \
    -o Dir::Etc::SourceList="$dir/sources.list" -o Dir::Etc::SourceParts=/dev/null \
    -o Dir::Etc::Preferences=/dev/null -o Dir::Etc::PreferencesParts=/dev/null \
    -o Dir::State::Lists="$dir/lists" -o Dir::State::Status=/dev/null \
    -o Dir::Cache="$dir/cache" -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache= \
    -o APT::Architecture="$arch" -o APT::Architectures="$arch" -o APT::Sandbox::User=root \
    "$@"
}

# Prepares a private apt state named $1 for architecture $2 over the suites $3... and refreshes
# its package lists when they are missing (or on --refresh).
prepare_state() {
  local name="$1" arch="$2" dir="$PARKWAY_CACHE/apt/$1" suite
  shift 2
  mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial"
  local keyring=/usr/share/keyrings/debian-archive-keyring.gpg
  local signed=""
  [ -f "$keyring" ] && signed=" signed-by=$keyring"
  for suite in "$@"; do echo "deb [arch=$arch$signed] $(debian_mirror) $suite main"; done > "$dir/sources.list"
  echo "$arch" > "$dir/arch"
  if [ "$REFRESH" = 1 ] || [ ! -f "$dir/lists/.updated" ]; then
    log "apt-get update (private lists for $*, $arch)"
    private_apt apt-get "$name" update >/dev/null
    touch "$dir/lists/.updated"
  fi
}

# The arm64 state of one suite (kernels, busybox, the arm64 QEMU).
prepare_suite() { prepare_state "$1" arm64 "$1"; }

# Downloads package $2 from suite $1 into directory $3 (retrying once after a list update, for
# when the archive has moved on since our lists were fetched) and prints the .deb path.
download_deb() {
  local suite="$1" package="$2" dest="$3"
  mkdir -p "$dest"
  if ! (cd "$dest" && private_apt apt-get "$suite" download "$package" >/dev/null 2>&1); then
    log "download of $package failed; refreshing the $suite lists and retrying"
    private_apt apt-get "$suite" update >/dev/null
    (cd "$dest" && private_apt apt-get "$suite" download "$package" >/dev/null)
  fi
  ls -t "$dest"/*.deb | head -n 1
}

