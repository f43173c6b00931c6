#!/usr/bin/env bash
# scenario.sh WORKDIR JAR TEST_CLASSES — the IPVS integration scenario (IpvsVmIT).
# Runs where the kernel has IPVS: inside the VM of run-in-vm.sh, or natively. Builds a lab of
# network namespaces (never touching the root namespace's network), then runs
# io.lifeline.ipvs.IpvsVmScenario, the real agent, in the director's namespace:
#
#   ll-iv-cl  203.0.113.2 --veth-- ll-iv-dir: 203.0.113.1 + VIP 203.0.113.100 (IPVS, NAT)
#                                  br0 198.51.100.1 --veth-- ll-iv-rs1 198.51.100.11 nginx :80 :8080
#                                                   --veth-- ll-iv-rs2 198.51.100.12 nginx :80 :8080
#                                                   --veth-- ll-iv-sorry 198.51.100.50 nginx :80
#
# Real servers route only the client subnet back through the director (no default routes).
# Every line the scenario prints that starts with "@@ " is a JSON event for the test.
set -euo pipefail
WORK=$1 JAR=$2 CLASSES=$3
NS=(ll-iv-dir ll-iv-cl ll-iv-rs1 ll-iv-rs2 ll-iv-sorry)

cleanup() {
  for pidfile in "$WORK"/nginx/*/nginx.pid; do
    [ -s "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null || true
  done
  for ns in "${NS[@]}"; do ip netns del "$ns" 2>/dev/null || true; done
}
trap cleanup EXIT
echo '@@ {"event":"lab-setup"}'

modprobe ip_vs 2>/dev/null || true
for ns in "${NS[@]}"; do ip netns add "$ns"; ip -n "$ns" link set lo up; done
D="ip -n ll-iv-dir"
ip netns exec ll-iv-dir sysctl -qw net.ipv4.ip_forward=1
$D link add br0 type bridge
$D addr add 198.51.100.1/24 dev br0
$D link set br0 up
$D link add vcl type veth peer name eth0 netns ll-iv-cl
$D addr add 203.0.113.1/24 dev vcl
$D addr add 203.0.113.100/32 dev vcl
$D link set vcl up
ip -n ll-iv-cl addr add 203.0.113.2/24 dev eth0
ip -n ll-iv-cl link set eth0 up

server() { # namespace address body ports...
  local ns=$1 addr=$2 body=$3; shift 3
  $D link add "v$ns" type veth peer name eth0 netns "$ns"
  $D link set "v$ns" master br0 up
  ip -n "$ns" addr add "$addr/24" dev eth0
  ip -n "$ns" link set eth0 up
  ip -n "$ns" route add 203.0.113.0/24 via 198.51.100.1
  local d=$WORK/nginx/$ns
  mkdir -p "$d/tmp"
  local listens=""
  for p in "$@"; do listens="$listens listen $addr:$p;"; done
  cat > "$d/nginx.conf" <<CONF
worker_processes 1;
pid $d/nginx.pid;
error_log $d/error.log;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path $d/tmp; proxy_temp_path $d/tmp; fastcgi_temp_path $d/tmp;
  uwsgi_temp_path $d/tmp; scgi_temp_path $d/tmp;
  server { $listens location / { return 200 "$body\n"; } }
}
CONF
}
server ll-iv-rs1 198.51.100.11 rs1 80 8080
server ll-iv-rs2 198.51.100.12 rs2 80 8080
server ll-iv-sorry 198.51.100.50 sorry 80
for ns in ll-iv-rs1 ll-iv-rs2 ll-iv-sorry; do
  ip netns exec "$ns" nginx -c "$WORK/nginx/$ns/nginx.conf"
done

# a virtual service nobody asked Lifeline to manage: it must survive the agent's stop
ip netns exec ll-iv-dir ipvsadm -A -t 203.0.113.100:9999 -s wlc
ip netns exec ll-iv-dir ipvsadm -a -t 203.0.113.100:9999 -r 198.51.100.13:9999 -m -w 1

# C1 JIT only: the guest CPU is emulated, and C2 compiles cost more than they save here
ip netns exec ll-iv-dir java -XX:TieredStopAtLevel=1 -Xshare:auto -Xmx128m \
  -Dlogback.configurationFile="$(dirname "$0")/logback-scenario.xml" \
  -cp "$JAR:$CLASSES" io.lifeline.ipvs.IpvsVmScenario "$WORK/ipvs.conf" "$WORK/nginx"
