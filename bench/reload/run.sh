#!/bin/sh
# Reload benchmark (issue 17): failed probes per VIP while hactl reload / SIGHUP apply (a) no
# change, (b) an added group, (c) a changed group, (d) a broken file, (e) a removed group, on a
# pair of nodes in network namespaces. Needs root.
#   sudo bench/reload/run.sh              4 rounds (2 through hactl reload, 2 through SIGHUP)
#   sudo bench/reload/run.sh --rounds 2
# Results: bench/reload/results.json (README.md has the numbers and how to read them).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
work=$here/work

if [ "$(id -u)" != 0 ]; then
  echo "run.sh: needs root (network namespaces): sudo $0 $*" >&2
  exit 1
fi
for tool in ip java python3; do
  command -v "$tool" >/dev/null 2>&1 || { echo "run.sh: $tool is not installed (see bin/setup-host)" >&2; exit 1; }
done
[ -x /usr/lib/ocf/resource.d/heartbeat/Dummy ] || { echo "run.sh: needs the ClusterLabs resource-agents (Dummy)" >&2; exit 1; }

jar=$(ls "$repo"/target/lifeline-*-all.jar 2>/dev/null | head -n 1 || true)
if [ -z "$jar" ] || [ -n "$(find "$repo/src/main" "$repo/pom.xml" -newer "$jar" -print -quit)" ]; then
  echo "run.sh: building the jar (mvn -q package -DskipTests)"
  (cd "$repo" && { mvn -q -o package -DskipTests || mvn -q package -DskipTests; })
  jar=$(ls "$repo"/target/lifeline-*-all.jar | head -n 1)
fi

# Backstop if the Python driver itself is killed: end the processes it recorded (by PID, only if
# they still look like ours) and delete its namespaces. The driver normally does this itself.
cleanup() {
  if [ -f "$work/pids" ]; then
    while read -r pid what; do
      if [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qE "$work|reload.py|monitor"; then
        kill -9 "$pid" 2>/dev/null || true
      fi
    done <"$work/pids"
  fi
  for ns in ll-rl-n1 ll-rl-n2 ll-rl-cl ll-rl-hub; do
    ip netns del "$ns" 2>/dev/null || true
  done
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

python3 "$here/reload.py" --repo "$repo" --jar "$jar" "$@"
