# Helpers for scenario scripts run inside the arm64 test host (busybox sh). Sourced, not run.
# Every result is one line starting "SCENARIO <case> " so the xunit side can pick it out of the
# console output of the whole host session.

GUEST_ARGS="--kernel /guest/Image --initramfs /guest/initrd --memory 512M"

# count_vcpu_fds PID: KVM vCPU descriptors the process holds ("anon_inode:kvm-vcpu:N" links).
count_vcpu_fds() {
  local n=0 f
  for f in /proc/$1/fd/*; do
    case "$(readlink "$f" 2>/dev/null)" in anon_inode:kvm-vcpu*) n=$((n + 1)) ;; esac
  done
  echo $n
}

# count_vcpu_threads PID: threads whose name starts with "vcpu".
count_vcpu_threads() {
  local n=0 c name
  for c in /proc/$1/task/*/comm; do
    name=
    read -r name < "$c" 2>/dev/null
    case "$name" in vcpu*) n=$((n + 1)) ;; esac
  done
  echo $n
}

# wait_for_line FILE TEXT PID [TENTHS]: waits until FILE contains TEXT, PID dies, or the limit passes.
wait_for_line() {
  local i=0 limit=${4:-1800}
  while [ $i -lt $limit ]; do
    grep -q "$2" "$1" 2>/dev/null && return 0
    kill -0 "$3" 2>/dev/null || return 1
    sleep 0.1
    i=$((i + 1))
  done
  return 1
}

# report CASE: prints the case's saved stdout and stderr as SCENARIO lines.
report() {
  sed "s/^/SCENARIO $1 stdout: /" "/tmp/$1.out"
  sed "s/^/SCENARIO $1 stderr: /" "/tmp/$1.err"
}

# boot_case CASE PARKWAY-RUN-ARGS...: boots a guest whose cmdline holds it (parkway.hold), counts
# the vCPU descriptors and threads while it holds, waits for Parkway to exit.
boot_case() {
  local name=$1 pid rc fds threads
  shift
  parkway run $GUEST_ARGS "$@" > "/tmp/$name.out" 2> "/tmp/$name.err" &
  pid=$!
  fds=-1
  threads=-1
  if wait_for_line "/tmp/$name.out" "PARKWAY-GUEST holding" $pid; then
    fds=$(count_vcpu_fds $pid)
    threads=$(count_vcpu_threads $pid)
  fi
  wait $pid
  rc=$?
  echo "SCENARIO $name exit=$rc vcpu-fds=$fds vcpu-threads=$threads"
  report "$name"
}

# command_case CASE COMMAND...: runs a command, reports its exit code and output.
command_case() {
  local name=$1 rc
  shift
  "$@" > "/tmp/$name.out" 2> "/tmp/$name.err"
  rc=$?
  echo "SCENARIO $name exit=$rc"
  report "$name"
}
