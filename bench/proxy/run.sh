#!/bin/sh
# Java proxy vs HAProxy (issue 5): throughput/CPU matrix plus a backend-failure run. Needs root.
#   sudo bench/proxy/run.sh            full run (8 repetitions + failure runs; about 15 minutes)
#   sudo bench/proxy/run.sh --quick    smoke check (2 repetitions, one failure run each; about 3 minutes)
#   sudo bench/proxy/run.sh --only failure      one part only (throughput | failure)
# More options: python3 bench/proxy/proxybench.py --help. Results: bench/proxy/results.md and
# results.json (results-quick.* for --quick). Everything runs on the loopback of one network
# namespace, ll-hpbench (or $LL_HPBENCH_NS), which this script creates and deletes. Not run by CI.
set -eu
. "$(dirname "$0")/../lib.sh"
ns=${LL_HPBENCH_NS:-ll-hpbench}
case $ns in
  ll-*) ;;
  *) echo "run.sh: LL_HPBENCH_NS must start with ll- (got $ns)" >&2; exit 1 ;;
esac

bench_need_root "a network namespace" "$@"
bench_need_tools ip java python3 haproxy nginx wrk

bench_jar

# Backstop if the driver itself is killed: end the processes it recorded (by PID, only if they
# still look like ours: their command line names the work directory), then delete the namespace.
cleanup() {
  bench_kill_recorded "$work"
  bench_delete_namespaces "$ns"
}
bench_on_exit cleanup

mkdir -p "$work"
bench_delete_namespaces "$ns" # a leftover of an interrupted run
bench_add_namespace "$ns"
# timeout: every loop in the driver is bounded; this bounds the whole run too
ip netns exec "$ns" env LL_HPBENCH_NS="$ns" timeout 45m python3 "$here/proxybench.py" --repo "$repo" --jar "$jar" "$@"
