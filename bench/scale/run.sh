#!/bin/sh
# Scale benchmark of the Lifeline daemon (issue 15, item 6). Needs root.
#   sudo bench/scale/run.sh                               N = 2,4,8,16, one bcast link
#   sudo bench/scale/run.sh --nodes 2,4 --link ucast      other sizes / link kinds
# Further options: python3 bench/scale/scale.py --help. Results: bench/scale/results.md and
# results.json (--out NAME for another name). Not run by CI.
set -eu
. "$(dirname "$0")/../lib.sh"

bench_need_root "network namespaces, nftables" "$@"
bench_need_tools ip nft java python3
bench_jar
# Backstop if the driver itself is killed: end the processes it recorded (by PID, only if they
# still look like ours) and delete its namespaces. The driver normally does this itself.
cleanup() {
  bench_kill_recorded "$work"
  prefix=${LL_SCALE_NS:-ll-sc}
  bench_delete_namespaces $(ip netns list | awk '{print $1}' | grep -E "^${prefix}(hub|n[0-9]+)\$")
}
bench_on_exit cleanup
python3 "$here/scale.py" --repo "$repo" --jar "$jar" "$@"
