#!/bin/sh
# Outage benchmark (issue 3): the outage a client sees when the service moves, for Lifeline and,
# through the same lab, Heartbeat 3 and keepalived. Needs root.
#   sudo bench/outage/run.sh            full run: 5 runs per scenario and system (about 20 minutes)
#   sudo bench/outage/run.sh --quick    smoke check: 2 runs per scenario (about 6 minutes)
#   sudo bench/outage/run.sh --soak     adds 10 minutes of the fast profile under CPU load
#   sudo bench/outage/run.sh --only soak    just the soak
# Further options: `python3 bench/outage/outage.py --help`. Results: bench/outage/results.md
# (results-quick.md for --quick, results-soak.md for --only soak) and the same data as JSON.
# Not run by CI.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
work=$here/work

if [ "$(id -u)" != 0 ]; then
  echo "run.sh: needs root (network namespaces, nftables): sudo $0 $*" >&2
  exit 1
fi
for tool in ip nft curl nginx timeout java python3 unshare; do
  command -v "$tool" >/dev/null 2>&1 || { echo "run.sh: $tool is not installed (see bin/setup-host)" >&2; exit 1; }
done
# The comparison systems are optional for Lifeline's own numbers but installed when missing.
missing=
[ -x /usr/libexec/heartbeat/heartbeat ] || missing="$missing heartbeat"
command -v keepalived >/dev/null 2>&1 || missing="$missing keepalived"
if [ -n "$missing" ]; then
  echo "run.sh: installing the comparison systems:$missing (apt-get; a policy-rc.d should keep their services off)"
  apt-get install -y -qq --no-install-recommends $missing
fi

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
      if [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qE "$work|while :|nginx|heartbeat|keepalived"; then
        kill -9 "$pid" 2>/dev/null || true
      fi
    done <"$work/pids"
  fi
  for ns in ll-on1 ll-on2 ll-ocl ll-ohub; do
    ip netns del "$ns" 2>/dev/null || true
  done
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

python3 "$here/outage.py" --repo "$repo" --jar "$jar" "$@"
