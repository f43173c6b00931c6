#!/bin/sh
# Long randomized fault run (issue 14, item 3): real daemons in network namespaces, a seeded
# nemesis, the invariants of FaultSuiteIT, a summary per fault kind. Needs root.
#   sudo bench/faults/run.sh [FAULTS [SEED [KINDS [SHAPE]]]]  default 100 faults, seed 1, every kind of the
#   shape (about 10 s a fault); KINDS: comma-separated fault kinds for a focused run, e.g.
#   PARTITION,ONE_SIDED_PARTITION ("" for every kind of the shape); SHAPE (or env LL_FAULT_SHAPE): the
#   cluster, three (default: 3 nodes, every kind), arbiter (2 nodes + a witness), four-atb (4 nodes,
#   auto_tie_breaker), two-fence (2 nodes, fence_peers and a lab fence agent); see README.md.
#   Env LL_FAULT_NS=PREFIX names the namespaces PREFIXfsb... (default ll-; it must start with ll-),
#   e.g. a prefix reserved for whoever runs it on a shared box.
# Writes bench/faults/work/ (gitignored): summary.txt, every daemon's logs, the address monitors,
# the client probe, the status of every node for each stuck group, every node's input journal after
# a slow planned move (slow/FAULT/). Not run by CI.
set -eu
. "$(dirname "$0")/../lib.sh"
faults=${1:-100}
seed=${2:-1}
kinds=${3:-}
shape=${4:-${LL_FAULT_SHAPE:-three}}
ns=${LL_FAULT_NS:-ll-}

bench_need_root "network namespaces, nftables" "$@"
case "$faults$seed" in
  *[!0-9]*) echo "usage: $0 [FAULTS [SEED [KINDS]]] (whole numbers; KINDS e.g. PARTITION,ONE_SIDED_PARTITION)" >&2; exit 2 ;;
esac
case "$kinds" in
  *[!A-Z0-9_,]*) echo "run.sh: KINDS is a comma-separated list of fault kinds (bench/faults/README.md), not '$kinds'" >&2; exit 2 ;;
esac
case "$shape" in
  three|arbiter|four-atb|two-fence) ;;
  *) echo "run.sh: SHAPE is three, arbiter, four-atb or two-fence (bench/faults/README.md), not '$shape'" >&2; exit 2 ;;
esac
case "$ns" in
  ll-*) case "${ns#ll-}" in *[!a-z0-9-]*) echo "run.sh: LL_FAULT_NS is ll- and letters, digits, dashes, not '$ns'" >&2; exit 2 ;; esac ;;
  *) echo "run.sh: LL_FAULT_NS must start with ll- (the lab's namespaces), not '$ns'" >&2; exit 2 ;;
esac
if [ "$faults" -gt 2000 ]; then
  echo "run.sh: at most 2000 faults a run (about 6 hours)" >&2
  exit 2
fi
bench_need_tools ip nft nginx timeout java mvn
[ -x /usr/lib/ocf/resource.d/heartbeat/Dummy ] || { echo "run.sh: the OCF Dummy agent is missing (resource-agents, see bin/setup-host)" >&2; exit 1; }

# The run is the FaultBench test through failsafe (it builds the daemon's jar first). Every helper
# process and namespace belongs to the test's lab, which removes them on exit, Ctrl-C included.
# Bounded: every fault step is bounded, and the whole run by 60 s a fault plus 10 minutes.
cd "$repo"
echo "fault run: $faults faults, seed $seed, shape $shape, namespaces ${ns}fsb*, commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
timeout --foreground $((faults * 60 + 600)) \
  mvn -B -o -q verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=FaultBench \
    -Dfaults.count="$faults" -Dfaults.seed="$seed" -Dfaults.kinds="$kinds" -Dfaults.shape="$shape" \
    -Dlifeline.lab.tag="${ns#ll-}" -Dfaults.out="$here/work" || status=$?
if [ -f "$here/work/summary.txt" ]; then
  cat "$here/work/summary.txt"
else
  out=target/failsafe-reports/io.lifeline.faults.FaultBench-output.txt
  # a shape and KINDS that do not fit, an unknown kind: FaultBench's own message, not its stack trace
  why=$(cat "$out" target/failsafe-reports/io.lifeline.faults.FaultBench.txt 2>/dev/null \
    | grep -m 1 -o 'IllegalArgumentException: .*' | sed 's/^IllegalArgumentException: //' || true)
  [ -n "$why" ] && echo "run.sh: $why" >&2
  echo "run.sh: no summary (see $out)" >&2
fi
exit "${status:-0}"
