#!/bin/sh
# Forged-datagram benchmark of the Lifeline daemon (issue 14). Needs root.
#   sudo bench/forged/run.sh                      200,000 datagrams of each kind (about 15 minutes)
#   sudo bench/forged/run.sh --count 20000        a shorter run
# Results: bench/forged/results.md and results.json. Not run by CI.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
work=$here/work

if [ "$(id -u)" != 0 ]; then
  echo "run.sh: needs root (network namespaces, tcpdump): sudo $0 $*" >&2
  exit 1
fi
for tool in ip tcpdump java python3 mvn; do
  command -v "$tool" >/dev/null 2>&1 || { echo "run.sh: $tool is not installed (see bin/setup-host)" >&2; exit 1; }
done

# the daemon jar and the test classes (the forger, io.lifeline.cluster.ForgedDatagrams, lives there)
(cd "$repo" && { mvn -q -o package -DskipTests || mvn -q package -DskipTests; })
jar=$(ls "$repo"/target/lifeline-*-all.jar | head -n 1)
forger_cp="$repo/target/test-classes:$jar"

cleanup() {
  if [ -f "$work/pids" ]; then
    while read -r pid what; do
      if [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qE "$work|$repo|tcpdump"; then
        kill -9 "$pid" 2>/dev/null || true
      fi
    done <"$work/pids"
    rm -f "$work/pids"
  fi
  for ns in ll-aufx ll-aufn2 ll-aufn1 ll-aufhub; do
    ip netns del "$ns" 2>/dev/null || true
  done
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

python3 "$here/forged.py" --repo "$repo" --jar "$jar" --forger-cp "$forger_cp" "$@"
