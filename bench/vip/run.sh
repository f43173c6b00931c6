#!/bin/sh
# VIP benchmark (issue 4): time from the agent's start to the client reaching the virtual IP,
# median of repeated runs (fresh start, takeover, handover; IPv4 and IPv6). Needs root.
#   sudo bench/vip/run.sh            full run: 10 runs per set, 3 cold starts (about 4 minutes)
#   sudo bench/vip/run.sh --quick    smoke check: 3 runs per set, 1 cold start (about 2 minutes)
# Further options: `python3 bench/vip/vipbench.py --help`. Results: bench/vip/results.md
# (results-quick.md for --quick) and the same data as JSON next to it. Not run by CI.
set -eu
. "$(dirname "$0")/../lib.sh"

bench_need_root "network namespaces, raw and packet sockets" "$@"
bench_need_tools ip ping java javac timeout python3

bench_jar
mkdir -p "$work"

# Backstop if the Python driver itself is killed: end the processes it recorded (by PID, only if
# they still look like ours) and delete its namespaces. The driver normally does this itself.
cleanup() {
  bench_kill_recorded "VipDriver|vipbench.py probe"
  bench_delete_namespaces ll-vbn1 ll-vbn2 ll-vbcl ll-vbhub
}
bench_on_exit cleanup

timeout --foreground 30m python3 "$here/vipbench.py" --repo "$repo" --jar "$jar" "$@"
