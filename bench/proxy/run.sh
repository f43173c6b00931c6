#!/bin/sh
# Java proxy vs HAProxy (issue 5): throughput/CPU matrix plus a backend-failure run. Needs root.
#   sudo bench/proxy/run.sh            full run (8 repetitions + failure runs; about 15 minutes)
#   sudo bench/proxy/run.sh --quick    smoke check (2 repetitions, one failure run each; about 3 minutes)
#   sudo bench/proxy/run.sh --only failure      one part only (throughput | failure)
# More options: python3 bench/proxy/proxybench.py --help. Results: bench/proxy/results.md and
# results.json (results-quick.* for --quick). Everything runs on the loopback of one network
# namespace, ll-hpbench (or $LL_HPBENCH_NS), which this script creates and deletes. Not run by CI.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
work=$here/work
ns=${LL_HPBENCH_NS:-ll-hpbench}
case $ns in
  ll-*) ;;
  *) echo "run.sh: LL_HPBENCH_NS must start with ll- (got $ns)" >&2; exit 1 ;;
esac

if [ "$(id -u)" != 0 ]; then
  echo "run.sh: needs root (a network namespace): sudo $0 $*" >&2
  exit 1
fi
for tool in ip java python3 haproxy nginx wrk; do
  command -v "$tool" >/dev/null 2>&1 || [ -x "/usr/sbin/$tool" ] || { echo "run.sh: $tool is not installed (see bin/setup-host)" >&2; exit 1; }
done

jar=$(ls "$repo"/target/lifeline-*-all.jar 2>/dev/null | head -n 1 || true)
if [ -z "$jar" ] || [ -n "$(find "$repo/src/main" "$repo/pom.xml" -newer "$jar" -print -quit)" ]; then
  echo "run.sh: building the jar (mvn -q package -DskipTests)"
  (cd "$repo" && { mvn -q -o package -DskipTests || mvn -q package -DskipTests; })
  jar=$(ls "$repo"/target/lifeline-*-all.jar | head -n 1)
fi

# Backstop if the driver itself is killed: end the processes it recorded (by PID, only if they
# still look like ours: their command line names the work directory), then delete the namespace.
cleanup() {
  if [ -f "$work/pids" ]; then
    while read -r pid what; do
      if [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q "$work"; then
        kill -9 "$pid" 2>/dev/null || true
      fi
    done <"$work/pids"
  fi
  ip netns del "$ns" 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

mkdir -p "$work"
ip netns del "$ns" 2>/dev/null || true
ip netns add "$ns"
ip -n "$ns" link set lo up
# timeout: every loop in the driver is bounded; this bounds the whole run too
ip netns exec "$ns" env LL_HPBENCH_NS="$ns" timeout 45m python3 "$here/proxybench.py" --repo "$repo" --jar "$jar" "$@"
