# bench/lib.sh: the shell parts the benchmarks' run.sh scripts share. POSIX sh; source it first:
#   . "$(dirname "$0")/../lib.sh"
# It sets here (the benchmark's folder), repo (the checkout) and work (here/work), and defines
# the functions below. It runs nothing by itself. The measuring is the drivers' (Python or Java);
# these functions only check the machine, find the jar, and clean up after a driver that was killed.

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
work=$here/work

# bench_need_root WHY [ARGS...]: exit 1 unless root; WHY says what root is needed for, ARGS are
# the script's own arguments (for the sudo line it suggests).
bench_need_root() {
  why=$1
  shift
  if [ "$(id -u)" != 0 ]; then
    echo "run.sh: needs root ($why): sudo $0 $*" >&2
    exit 1
  fi
}

# bench_need_tools TOOL...: exit 1 naming the first tool that is neither on PATH nor in /usr/sbin.
bench_need_tools() {
  for tool in "$@"; do
    command -v "$tool" >/dev/null 2>&1 || [ -x "/usr/sbin/$tool" ] \
      || { echo "run.sh: $tool is not installed (see bin/setup-host)" >&2; exit 1; }
  done
}

# bench_jar: sets jar to target/lifeline-*-all.jar, building it first when it is missing or older
# than src/main or pom.xml (offline first, then with the network).
bench_jar() {
  jar=$(ls "$repo"/target/lifeline-*-all.jar 2>/dev/null | head -n 1 || true)
  if [ -z "$jar" ] || [ -n "$(find "$repo/src/main" "$repo/pom.xml" -newer "$jar" -print -quit)" ]; then
    echo "run.sh: building the jar (mvn -q package -DskipTests)"
    (cd "$repo" && { mvn -q -o package -DskipTests || mvn -q package -DskipTests; })
    jar=$(ls "$repo"/target/lifeline-*-all.jar | head -n 1)
  fi
}

# bench_kill_recorded PATTERN: the backstop for a driver that was itself killed. The drivers note
# every process they start in $work/pids ("PID WHAT" lines); this kills each one that is still
# running and still looks like ours (its command line matches the extended regex PATTERN, so a
# reused PID of someone else's process is left alone), then removes the file so that a later run
# never acts on these PIDs again.
bench_kill_recorded() {
  if [ -f "$work/pids" ]; then
    while read -r pid what; do
      if [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qE "$1"; then
        kill -9 "$pid" 2>/dev/null || true
      fi
    done <"$work/pids"
    rm -f "$work/pids"
  fi
}

# bench_delete_namespaces NS...: deletes each network namespace that exists; quiet about the rest.
bench_delete_namespaces() {
  for ns in "$@"; do
    ip netns del "$ns" 2>/dev/null || true
  done
}

# bench_add_namespace NS: a new network namespace with its loopback up (fails if NS exists).
bench_add_namespace() {
  ip netns add "$1"
  ip -n "$1" link set lo up
}

# bench_add_bridge NS BRIDGE: a bridge inside namespace NS, up, multicast snooping off (so that
# multicast floods like broadcast, as on a dumb switch).
bench_add_bridge() {
  ip -n "$1" link add "$2" type bridge mcast_snooping 0
  ip -n "$1" link set "$2" up
}

# bench_on_exit FUNCTION: runs FUNCTION when the script exits, also on Ctrl-C, TERM and HUP
# (which exit with status 130 so that the EXIT trap runs once).
bench_on_exit() {
  trap "$1" EXIT
  trap 'exit 130' INT TERM HUP
}
