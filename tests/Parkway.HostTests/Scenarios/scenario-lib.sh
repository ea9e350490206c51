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

# uptime_ms: the host's uptime in milliseconds (no fork).
uptime_ms() {
  local up rest
  read -r up rest < /proc/uptime
  # "12.05": the fraction goes through "1" + digits so a leading 0 is not read as octal.
  echo $(( ${up%.*} * 1000 + 10 * (1${up#*.} - 100) ))
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

# ---- Step helpers for scenarios that print "STEP <name> ..." lines. They work on the current
# VM: $PID (its Parkway), $OUT (the guest's console output), $SOCK (its QMP socket) and $EVENTS
# (an event listener's output, /tmp/events.out unless set); a scenario with several VMs sets
# these anew for each.
EVENTS=/tmp/events.out
MARK=0
EVENT_MARK=0

# q ARGS...: a QMP command to the current VM.
q() { parkway qmp --socket $SOCK "$@"; }

# mark / event_mark: remember where the guest output / the event output ends now.
mark() { MARK=$(wc -l < $OUT); }
event_mark() { EVENT_MARK=$(wc -l < $EVENTS); }

# since_mark: the guest output printed after the mark.
since_mark() { tail -n +"$((MARK + 1))" $OUT; }

# counts STEP: the host-side view (vCPU descriptors and threads of $PID), as one STEP line.
counts() {
  echo "STEP $1 vcpu-fds=$(count_vcpu_fds $PID) vcpu-threads=$(count_vcpu_threads $PID)"
}

# guest_said TEXT: a guest line after the mark holds TEXT (an extended regular expression)
# followed by a space or the end of the line, so "enabled=0" does not match "enabled=0-1". The
# console's carriage returns are dropped first.
guest_said() {
  since_mark | tr -d '\r' | grep -qE -- "$1( |\$)"
}

# expect_guest STEP TEXT [TENTHS]: waits (90 s unless told) for guest_said TEXT while $PID lives.
expect_guest() {
  local i=0 limit=${3:-900}
  while [ $i -lt $limit ]; do
    if guest_said "$2"; then
      echo "STEP $1 guest-ok $2"
      return 0
    fi
    kill -0 $PID 2>/dev/null || break
    sleep 0.1
    i=$((i + 1))
  done
  echo "STEP $1 guest-timeout $2"
  return 1
}

# expect_event STEP PATTERN: waits (90 s) for an event line after the event mark matching PATTERN.
expect_event() {
  local i=0
  while [ $i -lt 900 ]; do
    if tail -n +"$((EVENT_MARK + 1))" $EVENTS | grep -q -- "$2"; then
      echo "STEP $1 event-ok $2"
      return 0
    fi
    sleep 0.1
    i=$((i + 1))
  done
  echo "STEP $1 event-timeout $2"
  return 1
}

# request STEP ARGS...: a QMP command to the current VM; its exit code and output as STEP lines.
request() {
  local name=$1 rc
  shift
  q "$@" > /tmp/req.out 2> /tmp/req.err
  rc=$?
  echo "STEP $name exit=$rc"
  sed "s/^/STEP $name stderr: /" /tmp/req.err
  sed "s/^/STEP $name stdout: /" /tmp/req.out
}
