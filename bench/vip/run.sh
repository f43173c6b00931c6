#!/bin/sh
# VIP benchmark (issue 4): time from the agent's start to the client reaching the virtual IP,
# median of repeated runs (fresh start, takeover, handover; IPv4 and IPv6). Needs root.
#   sudo bench/vip/run.sh            full run: 10 runs per set, 3 cold starts (about 4 minutes)
#   sudo bench/vip/run.sh --quick    smoke check: 3 runs per set, 1 cold start (about 2 minutes)
# Further options: `python3 bench/vip/vipbench.py --help`. Results: bench/vip/results.md
# (results-quick.md for --quick) and the same data as JSON next to it. Not run by CI.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
work=$here/work

if [ "$(id -u)" != 0 ]; then
  echo "run.sh: needs root (network namespaces, raw and packet sockets): sudo $0 $*" >&2
  exit 1
fi
for tool in ip ping java javac timeout python3; do
  command -v "$tool" >/dev/null 2>&1 || { echo "run.sh: $tool is not installed (see bin/setup-host)" >&2; exit 1; }
done

jar=$(ls "$repo"/target/lifeline-*-all.jar 2>/dev/null | head -n 1 || true)
if [ -z "$jar" ] || [ -n "$(find "$repo/src/main" "$repo/pom.xml" -newer "$jar" -print -quit)" ]; then
  echo "run.sh: building the jar (mvn -q package -DskipTests)"
  (cd "$repo" && { mvn -q -o package -DskipTests || mvn -q package -DskipTests; })
  jar=$(ls "$repo"/target/lifeline-*-all.jar | head -n 1)
fi
mkdir -p "$work"

# Backstop if the Python driver itself is killed: end the processes it recorded (by PID, only if
# they still look like ours) and delete its namespaces. The driver normally does this itself.
cleanup() {
  if [ -f "$work/pids" ]; then
    while read -r pid what; do
      if [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qE "VipDriver|vipbench.py probe"; then
        kill -9 "$pid" 2>/dev/null || true
      fi
    done <"$work/pids"
  fi
  for ns in ll-vbn1 ll-vbn2 ll-vbcl ll-vbhub; do
    ip netns del "$ns" 2>/dev/null || true
  done
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

timeout --foreground 30m python3 "$here/vipbench.py" --repo "$repo" --jar "$jar" "$@"
