#!/bin/sh
# Forged-packet benchmark of the Lifeline daemon (issue 14). Needs root.
#   sudo bench/forged/run.sh                          200,000 datagrams of each kind at 10,000/s
#   sudo bench/forged/run.sh --count 5000 --rate 1000 a quick check (about 2 minutes)
# Further options: python3 bench/forged/forged.py --help. Results: bench/forged/results.md and
# results.json. Not run by CI.
set -eu
. "$(dirname "$0")/../lib.sh"

bench_need_root "network namespaces, raw sockets" "$@"
bench_need_tools ip timeout java python3
bench_jar
# Backstop if the driver itself is killed: end the processes it recorded, by PID, and delete its
# namespaces. The driver normally does this itself.
cleanup() {
  bench_kill_recorded "$work"
  bench_delete_namespaces ll-fn1 ll-fn2 ll-fatk ll-fhub
}
bench_on_exit cleanup
python3 "$here/forged.py" --repo "$repo" --jar "$jar" "$@"
