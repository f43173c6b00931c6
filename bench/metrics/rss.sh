#!/bin/sh
# bench/metrics/rss.sh: what ha.cf http_listen costs in resident memory. Two daemons of one
# cluster, started by bin/hactl daemon (the launcher's JVM flags, realtime on as by default),
# empty haresources so both do the same work; only n1 has http_listen. After the cluster
# formed, n1 is scraped SCRAPES times (default 200), n2 is left alone; VmRSS of both is
# printed at start, after the scrapes, and after IDLE more seconds with one scrape a second
# (SHOW_THREADS=1 also lists both daemons' threads). Needs root, curl, the built jar.
# Namespaces ll-mxb-n1/-n2 (198.51.100.11/12) on a bridge in ll-mxb-hub (LL_MXB_NS=ll-... for
# another prefix than ll-mxb); the script kills only the daemons it started (by PID) and deletes
# its namespaces on exit.
set -eu
. "$(dirname "$0")/../lib.sh"
ns=${LL_MXB_NS:-ll-mxb}
case $ns in
  ll-*) ;;
  *) echo "rss.sh: LL_MXB_NS must start with ll- (got $ns)" >&2; exit 1 ;;
esac
scrapes=${SCRAPES:-200}
idle=${IDLE:-60}
work=$(mktemp -d /tmp/ll-mxb.XXXXXX)
pids=""
cleanup() {
  for p in $pids; do kill "$p" 2>/dev/null || true; done
  for p in $pids; do
    i=0 # a clean stop takes a few seconds; after 30 s, SIGKILL
    while kill -0 "$p" 2>/dev/null && [ $i -lt 150 ]; do sleep 0.2; i=$((i + 1)); done
    kill -9 "$p" 2>/dev/null || true
  done
  bench_delete_namespaces $ns-n1 $ns-n2 $ns-hub
  rm -rf "$work"
}
bench_on_exit cleanup

bench_add_namespace $ns-hub
bench_add_bridge $ns-hub br0
addr=11
for n in n1 n2; do
  bench_add_namespace $ns-$n
  ip -n $ns-hub link add v$n type veth peer name eth0 netns $ns-$n
  ip -n $ns-hub link set v$n master br0 up
  ip -n $ns-$n addr add 198.51.100.$addr/24 brd + dev eth0
  addr=$((addr + 1))
  ip -n $ns-$n link set eth0 up
  mkdir -p "$work/$n/ha.d"
  printf 'keepalive 1\ndeadtime 10\nwarntime 5\ninitdead 20\nudpport 694\nbcast eth0\nnode n1 n2\n' \
    > "$work/$n/ha.d/ha.cf"
  : > "$work/$n/ha.d/haresources"
  (umask 077; printf 'auth 1\n1 sha256 metrics-rss-bench-secret\n' > "$work/$n/ha.d/authkeys")
done
echo "http_listen 127.0.0.1:9694" >> "$work/n1/ha.d/ha.cf"
for n in n1 n2; do
  ip netns exec $ns-$n "$repo/bin/hactl" daemon --config "$work/$n/ha.d" --node $n \
    --socket "$work/$n/hactl.sock" --state-dir "$work/$n/state" > "$work/$n/daemon.log" 2>&1 &
  pids="$pids $!"
done
set -- $pids
pid1=$1 pid2=$2
rss() { awk '/^VmRSS/ {print int($2/1024)}' /proc/$1/status; }
i=0
until ip netns exec $ns-n1 curl -sf --max-time 2 http://127.0.0.1:9694/metrics \
    | grep -q 'lifeline_node_state{node="n2",state="up"} 1'; do
  i=$((i + 1)); [ $i -lt ${FORM_TRIES:-120} ] || { echo "cluster did not form; logs:" >&2; cat "$work"/n1/daemon.log >&2; "$repo/bin/hactl" status --socket "$work/n1/hactl.sock" >&2; exit 1; }
  sleep 0.5
done
echo "flags: $(tr '\0' ' ' < /proc/$pid1/cmdline | sed 's/.*java //; s/ -jar.*//')"
echo "RSS at start (MiB):            with http_listen $(rss $pid1), without $(rss $pid2)"
i=0
while [ $i -lt "$scrapes" ]; do
  ip netns exec $ns-n1 curl -sf --max-time 5 -o /dev/null http://127.0.0.1:9694/metrics
  i=$((i + 1))
done
echo "RSS after $scrapes scrapes (MiB):    with http_listen $(rss $pid1), without $(rss $pid2)"
i=0
while [ $i -lt "$idle" ]; do
  ip netns exec $ns-n1 curl -sf --max-time 5 -o /dev/null http://127.0.0.1:9694/metrics
  sleep 1
  i=$((i + 1))
done
echo "RSS after $idle s more, 1 scrape/s (MiB): with http_listen $(rss $pid1), without $(rss $pid2)"
echo "threads: with http_listen $(ls /proc/$pid1/task | wc -l), without $(ls /proc/$pid2/task | wc -l)"
if [ -n "${SHOW_THREADS:-}" ]; then
  for p in $pid1 $pid2; do echo "threads of $p:"; cat /proc/$p/task/*/comm | sort | uniq -c | sort -rn | tr '\n' ';'; echo; done
fi
