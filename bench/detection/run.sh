#!/bin/sh
# Failure-detection and resource benchmark of the Lifeline daemon (issue 2). Needs root.
#   sudo bench/detection/run.sh            full run (about 35-45 minutes, includes a 10-minute soak)
#   sudo bench/detection/run.sh --quick    smoke check (about 5 minutes, no soak, no 30 s timers)
# Further options: see `python3 bench/detection/detection.py --help`. Results: bench/detection/results.md
# (results-quick.md for --quick) and the same data as JSON next to it. Not run by CI.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
work=$here/work

if [ "$(id -u)" != 0 ]; then
  echo "run.sh: needs root (network namespaces, nftables, tcpdump): sudo $0 $*" >&2
  exit 1
fi
for tool in ip nft tcpdump timeout java python3; do
  command -v "$tool" >/dev/null 2>&1 || { echo "run.sh: $tool is not installed (see bin/setup-host)" >&2; exit 1; }
done

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
      if [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qE "$work|while :|tcpdump|nft|ip -n ll-b"; then
        kill -9 "$pid" 2>/dev/null || true
      fi
    done <"$work/pids"
  fi
  for ns in ll-bn1 ll-bn2 ll-bhub; do
    ip netns del "$ns" 2>/dev/null || true
  done
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

python3 "$here/detection.py" --repo "$repo" --jar "$jar" "$@"
