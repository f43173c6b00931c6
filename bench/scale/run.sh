#!/bin/sh
# Scale benchmark of the Lifeline daemon (issue 15, item 6). Needs root.
#   sudo bench/scale/run.sh                               N = 2,4,8,16, one bcast link
#   sudo bench/scale/run.sh --nodes 2,4 --link ucast      other sizes / link kinds
# Further options: python3 bench/scale/scale.py --help. Results: bench/scale/results.md and
# results.json (--out NAME for another name). Not run by CI.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
work=$here/work

if [ "$(id -u)" != 0 ]; then
  echo "run.sh: needs root (network namespaces, nftables): sudo $0 $*" >&2
  exit 1
fi
for tool in ip nft java python3; do
  command -v "$tool" >/dev/null 2>&1 || { echo "run.sh: $tool is not installed (see bin/setup-host)" >&2; exit 1; }
done
jar=$(ls "$repo"/target/lifeline-*-all.jar 2>/dev/null | head -n 1 || true)
if [ -z "$jar" ] || [ -n "$(find "$repo/src/main" "$repo/pom.xml" -newer "$jar" -print -quit)" ]; then
  echo "run.sh: building the jar (mvn -q package -DskipTests)"
  (cd "$repo" && { mvn -q -o package -DskipTests || mvn -q package -DskipTests; })
  jar=$(ls "$repo"/target/lifeline-*-all.jar | head -n 1)
fi
# Backstop if the driver itself is killed: end the processes it recorded (by PID, only if they
# still look like ours) and delete its namespaces. The driver normally does this itself.
cleanup() {
  if [ -f "$work/pids" ]; then
    while read -r pid what; do
      if [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q "$work"; then
        kill -9 "$pid" 2>/dev/null || true
      fi
    done <"$work/pids"
    rm -f "$work/pids"
  fi
  prefix=${LL_SCALE_NS:-ll-sc}
  for ns in $(ip netns list | awk '{print $1}' | grep -E "^${prefix}(hub|n[0-9]+)\$"); do
    ip netns del "$ns" 2>/dev/null || true
  done
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP
python3 "$here/scale.py" --repo "$repo" --jar "$jar" "$@"
