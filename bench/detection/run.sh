#!/bin/sh
# Failure-detection and resource benchmark of the Lifeline daemon (issue 2). Needs root.
#   sudo bench/detection/run.sh            full run (about 35-45 minutes, includes a 10-minute soak)
#   sudo bench/detection/run.sh --quick    smoke check (about 5 minutes, no soak, no 30 s timers)
# Further options: see `python3 bench/detection/detection.py --help`. Results: bench/detection/results.md
# (results-quick.md for --quick) and the same data as JSON next to it. Not run by CI.
set -eu
. "$(dirname "$0")/../lib.sh"

bench_need_root "network namespaces, nftables, tcpdump" "$@"
bench_need_tools ip nft tcpdump timeout java python3

bench_jar

# Backstop if the Python driver itself is killed: end the processes it recorded (by PID, only if
# they still look like ours) and delete its namespaces. The driver normally does this itself.
cleanup() {
  bench_kill_recorded "$work|while :|tcpdump|nft|ip -n ll-b"
  bench_delete_namespaces ll-bn1 ll-bn2 ll-bhub
}
bench_on_exit cleanup

python3 "$here/detection.py" --repo "$repo" --jar "$jar" "$@"
