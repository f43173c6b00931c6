#!/bin/sh
# Outage benchmark (issue 3): the outage a client sees when the service moves, for Lifeline and,
# through the same lab, Heartbeat 3 and keepalived. Needs root.
#   sudo bench/outage/run.sh            full run: 5 runs per scenario and system (about 20 minutes)
#   sudo bench/outage/run.sh --quick    smoke check: 2 runs per scenario (about 6 minutes)
#   sudo bench/outage/run.sh --soak     adds 10 minutes of the fast profile under CPU load
#   sudo bench/outage/run.sh --only soak    just the soak (50/250, 2 nodes)
#   sudo bench/outage/run.sh --only soak --soak-profile 20/100 --soak-nodes 3 --ns-prefix ll-sk-
#   sudo bench/outage/run.sh --lease-ab --lease-profiles 50/250,100/500 --ns-prefix ll-lc-
#                                       quorum_lease on against off on 3 nodes (results-lease-ab.md)
# Further options: `python3 bench/outage/outage.py --help`. Results: bench/outage/results.md
# (results-quick.md for --quick, results-soak.md for --only soak) and the same data as JSON.
# Not run by CI.
set -eu
. "$(dirname "$0")/../lib.sh"

bench_need_root "network namespaces, nftables" "$@"
bench_need_tools ip nft curl nginx timeout java python3 unshare
# The comparison systems are optional for Lifeline's own numbers but installed when missing
# (not for the soak or the lease A/B alone: they run only Lifeline).
missing=
case " $* " in *" --only soak "*|*" --only=soak "*|*" --lease-ab "*|*" --only lease-ab "*) soak_only=1 ;; *) soak_only= ;; esac
[ -n "$soak_only" ] || [ -x /usr/libexec/heartbeat/heartbeat ] || missing="$missing heartbeat"
[ -n "$soak_only" ] || command -v keepalived >/dev/null 2>&1 || missing="$missing keepalived"
if [ -n "$missing" ]; then
  echo "run.sh: installing the comparison systems:$missing (apt-get; a policy-rc.d should keep their services off)"
  apt-get install -y -qq --no-install-recommends $missing
fi

bench_jar

# Backstop if the Python driver itself is killed: end the processes it recorded (by PID, only if
# they still look like ours) and delete its namespaces. The driver normally does this itself.
# The namespaces' prefix: --ns-prefix P, else $LL_OUTAGE_NS_PREFIX, else ll-o (outage.py's rule).
ns=${LL_OUTAGE_NS_PREFIX:-ll-o}
prev=
for arg in "$@"; do
  case "$prev" in --ns-prefix) ns=$arg ;; esac
  case "$arg" in --ns-prefix=*) ns=${arg#--ns-prefix=} ;; esac
  prev=$arg
done
cleanup() {
  bench_kill_recorded "$work|while :|nginx|heartbeat|keepalived"
  bench_delete_namespaces "${ns}n1" "${ns}n2" "${ns}n3" "${ns}cl" "${ns}hub"
}
bench_on_exit cleanup

python3 "$here/outage.py" --repo "$repo" --jar "$jar" "$@"
