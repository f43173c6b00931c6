#!/bin/sh
# Reload benchmark (issue 17): failed probes per VIP while hactl reload / SIGHUP apply (a) no
# change, (b) an added group, (c) a changed group, (d) a broken file, (e) a removed group, on a
# pair of nodes in network namespaces. Needs root.
#   sudo bench/reload/run.sh              4 rounds (2 through hactl reload, 2 through SIGHUP)
#   sudo bench/reload/run.sh --rounds 2
# Results: bench/reload/results.json (README.md has the numbers and how to read them).
set -eu
. "$(dirname "$0")/../lib.sh"

bench_need_root "network namespaces" "$@"
bench_need_tools ip java python3
[ -x /usr/lib/ocf/resource.d/heartbeat/Dummy ] || { echo "run.sh: needs the ClusterLabs resource-agents (Dummy)" >&2; exit 1; }

bench_jar

# Backstop if the Python driver itself is killed: end the processes it recorded (by PID, only if
# they still look like ours) and delete its namespaces. The driver normally does this itself.
cleanup() {
  bench_kill_recorded "$work|reload.py|monitor"
  bench_delete_namespaces ll-rl-n1 ll-rl-n2 ll-rl-cl ll-rl-hub
}
bench_on_exit cleanup

python3 "$here/reload.py" --repo "$repo" --jar "$jar" "$@"
