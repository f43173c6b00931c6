#!/usr/bin/env python3
"""Lifeline outage benchmark (issue 3). Run it through run.sh.

A client namespace probes a virtual IP every 20 ms (HTTP GET to the nginx behind it); the outage
of an event is the longest gap between two successful answers around it, plus the number of
failed probes. Two cluster nodes ll-on1 / ll-on2 (home node n1), a client ll-ocl, bridges in
ll-ohub. Systems: Lifeline (the daemon, bin/hactl's JVM profile), Heartbeat 3 (haresources R1
mode) and keepalived (VRRPv3 + vrrp_script), each in the same lab. See README.md.
"""

import argparse
import datetime
import fcntl
import json
import os
import platform
import random
import re
import select
import selectors
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from benchlib import log, run, nsexec, loadavg, med_range, Registry, run_driver  # noqa: E402  (bench/benchlib.py)
import benchlib  # noqa: E402

benchlib.RUN_TIMEOUT_S = 30  # nginx, heartbeat and keepalived commands are slower


# Namespace names: PREFIX + hub / n1 / n2 [/ n3] / cl. The default prefix "ll-o" gives the names
# this benchmark always had (ll-ohub, ll-on1, ll-on2, ll-ocl); --ns-prefix or the environment
# variable LL_OUTAGE_NS_PREFIX pick others, so two runs on one box (or one beside another
# engineer's) do not collide. set_lab() fills these in before anything uses them.
DEFAULT_NS_PREFIX = "ll-o"
HUB, CLIENT = "ll-ohub", "ll-ocl"
NODES = {"n1": "ll-on1", "n2": "ll-on2"}
ADDR = {"n1": {"eth0": "198.51.100.11/24", "eth1": "203.0.113.11/24"},
        "n2": {"eth0": "198.51.100.12/24", "eth1": "203.0.113.12/24"}}


def set_lab(prefix, nodes):
    """Namespace names from PREFIX and the node list n1..nN (N = 2 or 3; n3 only for the soak)."""
    global HUB, CLIENT
    HUB, CLIENT = f"{prefix}hub", f"{prefix}cl"
    NODES.clear()
    ADDR.clear()
    for i in range(1, nodes + 1):
        NODES[f"n{i}"] = f"{prefix}n{i}"
        ADDR[f"n{i}"] = {"eth0": f"198.51.100.{10 + i}/24", "eth1": f"203.0.113.{10 + i}/24"}
CLIENT_ADDR = "198.51.100.50/24"
VIP = "198.51.100.10"
SECRET = "bench-outage-0123456789abcdef0123"
NFT = "llout"
PROBE_INTERVAL_MS = 20
PROBE_TIMEOUT_MS = 200
GROUP = VIP  # Heartbeat-style group key: the first word of the haresources line after the node

# The fast profile (issue 3): keepalive 50ms, deadtime 250ms, nginx monitored every 200 ms.
FAST = {"keepalive": "50ms", "deadtime": "250ms", "warntime": "150ms", "initdead": "2s",
        "nginx_monitor": "interval=200ms timeout=2s", "defaults": "interval=2s timeout=10s threshold=3 window=1min"}
# Timer profiles the soak can run (--soak-profile): keepalive/deadtime, warntime at 60 % of
# deadtime as in the 50/250 profile. 20/100 is Heartbeat's fastest documented setting (issue 20);
# 40/200: a round profile whose stall threshold (120 ms) is above the ~100 ms stalls of the VM the
# other two were soaked on (README.md, "Soak").
PROFILES = {"50/250": {"keepalive": "50ms", "deadtime": "250ms", "warntime": "150ms"},
            "40/200": {"keepalive": "40ms", "deadtime": "200ms", "warntime": "120ms"},
            "20/100": {"keepalive": "20ms", "deadtime": "100ms", "warntime": "60ms"},
            "100/500": {"keepalive": "100ms", "deadtime": "500ms", "warntime": "300ms"}}
# The lease A/B (--lease-ab, issue 16): what `quorum_lease on` costs against `off` on 3 nodes (a
# lease applies only with quorum rules, i.e. 3 or more nodes). Each block restarts the cluster
# with one setting and measures a crash takeover and a graceful stop, each followed by the home
# node's failback (a planned move); blocks alternate on, off, on, off, ... so that the load of a
# shared box falls on both settings alike.
LEASE_SCENARIOS = ("crash-kill", "graceful-stop")
TEARDOWN = "block end: daemons stopped one after the other"
TARGETS_MS = {"crash-freeze": 350, "crash-cut": 350, "crash-kill": 350, "graceful-stop": 100,
              "planned-failover": 100, "failback": 50, "app-failure": 200}

CLK_TCK = os.sysconf("SC_CLK_TCK")


def now_ms():
    return time.time_ns() / 1e6


# ---------------------------------------------------------------------------------------------
# The prober: runs inside the client namespace as `outage.py probe`.

def probe_main(args):
    """Starts a GET to VIP:80 every 20 ms (concurrently, each with its own timeout) until SIGTERM
    or --max-seconds; writes one line per probe: start_ms end_ms ok served_by."""
    stop = [False]
    signal.signal(signal.SIGTERM, lambda *_: stop.__setitem__(0, True))
    sel = selectors.DefaultSelector()
    results = []
    pending = {}
    request = f"GET / HTTP/1.0\r\nHost: {args.vip}\r\n\r\n".encode()
    t_end = time.monotonic() + args.max_seconds
    next_start = time.monotonic()

    def finish(sock, ok, body=""):
        st = pending.pop(sock)
        try:
            sel.unregister(sock)
        except (KeyError, ValueError):
            pass
        sock.close()
        results.append((st["t"], now_ms(), ok, body))

    while not stop[0] and time.monotonic() < t_end:
        mono = time.monotonic()
        if mono >= next_start:
            next_start += PROBE_INTERVAL_MS / 1000
            if next_start < mono:  # fell behind (loaded box): do not burst
                next_start = mono + PROBE_INTERVAL_MS / 1000
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.setblocking(False)
            pending[s] = {"t": now_ms(), "deadline": mono + PROBE_TIMEOUT_MS / 1000, "buf": b"", "sent": False}
            err = s.connect_ex((args.vip, 80))
            if err not in (0, 115):  # EINPROGRESS
                finish(s, False, f"connect errno {err}")
            else:
                sel.register(s, selectors.EVENT_WRITE)
        wait = max(0.0, min(next_start - time.monotonic(), 0.02))
        for key, _ in sel.select(timeout=wait):
            s = key.fileobj
            st = pending.get(s)
            if st is None:
                continue
            try:
                if not st["sent"]:
                    err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                    if err:
                        finish(s, False, f"connect errno {err}")
                        continue
                    s.send(request)
                    st["sent"] = True
                    sel.modify(s, selectors.EVENT_READ)
                else:
                    chunk = s.recv(4096)
                    if chunk:
                        st["buf"] += chunk
                    else:
                        text = st["buf"].decode(errors="replace")
                        m = re.search(r"served by (\S+)", text)
                        finish(s, text.startswith("HTTP/1.1 200") and bool(m), m.group(1) if m else "bad answer")
            except OSError as e:
                finish(s, False, f"{type(e).__name__} {e.errno}")
        mono = time.monotonic()
        for s, st in list(pending.items()):
            if mono > st["deadline"]:
                finish(s, False, "timeout")
    for s in list(pending):
        finish(s, False, "stopped")
    with open(args.out, "w") as f:
        for t0, t1, ok, body in sorted(results):
            f.write(f"{t0:.1f} {t1:.1f} {1 if ok else 0} {body.replace(' ', '_')}\n")
    return 0


# ---------------------------------------------------------------------------------------------
# The jitter probe: runs as `outage.py jitter` beside the soak, outside the JVMs.

def jitter_main(args):
    """A thread at the daemons' realtime priority (SCHED_RR, --rtprio) that sleeps --period-ms in a
    loop and writes every oversleep longer than --report-ms (wall ms, gap ms). A stall it shares
    with the daemons' stall watchdogs was the box's (the VM or the kernel did not run a realtime
    thread), not a JVM's (garbage collection, safepoints); one the daemons report alone was theirs."""
    stop = [False]
    signal.signal(signal.SIGTERM, lambda *_: stop.__setitem__(0, True))
    policy = set_rr(args.rtprio)
    period = args.period_ms / 1000
    samples = 0
    t_end = time.monotonic() + args.max_seconds
    with open(args.out, "w", buffering=1) as f:
        f.write(f"# policy {policy}, period {args.period_ms} ms, report > {args.report_ms} ms\n")
        last = time.monotonic()
        while not stop[0] and last < t_end:
            time.sleep(period)
            now = time.monotonic()
            gap = (now - last - period) * 1000
            last = now
            samples += 1
            if gap > args.report_ms:
                f.write(f"{now_ms():.1f} {gap:.1f}\n")
        f.write(f"# samples {samples}\n")
    return 0


def set_rr(rtprio):
    try:
        os.sched_setscheduler(0, os.SCHED_RR, os.sched_param(rtprio))
        return f"SCHED_RR {rtprio}"
    except (OSError, AttributeError) as e:
        return f"normal ({e})"


def udpecho_main(args):
    """Answers every UDP datagram on --port with itself (runs in a node's namespace at SCHED_RR)."""
    stop = [False]
    signal.signal(signal.SIGTERM, lambda *_: stop.__setitem__(0, True))
    set_rr(args.rtprio)
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("0.0.0.0", args.port))
    sock.settimeout(0.2)
    t_end = time.monotonic() + args.max_seconds
    while not stop[0] and time.monotonic() < t_end:
        try:
            data, peer = sock.recvfrom(64)
            sock.sendto(data, peer)
        except socket.timeout:
            pass
        except InterruptedError:
            pass
    return 0


def udpping_main(args):
    """Sends a UDP datagram to --to:--port every --period-ms (at SCHED_RR) and writes every round
    trip longer than --report-ms (wall ms at the send, rtt ms; -1 = no answer within 1 s): the
    same bridges as the heartbeats, so it shows whether packets themselves were held up."""
    stop = [False]
    signal.signal(signal.SIGTERM, lambda *_: stop.__setitem__(0, True))
    policy = set_rr(args.rtprio)
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setblocking(False)
    sent = {}
    seq = 0
    answered = 0
    period = args.period_ms / 1000
    t_end = time.monotonic() + args.max_seconds
    next_send = time.monotonic()
    with open(args.out, "w", buffering=1) as f:
        f.write(f"# policy {policy}, period {args.period_ms} ms, report > {args.report_ms} ms\n")
        while not stop[0] and time.monotonic() < t_end:
            mono = time.monotonic()
            if mono >= next_send:
                seq += 1
                sent[seq] = (mono, now_ms())
                try:
                    sock.sendto(seq.to_bytes(8, "big"), (args.to, args.port))
                except OSError:
                    pass
                next_send = max(next_send + period, mono)
            r, _, _ = select.select([sock], [], [], max(0.0, next_send - time.monotonic()))
            if r:
                try:
                    data = sock.recv(64)
                except OSError:
                    continue
                n = int.from_bytes(data[:8], "big")
                if n in sent:
                    t_mono, t_wall = sent.pop(n)
                    answered += 1
                    rtt = (time.monotonic() - t_mono) * 1000
                    if rtt > args.report_ms:
                        f.write(f"{t_wall:.1f} {rtt:.1f}\n")
            for n in [k for k, (tm, _) in sent.items() if time.monotonic() - tm > 1.0]:
                f.write(f"{sent.pop(n)[1]:.1f} -1\n")
        f.write(f"# samples {answered}\n")
    return 0


def read_jitter(path):
    """(policy line, samples, [(wall ms, gap ms)]) from a jitter probe's file."""
    stalls, samples, policy = [], None, ""
    try:
        with open(path) as f:
            for line in f:
                if line.startswith("# samples"):
                    samples = int(line.split()[2])
                elif line.startswith("# policy"):
                    policy = line[2:].strip()
                elif line.strip():
                    a, b = line.split()
                    stalls.append((float(a), float(b)))
    except OSError:
        pass
    return policy, samples, stalls


class Prober:
    def __init__(self, bench, name):
        self.bench = bench
        self.out = os.path.join(bench.work, "probes", f"{name}.txt")
        os.makedirs(os.path.dirname(self.out), exist_ok=True)
        self.proc = bench.registry.add(subprocess.Popen(
            ["ip", "netns", "exec", CLIENT, sys.executable, os.path.abspath(__file__), "probe", "--out", self.out,
             "--vip", VIP, "--max-seconds", "120"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE), "probe")

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=10)
        rows = []
        with open(self.out) as f:
            for line in f:
                a, b, ok, body = line.split()
                rows.append((float(a), float(b), ok == "1", body))
        return rows


def analyse(rows, t0, t_end=None):
    """Outage around t0: longest gap between two successive successful answers (answer times)
    from 1 s before t0 on, failed probes started from 0.5 s before t0, and when each node answered."""
    ok = sorted(r[1] for r in rows if r[2] and r[1] >= t0 - 1000 and (t_end is None or r[1] <= t_end))
    last = max((r[1] for r in rows if r[3] != "stopped"), default=None)  # not the probes cut off at the end
    if ok and last is not None and last > ok[-1] and not any(r[2] for r in rows if r[1] >= last):
        ok.append(last)  # never served again: the outage lasts at least until the probing stopped
    gaps = [(b - a, a, b) for a, b in zip(ok, ok[1:])]
    gap, ga, gb = max(gaps) if gaps else (None, None, None)
    failed = [r for r in rows if not r[2] and r[0] >= t0 - 500 and (t_end is None or r[0] <= t_end)]
    reasons = {}
    for r in failed:
        reasons[r[3]] = reasons.get(r[3], 0) + 1
    return {"gap_ms": round(gap) if gap is not None else None,
            "gap_from_ms": round(ga - t0) if ga else None, "gap_to_ms": round(gb - t0) if gb else None,
            "failed_probes": len(failed), "fail_reasons": reasons, "probes": len(rows)}


def served_again(rows, node, t0):
    """When the client was served by NODE again after the event: the first answer from NODE to a
    probe started after the first failed probe following t0 (or after t0 when none failed), so an
    answer already in flight at the event does not count."""
    fails = [r[0] for r in rows if not r[2] and r[0] >= t0 - PROBE_INTERVAL_MS]
    start = min(fails) if fails else t0
    nodes = node if isinstance(node, tuple) else (node,)
    t = [r[1] for r in rows if r[2] and r[3] in nodes and r[0] >= start]
    return min(t) if t else None


# ---------------------------------------------------------------------------------------------
# Lab

class Lab:
    """ll-ohub (bridges br0 198.51.100.0/24 and br1 203.0.113.0/24), ll-on1, ll-on2 (ll-on3) on both,
    client ll-ocl on br0 (names with the default prefix). Each node has nftables tables (inet and arp) used to cut it off."""

    def __init__(self):
        self.created = []

    def setup(self):
        for ns in (HUB, *NODES.values(), CLIENT):
            run(["ip", "netns", "add", ns])
            self.created.append(ns)
            nsexec(ns, ["ip", "link", "set", "lo", "up"])
        for br in ("br0", "br1"):
            nsexec(HUB, ["sh", "-c", f"ip link add {br} type bridge mcast_snooping 0 && ip link set {br} up"])
        for node, ns in NODES.items():
            for i, (dev, cidr) in enumerate(ADDR[node].items()):
                self.attach(ns, dev, f"v{i}-{node}", f"br{i}", cidr)
            nsexec(ns, ["nft", "-f", "-"], input_text=(
                f"table inet {NFT} {{\n"
                "  chain in { type filter hook input priority 0; policy accept; }\n"
                "  chain out { type filter hook output priority 0; policy accept; }\n}\n"
                f"table arp {NFT} {{\n"
                "  chain in { type filter hook input priority 0; policy accept; }\n"
                "  chain out { type filter hook output priority 0; policy accept; }\n}\n"))
            nsexec(ns, ["sysctl", "-q", "-w", "net.ipv4.ip_nonlocal_bind=1"])
        self.attach(CLIENT, "eth0", "v0-cl", "br0", CLIENT_ADDR)

    @staticmethod
    def attach(ns, dev, hub_side, br, cidr):
        run(["ip", "link", "add", "llotmp", "netns", ns, "type", "veth", "peer", "name", hub_side, "netns", HUB])
        nsexec(ns, ["ip", "link", "set", "llotmp", "name", dev])
        nsexec(HUB, ["sh", "-c", f"ip link set {hub_side} master {br} && ip link set {hub_side} up"])
        nsexec(ns, ["sh", "-c", f"ip addr add {cidr} brd + dev {dev} && ip link set {dev} up"])

    def teardown(self):
        for ns in reversed(self.created):
            run(["ip", "netns", "del", ns], check=False)
        self.created.clear()


def links(node, up):
    run(["ip", "-n", NODES[node], "-batch", "-"],
        input_text="".join(f"link set {d} {'up' if up else 'down'}\n" for d in ("eth0", "eth1")))


def nft_cut(node):
    nsexec(NODES[node], ["nft", "-f", "-"], input_text=(
        f"add rule inet {NFT} in drop\nadd rule inet {NFT} out drop\n"
        f"add rule arp {NFT} in drop\nadd rule arp {NFT} out drop\n"))


def nft_heal(node):
    nsexec(NODES[node], ["nft", "-f", "-"], input_text=(
        f"flush chain inet {NFT} in\nflush chain inet {NFT} out\n"
        f"flush chain arp {NFT} in\nflush chain arp {NFT} out\n"))


def drop_vip(node):
    """What a reboot does to the crashed node's addresses."""
    nsexec(NODES[node], ["ip", "addr", "del", f"{VIP}/24", "dev", "eth0"], check=False)


def nginx_conf(work, node):
    d = os.path.join(work, node, "nginx")
    os.makedirs(d, exist_ok=True)
    path = os.path.join(d, "nginx.conf")
    with open(path, "w") as f:
        f.write(f"""pid {d}/nginx.pid;
error_log {d}/error.log;
worker_processes 1;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {d}/body;
    proxy_temp_path {d}/proxy;
    fastcgi_temp_path {d}/fastcgi;
    uwsgi_temp_path {d}/uwsgi;
    scgi_temp_path {d}/scgi;
    server {{
        listen 80;
        location = /health {{ return 200 "ok\\n"; }}
        location / {{ return 200 "served by {node}\\n"; }}
    }}
}}
""")
    return path


def nginx_master(work, node):
    try:
        with open(os.path.join(work, node, "nginx", "nginx.pid")) as f:
            pid = int(f.read().strip())
        with open(f"/proc/{pid}/stat") as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
        return None if state in ("Z", "X") else pid  # a killed master not yet reaped is gone
    except (OSError, ValueError, IndexError):
        return None


def kill_nginx(work, node, sig=signal.SIGKILL):
    """nginx master and workers share the master's process group (it calls setsid)."""
    pid = nginx_master(work, node)
    if pid:
        try:
            os.killpg(pid, sig)
        except ProcessLookupError:
            pass
    return pid


# ---------------------------------------------------------------------------------------------
# Systems under test

class Lifeline:
    name = "lifeline"
    scenarios = ("crash-freeze", "crash-cut", "crash-kill", "graceful-stop", "planned-failover", "app-failure")

    def __init__(self, bench):
        self.bench = bench
        self.procs = {}
        self.started = {}
        self.confs = {}
        self.base = os.path.join(bench.work, "lifeline")

    def dir(self, node):
        return os.path.join(self.bench.work, "lifeline", node)

    def configure(self):
        timers = dict(FAST, **(PROFILES[self.bench.args.soak_profile] if self.bench.soaking else {}),
                      **(PROFILES[self.bench.lease_profile] if self.bench.lease_profile else {}))
        lease = [f"quorum_lease {self.bench.lease_setting}"] if self.bench.lease_setting else []
        for node in NODES:
            d = self.dir(node)
            os.makedirs(d, exist_ok=True)
            conf = nginx_conf(self.base, node)
            self.confs[node] = conf
            nginx_word = f"nginx::{conf}::url=http://127.0.0.1/health"
            with open(os.path.join(d, "ha.cf"), "w") as f:
                f.write("\n".join([
                    "cluster outage", f"keepalive {timers['keepalive']}", f"deadtime {timers['deadtime']}",
                    f"warntime {timers['warntime']}", f"initdead {timers['initdead']}", "udpport 694",
                    "bcast eth0", "bcast eth1", "node " + " ".join(NODES), "auto_failback on",
                    f"realtime {self.bench.args.soak_realtime if self.bench.soaking else 'on'}",
                    f"resource_defaults {FAST['defaults']}",
                    f"monitor {nginx_word} {FAST['nginx_monitor']}", *lease, ""]))
            with open(os.path.join(d, "haresources"), "w") as f:
                f.write(f"n1 IPaddr2::{VIP}/24/eth0 {nginx_word}\n")
            benchlib.write_authkeys(os.path.join(d, "authkeys"), SECRET)

    def settings(self):
        with open(os.path.join(self.dir("n1"), "ha.cf")) as f:
            return {"ha.cf (n1)": f.read(), "haresources": open(os.path.join(self.dir("n1"), "haresources")).read()}

    def start(self, node):
        d = self.dir(node)
        cmd = ["ip", "netns", "exec", NODES[node], os.path.join(self.bench.repo, "bin", "hactl"), "daemon",
               "--config", d, "--node", node, "--socket", os.path.join(d, "hactl.sock"),
               "--state-dir", os.path.join(d, "state")]
        env = dict(os.environ, LIFELINE_JAR=self.bench.jar)
        env.pop("LIFELINE_JAVA_OPTS", None)
        if self.bench.soaking:  # every collection's pause, for the soak's report (unified logging, cheap)
            env["LIFELINE_JAVA_OPTS"] = " ".join(
                [f"-Xlog:gc,safepoint:file={os.path.join(d, 'gc.log')}:utctime,uptime", self.bench.args.soak_java_opts]).strip()
        out = open(os.path.join(d, "daemon.log"), "a")
        out.write(f"==== bench: start {datetime.datetime.now().isoformat()} ====\n")
        out.flush()
        self.started[node] = time.time()
        self.procs[node] = self.bench.registry.add(
            subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True),
            f"lifeline-{node}")
        out.close()

    def alive(self, node):
        p = self.procs.get(node)
        return p is not None and p.poll() is None

    def call(self, node, command, args=None, timeout=3.0):
        """One request on the control socket (the JSON-lines protocol of io.lifeline.control)."""
        return benchlib.control_call(os.path.join(self.dir(node), "hactl.sock"), command, args, timeout)

    def status(self, node):
        r = self.call(node, "status")
        return r.get("result") if r and r.get("ok") else None

    def owner(self, node):
        """(phase, owners) of the group as NODE sees it."""
        st = self.status(node)
        if not st or not st.get("groups"):
            return None
        g = st["groups"][0]
        return g["phase"], g["owners"]

    def stable(self, owner):
        for n in NODES:
            if not self.alive(n):
                return False
            st = self.status(n)
            if not st or not st.get("groups"):
                return False
            peers = [x for x in st.get("nodes", []) if x["name"] != n]
            if len(peers) != len(NODES) - 1 or not all(
                    p["state"] == "up" and all(l["state"] == "up" for l in p["links"]) for p in peers):
                return False
            g = st["groups"][0]
            if g["phase"] != "running" and n == owner or g["owners"] != [owner]:
                return False
        return True

    def stop(self, node, timeout=30):
        p = self.procs.get(node)
        if p and p.poll() is None:
            p.terminate()
            try:
                p.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait(timeout=5)

    def kill9(self, node):
        os.kill(self.procs[node].pid, signal.SIGKILL)
        self.procs[node].wait(timeout=10)

    def stop_all(self):
        for n in NODES:
            self.stop(n)
        for n in NODES:
            kill_nginx(self.base, n)

    def log_path(self, node):
        return os.path.join(self.dir(node), "daemon.log")


def vip_on(node):
    p = nsexec(NODES[node], ["ip", "-o", "-4", "addr", "show", "dev", "eth0"], check=False)
    return f" {VIP}/" in p.stdout


class Comparison:
    """What Keepalived and Heartbeat share: one process tree per node (its own session, so
    killpg reaches exactly it), nginx per node, the VIP checked with `ip addr`."""

    def __init__(self, bench):
        self.bench = bench
        self.procs = {}
        self.base = os.path.join(bench.work, self.name)

    def dir(self, node):
        return os.path.join(self.base, node)

    def alive(self, node):
        p = self.procs.get(node)
        return p is not None and p.poll() is None

    def spawn(self, node, cmd):
        out = open(os.path.join(self.dir(node), "stdout.log"), "a")
        self.procs[node] = self.bench.registry.add(
            subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True), f"{self.name}-{node}")
        out.close()

    def stable(self, owner):
        other = "n2" if owner == "n1" else "n1"
        self.last_state = (f"alive {[self.alive(n) for n in NODES]}, VIP on {owner} {vip_on(owner)}, on {other} "
                           f"{vip_on(other)}, nginx on {owner} {nginx_master(self.base, owner)}")
        return (all(self.alive(n) for n in NODES) and vip_on(owner) and not vip_on(other)
                and nginx_master(self.base, owner) is not None and self.settled(owner))

    def settled(self, owner):
        return True

    def kill9(self, node):
        try:
            os.killpg(self.procs[node].pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.procs[node].wait(timeout=10)

    def stop(self, node, timeout=30):
        p = self.procs.get(node)
        if p and p.poll() is None:
            p.terminate()
            try:
                p.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait(timeout=5)

    def stop_all(self):
        for n in NODES:
            self.stop(n)
        for n in NODES:
            kill_nginx(self.base, n)

    def settings(self):
        out = {}
        for f in self.config_files:
            with open(os.path.join(self.dir("n1"), f)) as fh:
                out[f"{f} (n1)"] = fh.read()
        return out


class Keepalived(Comparison):
    """keepalived 2.2 VRRPv3 (advert 0.1 s: the fastest the issue found stable on this box), nginx
    running on both nodes all the time (keepalived does not manage services), a vrrp_script that
    fetches nginx's /health: the VIP leaves a node whose check fails."""
    name = "keepalived"
    scenarios = ("crash-cut", "crash-kill", "graceful-stop", "app-failure")
    config_files = ("keepalived.conf",)

    def configure(self):
        for node in NODES:
            d = self.dir(node)
            os.makedirs(d, exist_ok=True)
            nginx_conf(self.base, node)
            prio = 150 if node == "n1" else 100
            with open(os.path.join(d, "keepalived.conf"), "w") as f:
                f.write(f"""global_defs {{
    router_id {node}
    vrrp_version 3
    enable_script_security
    script_user root
}}
vrrp_script chk_nginx {{
    script "/usr/bin/curl -sf -o /dev/null --max-time 0.5 http://127.0.0.1/health"
    interval {self.bench.args.keepalived_check_interval}
    timeout 1
    fall {self.bench.args.keepalived_fall}
    rise 2
}}
vrrp_instance web {{
    state {"MASTER" if node == "n1" else "BACKUP"}
    interface eth0
    virtual_router_id 51
    priority {prio}
    advert_int {self.bench.args.keepalived_advert}
    virtual_ipaddress {{
        {VIP}/24 dev eth0
    }}
    track_script {{
        chk_nginx
    }}
}}
""")

    def start(self, node):
        d = self.dir(node)
        if nginx_master(self.base, node) is None:
            self.start_nginx(node)
        self.spawn(node, ["ip", "netns", "exec", NODES[node], "keepalived", "-n", "-l", "-D", "-G", "-f",
                          os.path.join(d, "keepalived.conf"), "-p", os.path.join(d, "keepalived.pid"),
                          "-r", os.path.join(d, "vrrp.pid"), "-c", os.path.join(d, "checkers.pid"),
                          "-b", os.path.join(d, "bfd.pid")])

    def start_nginx(self, node):
        nsexec(NODES[node], ["nginx", "-c", os.path.join(self.base, node, "nginx", "nginx.conf")])
        pid = nginx_master(self.base, node)
        self.bench.registry.add_pid(pid, f"nginx-{self.name}-{node}")


class Heartbeat(Comparison):
    """Heartbeat 3.0.6 in R1 (haresources) mode. Heartbeat's paths are compiled in (/etc/ha.d,
    /run/heartbeat, /var/lib/heartbeat) and it names itself by `uname -n`, so each node runs in
    its own mount and UTS namespace (unshare) with those directories bind-mounted from work/."""
    name = "heartbeat"
    scenarios = ("crash-cut", "crash-kill", "graceful-stop", "app-failure")
    config_files = ("ha.d/ha.cf", "ha.d/haresources")

    def configure(self):
        for node in NODES:
            d = self.dir(node)
            for sub in ("ha.d", "varlib", "run"):
                if os.path.exists(os.path.join(d, sub)):
                    shutil.rmtree(os.path.join(d, sub))
            os.makedirs(d, exist_ok=True)
            conf = nginx_conf(self.base, node)
            had = os.path.join(d, "ha.d")
            shutil.copytree("/etc/ha.d", had, symlinks=True)
            shutil.copy2(os.path.join(self.bench.repo, "resource-agents", "nginx"), os.path.join(had, "resource.d", "nginx"))
            shutil.copytree("/var/lib/heartbeat", os.path.join(d, "varlib"), symlinks=True)
            os.makedirs(os.path.join(d, "run"))
            hb = self.bench.args
            with open(os.path.join(had, "ha.cf"), "w") as f:
                f.write("\n".join([
                    f"logfile {d}/ha.log", "logfacility none", "use_logd no", "crm off",
                    f"keepalive {hb.heartbeat_keepalive}", f"deadtime {hb.heartbeat_deadtime}",
                    f"warntime {hb.heartbeat_warntime}", "initdead 2", "udpport 694",
                    "bcast eth0 eth1", "node n1 n2", "auto_failback on", ""]))
            with open(os.path.join(had, "haresources"), "w") as f:
                f.write(f"n1 IPaddr::{VIP}/24/eth0 nginx::{conf}::url=http://127.0.0.1/health\n")
            auth = os.path.join(had, "authkeys")
            fd = os.open(auth, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as f:
                f.write(f"auth 1\n1 sha1 {SECRET}\n")

    def start(self, node):
        d = self.dir(node)
        script = f"""set -e
hostname {node}
mount --bind {d}/ha.d /etc/ha.d
mount --bind {d}/varlib /var/lib/heartbeat
mount -t tmpfs -o mode=755 lloutrun /run
install -d -m 0750 -o hacluster -g haclient /run/heartbeat /run/heartbeat/ccm /run/heartbeat/crm /run/heartbeat/dopd /run/crm
install -d -m 1755 /run/resource-agents
exec /usr/libexec/heartbeat/heartbeat -f
"""
        self.spawn(node, ["ip", "netns", "exec", NODES[node], "unshare", "--uts", "--mount",
                          "--propagation", "private", "sh", "-c", script])

    def log_path(self, node):
        return os.path.join(self.dir(node), "ha.log")

    def settled(self, owner):
        time.sleep(1.0)  # Heartbeat has no status we can read from outside its namespace cheaply
        return True


class LifelineVip(Lifeline):
    """Lifeline moving only the VIP (haresources: IPaddr2 alone) while nginx runs on both nodes all
    the time, as with keepalived: the same work for both, and what the VIP handover itself costs."""
    name = "lifeline-vip"
    scenarios = ("crash-cut", "crash-kill", "graceful-stop", "planned-failover")

    def __init__(self, bench):
        super().__init__(bench)
        self.base = os.path.join(bench.work, "lifeline-vip")

    def dir(self, node):
        return os.path.join(self.bench.work, "lifeline-vip", node)

    def configure(self):
        super().configure()
        for node in NODES:
            d = self.dir(node)
            with open(os.path.join(d, "ha.cf")) as f:
                lines = [l for l in f.read().splitlines() if not l.startswith("monitor nginx")]
            with open(os.path.join(d, "ha.cf"), "w") as f:
                f.write("\n".join(lines) + "\n")
            with open(os.path.join(d, "haresources"), "w") as f:
                f.write(f"n1 IPaddr2::{VIP}/24/eth0\n")

    def start(self, node):
        if nginx_master(self.base, node) is None:
            nsexec(NODES[node], ["nginx", "-c", os.path.join(self.base, node, "nginx", "nginx.conf")])
            self.bench.registry.add_pid(nginx_master(self.base, node), f"nginx-{self.name}-{node}")
        super().start(node)


class Bench:
    def __init__(self, args):
        self.args = args
        self.repo = args.repo
        self.jar = args.jar
        self.here = os.path.dirname(os.path.abspath(__file__))
        self.work = os.path.join(self.here, "work")
        self.registry = None
        self.lab = Lab()
        self.deadline = time.monotonic() + args.max_minutes * 60
        self.results = {"sets": [], "soak": None}
        self.soaking = False
        self.lease_profile = None  # the lease A/B's timer profile and quorum_lease setting of the block
        self.lease_setting = None
        self.systems = []

    def prepare(self):
        os.makedirs(self.work, exist_ok=True)
        self.lockf = open(os.path.join(self.work, ".lock"), "w")
        try:
            fcntl.flock(self.lockf, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            sys.exit("outage.py: another run of this benchmark is active (lock held)")
        existing = run(["ip", "netns", "list"]).stdout
        for ns in (*NODES.values(), CLIENT, HUB):
            if re.search(rf"^{ns}\b", existing, re.M):
                log(f"removing stale namespace {ns} left by an interrupted run")
                run(["ip", "netns", "del", ns], check=False)
        for entry in os.listdir(self.work):
            if entry != ".lock":
                path = os.path.join(self.work, entry)
                shutil.rmtree(path) if os.path.isdir(path) else os.unlink(path)
        self.registry = Registry(os.path.join(self.work, "pids"), group_kinds=("lifeline", "keepalived", "heartbeat"))
        self.lab.setup()

    def cleanup(self):
        for s in self.systems:
            try:
                s.stop_all()
            except Exception as e:  # cleanup goes on whatever happened
                log(f"cleanup of {s.name}: {e}")
        if self.registry:
            self.registry.kill_all()
            for pid in self.registry.extra:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        self.lab.teardown()

    def check_time(self):
        if time.monotonic() > self.deadline:
            raise TimeoutError(f"benchmark exceeded --max-minutes {self.args.max_minutes}")

    def wait(self, cond, limit_s, what):
        end = time.monotonic() + limit_s
        while time.monotonic() < end:
            if cond():
                return True
            time.sleep(0.1)
        raise RuntimeError(f"timed out after {limit_s} s waiting for {what}; see {self.work}")

    def client_get(self):
        p = nsexec(CLIENT, ["curl", "-s", "--max-time", "1", f"http://{VIP}/"], check=False)
        m = re.search(r"served by (\S+)", p.stdout)
        return m.group(1) if m else None

    def wait_served_by(self, node, limit_s=30):
        self.wait(lambda: self.client_get() == node, limit_s, f"the VIP to be served by {node}")

    # ---------- one measured event

    def measure(self, system, scenario, idx, event, expect, settle_s=0.6, limit_s=20, monitor_event=None):
        """Starts a prober, runs EVENT() (returns t0 in ms and a dict of facts) and waits until the
        client is served by EXPECT; then analyses the probes around t0."""
        self.check_time()
        self.seq = getattr(self, "seq", 0) + 1
        try:  # the event must hit a working service
            self.wait(lambda: self.client_get() is not None, 15, "the VIP to answer before the event")
        except RuntimeError as e:
            log(f"  {e}")
        prober = Prober(self, f"{self.seq:03d}-{system.name}-{scenario}-{idx}")
        time.sleep(0.6 + random.uniform(0, 0.3))  # baseline answers, random phase against timers
        load1 = loadavg()[0]
        t0, facts = event()
        served, err = None, None
        end = time.monotonic() + limit_s
        time.sleep(0.05)
        while time.monotonic() < end:
            if self.client_get() in (expect if isinstance(expect, tuple) else (expect,)):
                served = now_ms()
                break
            time.sleep(0.05)
        if served is None:
            err = f"not served by {expect} within {limit_s} s"
        time.sleep(settle_s)
        rows = prober.stop()
        res = {"run": idx, "t0": datetime.datetime.fromtimestamp(t0 / 1000, datetime.timezone.utc).isoformat(),
               "loadavg1": load1, **facts, **analyse(rows, t0)}
        back = served_again(rows, expect, t0)
        res["served_again_ms"] = round(back - t0) if back else None
        if isinstance(expect, tuple) and back:
            res["served_by"] = next((r[3] for r in rows if r[2] and r[1] == back), None)
        if not any(r[2] and t0 - 600 <= r[1] <= t0 for r in rows):
            err = (err + "; " if err else "") + "the VIP did not answer in the 0.6 s before the event"
        if err:
            res["error"] = err
        if monitor_event:
            declared = monitor_event(t0)
            if declared:
                res["declared_ms"] = round(declared - t0)
                res["served_after_declared_ms"] = round(back - declared) if back else None
        if hasattr(system, "log_path"):
            res["log"] = self.log_excerpt(system, t0, (back or t0) + 300)
        msg = (f"  {system.name} {scenario} run {idx}: gap {res['gap_ms']} ms, failed probes {res['failed_probes']}"
               f", served by {expect} after {res['served_again_ms']} ms")
        if "declared_ms" in res:
            msg += f" (monitor declared at {res['declared_ms']} ms, served {res.get('served_after_declared_ms')} ms later)"
        log(msg + (f"  ERROR {err}" if err else ""))
        self.measured.append(res)
        return res

    def log_excerpt(self, system, t_from, t_to):
        """Daemon log lines (both nodes) between the two times, with ms offsets from t_from."""
        out = []
        pat = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}) (.*)$")
        for n in NODES:
            try:
                with open(system.log_path(n), errors="replace") as f:
                    f.seek(max(0, os.path.getsize(system.log_path(n)) - 400_000))
                    lines = f.read().splitlines()
            except OSError:
                continue
            for line in lines:
                m = pat.match(line)
                if not m:
                    continue
                t = datetime.datetime.strptime(m.group(1), "%Y-%m-%d %H:%M:%S.%f").timestamp() * 1000
                if t_from - 100 <= t <= t_to:
                    out.append((t, f"{round(t - t_from):+6d} ms {n}: {m.group(2)[:220]}"))
        return [s for _, s in sorted(out)][:60]

    def run_set(self, system, scenario, runs):
        log(f"set {system.name} {scenario}: {runs} runs; loadavg {loadavg()}")
        entry = {"system": system.name, "scenario": scenario, "loadavg_start": loadavg(), "runs": []}
        busy0, mono0 = cpu_busy(), time.monotonic()
        self.results["sets"].append(entry)
        for i in range(1, runs + 1):
            self.measured = []
            try:
                x = scenario.replace("-", "_")
                how = getattr(self, f"{system.name}_{x}", None) or getattr(self, f"scenario_{x}")
                entry["runs"].append(how(system, i))
            except (RuntimeError, subprocess.TimeoutExpired) as e:
                log(f"  run {i}: {e}; resetting {system.name}")
                m = self.measured[0] if self.measured else None
                if m is not None:
                    m["heal_error"] = str(e)  # the event was measured; only the return to the start state failed
                    entry["runs"].append(m)
                else:
                    entry["runs"].append({"run": i, "error": str(e)})
                self.reset(system)
            self.write()
        entry["cpu_busy_cores"] = round((cpu_busy() - busy0) / CLK_TCK / (time.monotonic() - mono0), 2)
        self.summarise(entry)

    def summarise(self, entry):
        runs = [r for r in entry["runs"] if "gap_ms" in r]
        entry["gap_ms"] = med_range([r["gap_ms"] for r in runs])
        entry["failed_probes"] = med_range([r["failed_probes"] for r in runs])
        entry["served_again_ms"] = med_range([r.get("served_again_ms") for r in runs])
        if any("served_after_declared_ms" in r for r in runs):
            entry["served_after_declared_ms"] = med_range([r.get("served_after_declared_ms") for r in runs])
            entry["declared_ms"] = med_range([r.get("declared_ms") for r in runs])
        gaps = [r["gap_ms"] for r in runs if r.get("gap_ms") is not None]
        entry["gap_median_ms"] = statistics.median(gaps) if gaps else None
        entry["errors"] = len(entry["runs"]) - len(runs) + sum(1 for r in runs if "error" in r)
        log(f"  => {entry['system']} {entry['scenario']}: gap {entry['gap_ms']} ms, failed probes "
            f"{entry['failed_probes']}" + (f", served after monitor declared {entry['served_after_declared_ms']} ms"
                                           if "served_after_declared_ms" in entry else ""))

    def reset(self, system):
        """Back to the start state: everything stopped, links healed, started again, group on n1."""
        system.stop_all()
        for n in NODES:
            links(n, True)
            nft_heal(n)
            drop_vip(n)
        self.start_system(system)

    def start_system(self, system):
        system.configure()
        system.start("n1")
        for n in list(NODES)[1:]:
            time.sleep(0.5)
            system.start(n)
        self.await_home(system, 90)

    def await_home(self, system, limit_s=60):
        if hasattr(system, "stable"):
            self.wait(lambda: system.stable("n1"), limit_s, f"{system.name}: group running on n1 only")
            if getattr(system, "last_state", None):
                log(f"  {system.name} home: {system.last_state}")
        self.wait_served_by("n1", limit_s)

    # ---------- Lifeline scenarios (group home n1, auto_failback on: n1 is active at every start)

    def failback_after(self, system, restart, runs_entry_name, idx):
        """Measures the heal of a crash/stop: the home node comes back and takes its group back."""
        def event():
            t0 = now_ms()
            restart()
            return t0, {"event": "home node n1 restarted (fresh process, links up)"}
        r = self.measure(system, "failback", idx, event, "n1", limit_s=60)
        r["after"] = runs_entry_name
        self.failbacks.setdefault(system.name, []).append(r)
        if hasattr(system, "stable"):
            self.wait(lambda: system.stable("n1"), 60, f"{system.name}: group home again ({getattr(system, 'last_state', '')})")

    def scenario_crash_kill(self, s, i):
        work = s.base

        def event():
            t0 = now_ms()
            s.kill9("n1")
            kill_nginx(work, "n1")
            links("n1", False)
            return t0, {"event": "kill -9 of n1's daemon and nginx, n1's eth0+eth1 down", "fault_ms": round(now_ms() - t0, 1)}
        r = self.measure(s, "crash-kill", i, event, self.peers_of_n1())
        drop_vip("n1")
        links("n1", True)
        self.failback_after(s, lambda: s.start("n1"), "crash-kill", i)
        return r

    def scenario_crash_cut(self, s, i):
        def event():
            t0 = now_ms()
            links("n1", False)
            return t0, {"event": "n1's eth0+eth1 down (daemon and nginx keep running)", "fault_ms": round(now_ms() - t0, 1)}
        r = self.measure(s, "crash-cut", i, event, "n2")
        time.sleep(0.5)
        if isinstance(s, Lifeline):
            links("n1", True)
            # While cut off, n1's IPaddr2 monitor/start failed (its eth0 was down), which counts
            # against n1 for the failure window: an operator clears that once the halves have
            # merged (a cleanup before the merge lets the lone n1 try the VIP again, and its
            # duplicate-address probe finds n2 holding it: another failure).
            def merged():
                st = s.status("n1")
                peer = next((x for x in (st or {}).get("nodes", []) if x["name"] == "n2"), None)
                return peer is not None and peer["state"] == "up"
            self.wait(merged, 60, "n1 and n2 to merge after the cut")
            time.sleep(0.5)
            s.call("n1", "cleanup", {})
            self.await_home(s, 60)
        else:
            # Both halves hold the VIP now; how Heartbeat/keepalived resolve that is not measured
            # here: restart their lab from scratch.
            self.reset(s)
        return r

    def scenario_crash_freeze(self, s, i):
        work = s.base
        frozen = {}

        def event():
            t0 = now_ms()
            nft_cut("n1")
            os.killpg(s.procs["n1"].pid, signal.SIGSTOP)
            frozen["nginx"] = kill_nginx(work, "n1", signal.SIGSTOP)
            return t0, {"event": "SIGSTOP of n1's daemon and nginx + nftables drop of all n1's traffic (inet+arp)",
                        "fault_ms": round(now_ms() - t0, 1)}
        r = self.measure(s, "crash-freeze", i, event, "n2")
        time.sleep(0.5)
        nft_heal("n1")
        os.killpg(s.procs["n1"].pid, signal.SIGCONT)
        if frozen.get("nginx"):
            os.killpg(frozen["nginx"], signal.SIGCONT)
        self.await_home(s, 60)
        return r

    def scenario_graceful_stop(self, s, i):
        def event():
            t0 = now_ms()
            s.procs["n1"].terminate()
            return t0, {"event": "SIGTERM to n1's daemon"}
        r = self.measure(s, "graceful-stop", i, event, self.peers_of_n1())
        s.procs["n1"].wait(timeout=30)
        self.failback_after(s, lambda: s.start("n1"), "graceful-stop", i)
        return r

    def scenario_planned_failover(self, s, i):
        src = "n1" if i % 2 == 1 else "n2"
        dst = "n2" if src == "n1" else "n1"
        group = s.status("n1")["groups"][0]["name"]
        answer = {}

        def event():
            t0 = now_ms()
            answer["reply"] = s.call(src, "failover", {"group": group})
            return t0, {"event": f"failover {group} sent to {src}'s control socket", "from": src, "to": dst,
                        "command_ms": round(now_ms() - t0, 1)}
        r = self.measure(s, "planned-failover", i, event, dst)
        r["reply"] = answer.get("reply")
        self.wait(lambda: s.stable(dst), 30, f"group running on {dst}")
        if i == self.runs_for() and dst != "n1":  # leave the group home for the next set
            s.call(dst, "failover", {"group": group})
            self.await_home(s, 30)
        return r

    def lifeline_app_failure(self, s, i):
        work = s.base

        def event():
            t0 = now_ms()
            pid = kill_nginx(work, "n1")
            return t0, {"event": f"kill -9 of nginx on n1 (process group {pid})"}

        def declared(t0):
            r = s.call("n1", "events", {"limit": 50})
            for e in (r or {}).get("result", {}).get("events", []):
                t = datetime.datetime.fromisoformat(e["at"].replace("Z", "+00:00")).timestamp() * 1000
                if e["kind"] == "failure" and t >= t0 - 50:
                    return t
            return None
        r = self.measure(s, "app-failure", i, event, "n1", monitor_event=declared)
        r["events"] = [e for e in (s.call("n1", "events", {"limit": 12}) or {}).get("result", {}).get("events", [])]
        s.call("n1", "cleanup", {})
        def cleared():
            st = s.status("n1")
            return st is not None and all(f["count"] == 0 for f in st.get("failcounts", []))
        self.wait(cleared, 20, "failcounts cleared")
        return r

    def keepalived_app_failure(self, s, i):
        """keepalived does not restart nginx: the check fails and the VIP moves to n2's nginx."""
        def event():
            t0 = now_ms()
            pid = kill_nginx(s.base, "n1")
            return t0, {"event": f"kill -9 of nginx on n1 (process group {pid})"}
        r = self.measure(s, "app-failure", i, event, "n2")
        s.start_nginx("n1")
        self.await_home(s, 60)
        return r

    def heartbeat_app_failure(self, s, i):
        """Heartbeat R1 has no resource monitoring: nothing is expected to happen (10 s limit)."""
        def event():
            t0 = now_ms()
            pid = kill_nginx(s.base, "n1")
            return t0, {"event": f"kill -9 of nginx on n1 (process group {pid})"}
        r = self.measure(s, "app-failure", i, event, "n1", limit_s=10)
        if vip_on("n1"):
            nsexec(NODES["n1"], ["nginx", "-c", os.path.join(s.base, "n1", "nginx", "nginx.conf")])
        self.await_home(s, 60)
        return r

    @staticmethod
    def peers_of_n1():
        """Who may take n1's group over: n2 in a pair, n2 or n3 on 3 nodes (the manager's choice)."""
        peers = tuple(n for n in NODES if n != "n1")
        return peers[0] if len(peers) == 1 else peers

    def runs_for(self):
        return self.args.runs or (2 if self.args.quick else 5)

    # ---------- lease A/B (issue 16)

    def lease_ab(self):
        """Blocks of (restart with quorum_lease X, crash-kill + failback, graceful stop + failback),
        X alternating on, off, on, off, ... per profile; then every quorum-lease event in the
        daemons' logs, each placed against the injected events."""
        profiles = [p for p in self.args.lease_profiles.split(",") if p]
        rounds = self.runs_for()
        self.results["lease_ab"] = {"profiles": profiles, "rounds": rounds, "blocks": [], "events": {},
                                    "scenarios": list(LEASE_SCENARIOS)}
        s = Lifeline(self)
        self.systems.append(s)
        self.injected = []  # (wall ms, what) of every event the bench caused, for the log scan
        for profile in profiles:
            self.lease_profile = profile
            sets = {}
            for rnd in range(1, rounds + 1):
                for setting in ("on", "off"):
                    self.check_time()
                    self.lease_setting = setting
                    label = f"lifeline {profile} lease {setting}"
                    block = {"profile": profile, "lease": setting, "round": rnd, "loadavg": loadavg(),
                             "started": datetime.datetime.now(datetime.timezone.utc).isoformat()}
                    log(f"block {profile} quorum_lease {setting}, round {rnd}/{rounds}; loadavg {block['loadavg']}")
                    busy0, mono0 = cpu_busy(), time.monotonic()
                    self.injected.append((now_ms(), f"cluster started with quorum_lease {setting}"))
                    try:
                        self.reset(s)
                    except RuntimeError as e:
                        block["error"] = str(e)
                        log(f"  block does not start: {e}")
                        self.results["lease_ab"]["blocks"].append(block)
                        continue
                    self.results.setdefault("settings", {})[f"{label} (ha.cf n1)"] = s.settings()
                    for scenario in LEASE_SCENARIOS:
                        for name in (scenario, "failback"):
                            if (label, name) not in sets:
                                sets[(label, name)] = {"system": label, "scenario": name, "profile": profile,
                                                       "lease": setting, "loadavg_start": loadavg(), "runs": []}
                        self.measured = []
                        self.failbacks = {}
                        how = getattr(self, f"scenario_{scenario.replace('-', '_')}")
                        try:
                            r = how(s, rnd)
                        except (RuntimeError, subprocess.TimeoutExpired) as e:
                            log(f"  {scenario} round {rnd}: {e}; the block's cluster is restarted next")
                            r = self.measured[0] if self.measured else {"run": rnd, "error": str(e)}
                            r.setdefault("heal_error", str(e))
                        r["round"] = rnd
                        sets[(label, scenario)]["runs"].append(r)
                        self.injected.append((iso_ms(r.get("t0")), f"{scenario} round {rnd} (quorum_lease {setting})"))
                        for fb in self.failbacks.get(s.name, []):
                            fb["round"] = rnd
                            sets[(label, "failback")]["runs"].append(fb)
                            self.injected.append((iso_ms(fb.get("t0")), f"failback after {scenario} round {rnd} "
                                                                        f"(quorum_lease {setting})"))
                        if "heal_error" in r or "gap_ms" not in r:
                            break  # the cluster may not be home: the next block restarts it
                    block["cpu_busy_cores"] = round((cpu_busy() - busy0) / CLK_TCK / (time.monotonic() - mono0), 2)
                    block["loadavg_end"] = loadavg()
                    # the daemons stop one after the other (n1 first), so the group moves and the last
                    # one is left alone without quorum: lease events then are the teardown's, not a run's
                    self.injected.append((now_ms(), TEARDOWN))
                    s.stop_all()
                    self.results["lease_ab"]["blocks"].append(block)
                    self.results["sets"] = [x for x in self.results["sets"] if x.get("profile") != profile] + list(sets.values())
                    self.write()
            for entry in sets.values():
                self.summarise(entry)
        s.stop_all()
        self.lease_profile = self.lease_setting = None
        self.results["lease_ab"]["events"] = self.lease_events(s)
        self.daemon_marks(s)
        self.write()

    def lease_events(self, s):
        """Every quorum-lease line in the daemons' logs (each node's log spans all blocks), with the
        nearest injected event before it. "quorum lease ending" is the self-fence: the crashes here
        are kill -9 (the crashed daemon logs nothing), so one in these logs is a false self-fence."""
        pat = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}) (.*)$")
        out = {"ending": [], "ending_teardown": [], "not_held": [], "held": [], "counts": {}}
        for n in NODES:
            try:
                lines = open(s.log_path(n), errors="replace").read().splitlines()
            except OSError:
                continue
            for line in lines:
                m = pat.match(line)
                if not m or "quorum lease" not in m.group(2):
                    continue
                t = datetime.datetime.strptime(m.group(1), "%Y-%m-%d %H:%M:%S.%f").timestamp() * 1000
                before = [x for x in self.injected if x[0] is not None and x[0] <= t]
                near = max(before) if before else None
                item = {"node": n, "at": m.group(1), "text": m.group(2)[:300],
                        "after": f"{round(t - near[0])} ms after {near[1]}" if near else "before any event"}
                kind = ("ending" if "quorum lease ending" in line else
                        "held" if "quorum lease held" in line else "not_held")
                if kind == "ending" and near and near[1] == TEARDOWN:
                    kind = "ending_teardown"
                out[kind].append(item)
        out["counts"] = {k: len(v) for k, v in out.items() if isinstance(v, list)}
        return out

    def daemon_marks(self, s):
        """Per run, from the daemons' full logs, the times the client cannot see through the noise
        of a loaded box (nginx's start): ms after the event when the survivor declared n1 dead and
        began starting the VIP (crash, graceful stop), and for a failback how long n1 took from
        "all nodes are up" to starting the VIP (the claim, which waits for n1's lease when on)."""
        pat = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}) (.*)$")
        logs = {}
        for n in NODES:
            try:
                logs[n] = [(iso_local_ms(m.group(1)), m.group(2)) for m in
                           (pat.match(l) for l in open(s.log_path(n), errors="replace")) if m]
            except OSError:
                logs[n] = []

        def first(nodes, t0, text, limit_ms=15000):
            ts = [t for n in nodes for t, l in logs[n] if t0 <= t <= t0 + limit_ms and text in l]
            return min(ts) if ts else None
        peers = [n for n in NODES if n != "n1"]
        for st in self.results["sets"]:
            if "lease" not in st:
                continue
            for y in st.get("runs", []):
                t0 = iso_ms(y.get("t0"))
                if t0 is None:
                    continue
                marks = {}
                if st["scenario"] in ("crash-kill", "graceful-stop"):
                    dead = first(peers, t0, "node n1: is dead" if st["scenario"] == "crash-kill" else "n1 released")
                    start = first(peers, t0, "] starting IPaddr2")
                    marks = {"peer_saw_ms": dead, "vip_start_ms": start}
                elif st["scenario"] == "failback":
                    placing = first(["n1"], t0, "all nodes are up: placing groups")
                    start = first(["n1"], t0, "] starting IPaddr2")
                    marks = {"n1_placing_ms": placing, "vip_start_ms": start}
                y["daemon"] = {k: (round(v - t0) if v else None) for k, v in marks.items()}
                if st["scenario"] == "failback" and placing and start:
                    y["daemon"]["claim_ms"] = round(start - placing)

    # ---------- soak

    def soak(self, minutes):
        """A timer profile, group on n1, both cores kept busy by busy loops: every group move, node or
        link death, monitor failure and stall is a false failover; a prober runs all the time. Also
        records what the profile costs: each daemon's CPU and the heartbeat links' packets."""
        s = Lifeline(self)
        self.systems.append(s)
        self.soaking = True
        self.start_system(s)
        time.sleep(self.args.soak_warmup_seconds)  # past the JVM's start-up compilation, for the idle cost
        offsets = {n: os.path.getsize(s.log_path(n)) for n in NODES}
        seconds = int(minutes * 60)
        os.makedirs(os.path.join(self.work, "probes"), exist_ok=True)  # --only soak makes no Prober first
        load_before = loadavg()
        log(f"soak: {minutes} min, profile {self.args.soak_profile} on {len(NODES)} nodes, realtime "
            f"{self.args.soak_realtime}, {self.args.hogs} busy loops at nice 0; loadavg before {load_before}")
        # the same measure without the soak's own load first: what the daemons cost on their own
        idle = self.daemon_costs(s, self.args.soak_idle_seconds) if self.args.soak_idle_seconds > 0 else None
        if idle:
            log(f"  idle {self.args.soak_idle_seconds} s before the hogs: {idle}")
        prober = self.registry.add(subprocess.Popen(
            ["ip", "netns", "exec", CLIENT, sys.executable, os.path.abspath(__file__), "probe", "--out",
             os.path.join(self.work, "probes", "soak.txt"), "--vip", VIP, "--max-seconds", str(seconds + 60)],
            stdout=subprocess.DEVNULL), "probe-soak")
        jitter_out = os.path.join(self.work, "jitter.txt")
        jitter = self.registry.add(subprocess.Popen(
            [sys.executable, os.path.abspath(__file__), "jitter", "--out", jitter_out, "--max-seconds", str(seconds + 60)],
            stdout=subprocess.DEVNULL), "jitter")
        # a UDP round trip n2 -> n1 every 5 ms over the heartbeats' bridge br0, at the heartbeats' priority
        net_out = os.path.join(self.work, "udpping.txt")
        n1_ip = ADDR["n1"]["eth0"].split("/")[0]
        echo = self.registry.add(subprocess.Popen(
            ["ip", "netns", "exec", NODES["n1"], sys.executable, os.path.abspath(__file__), "udpecho",
             "--max-seconds", str(seconds + 60)], stdout=subprocess.DEVNULL), "udpecho")
        ping = self.registry.add(subprocess.Popen(
            ["ip", "netns", "exec", NODES["n2"], sys.executable, os.path.abspath(__file__), "udpping", "--to", n1_ip,
             "--out", net_out, "--max-seconds", str(seconds + 60)], stdout=subprocess.DEVNULL), "udpping")
        hogs = [self.registry.add(subprocess.Popen(["timeout", str(seconds + 30), "sh", "-c", "while :; do :; done"]),
                                  "hog") for _ in range(self.args.hogs)]
        t_start = now_ms()
        busy0 = cpu_busy()
        cost0 = self.cost_counters(s)
        polls, not_home, unanswered, loads = 0, 0, 0, []
        t_end = time.monotonic() + seconds
        try:
            while time.monotonic() < t_end:
                for n in NODES:
                    st = s.status(n)
                    if st is None:
                        unanswered += 1
                    elif not st.get("groups") or st["groups"][0]["owners"] != ["n1"]:
                        not_home += 1
                polls += 1
                loads.append(loadavg()[0])
                time.sleep(1)
        finally:
            for h in hogs:
                if h.poll() is None:
                    h.terminate()
            for h in hogs:
                h.wait(timeout=10)
        busy = (cpu_busy() - busy0) / CLK_TCK / (seconds or 1)
        loaded = self.cost_since(s, cost0, seconds)
        prober.send_signal(signal.SIGTERM)
        prober.wait(timeout=20)
        jitter.send_signal(signal.SIGTERM)
        jitter.wait(timeout=20)
        policy, samples, box_stalls = read_jitter(jitter_out)
        for x in (ping, echo):
            x.send_signal(signal.SIGTERM)
        for x in (ping, echo):
            x.wait(timeout=20)
        net_policy, net_samples, net_slow = read_jitter(net_out)
        rows = []
        with open(os.path.join(self.work, "probes", "soak.txt")) as f:
            for line in f:
                a, b, ok, body = line.split()
                rows.append((float(a), float(b), ok == "1", body))
        ana = analyse(rows, t_start + 1000)
        patterns = {"node_dead": r"node \S+: is dead", "link_dead": r"link \S+ to \S+: dead",
                    "late_heartbeat": r"late heartbeat from", "frozen": r"this node was frozen",
                    "partition_healed": r"partition healed", "suspected": r"(?i)suspect",
                    "monitor_failed": r"monitor of .* failed", "starting": r"\bstart(ing)? ", "stopping": r"\bstop(ping)? "}
        events = {}
        for n in NODES:
            with open(s.log_path(n), errors="replace") as f:
                f.seek(offsets[n])
                text = f.read()
            events[n] = {k: len(re.findall(p, text)) for k, p in patterns.items()}
            events[n]["gc"] = gc_pauses(os.path.join(s.dir(n), "gc.log"), s.started.get(n, 0), t_start)
            long_sp = (events[n]["gc"] or {}).get("long_safepoints", [])
            frozen = [int(x) for x in re.findall(r"this node was frozen for (\d+) ms", text)]
            # each freeze: did the jitter probe (outside the JVMs) stall at the same moment?
            shared = []
            for m in re.finditer(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}) .*this node was frozen for (\d+) ms", text, re.M):
                t = datetime.datetime.strptime(m.group(1), "%Y-%m-%d %H:%M:%S.%f").timestamp() * 1000
                box = [g for (tb, g) in box_stalls if abs(tb - t) <= 250]
                net = [g for (tb, g) in net_slow if abs(tb - t) <= 250]
                sp = [x for x in long_sp if abs(x[0] - t) <= 250]
                shared.append({"at": m.group(1)[11:], "frozen_ms": int(m.group(2)),
                               "box_stall_ms": max(box) if box else None, "net_rtt_ms": max(net) if net else None,
                               "safepoint": (f"{sp[-1][1]}: reaching {sp[-1][2]} ms, total {sp[-1][3]} ms" if sp else None)})
            events[n]["freezes"] = shared
            late = [int(x) for x in re.findall(r"late heartbeat from .*silent for (\d+) ms", text)]
            events[n]["frozen_ms_max"] = max(frozen, default=0)
            events[n]["late_ms_max"] = max(late, default=0)
            events[n]["examples"] = [l for l in text.splitlines()
                                     if re.search(r"dead|late heartbeat|frozen|failed|suspect|WARN|ERROR", l)][:20]
        entry = {"minutes": minutes, "hogs": self.args.hogs, "realtime": self.args.soak_realtime,
                 "java_opts_extra": self.args.soak_java_opts,
                 "profile": self.args.soak_profile, "nodes": len(NODES),
                 "ha_cf": open(os.path.join(s.dir("n1"), "ha.cf")).read(),
                 "loadavg_before": load_before,
                 "loadavg1_median_during": statistics.median(loads) if loads else None,
                 "loadavg1_min_during": min(loads, default=None), "loadavg1_max_during": max(loads, default=None),
                 "cpu_busy_cores": round(busy, 2), "status_polls_per_node": polls,
                 "polls_group_not_on_n1": not_home, "polls_unanswered": unanswered,
                 "probes": ana["probes"], "failed_probes": ana["failed_probes"], "longest_gap_ms": ana["gap_ms"],
                 "fail_reasons": ana["fail_reasons"], "log_events": events, "cost_idle": idle, "cost_loaded": loaded,
                 "box_stalls": {"probe": policy, "samples": samples, "over_20ms": len(box_stalls),
                                "over_50ms": sum(1 for _, g in box_stalls if g > 50),
                                "longest_ms": max((g for _, g in box_stalls), default=0),
                                "list": [(datetime.datetime.fromtimestamp(t / 1000).strftime("%H:%M:%S.%f")[:-3], round(g))
                                         for t, g in box_stalls][:200]},
                 "net_delays": {"probe": net_policy, "samples": net_samples, "over_20ms": len(net_slow),
                                "over_50ms": sum(1 for _, g in net_slow if g > 50 or g < 0),
                                "lost": sum(1 for _, g in net_slow if g < 0),
                                "longest_ms": max((g for _, g in net_slow), default=0),
                                "list": [(datetime.datetime.fromtimestamp(t / 1000).strftime("%H:%M:%S.%f")[:-3], round(g))
                                         for t, g in net_slow][:200]},
                 "events_at_end": (s.call("n1", "events", {"limit": 30}) or {}).get("result", {}).get("events", [])}
        log(f"  soak: polls with the group not (only) on n1: {not_home}, node deaths "
            f"{sum(e['node_dead'] for e in events.values())}, monitor failures "
            f"{sum(e['monitor_failed'] for e in events.values())}, failed probes {ana['failed_probes']}, "
            f"longest gap {ana['gap_ms']} ms, CPU busy {busy:.2f} cores; loaded cost {loaded}")
        self.results["soak"] = entry
        s.stop_all()
        self.systems.remove(s)
        self.soaking = False

    @staticmethod
    def cost_counters(s):
        """Per node: the daemon's CPU jiffies and the packets its namespace's eth0+eth1 sent and received."""
        out = {}
        for n, ns in NODES.items():
            p = s.procs.get(n)
            tx = rx = 0
            for dev in ("eth0", "eth1"):
                q = nsexec(ns, ["cat", f"/sys/class/net/{dev}/statistics/tx_packets",
                                f"/sys/class/net/{dev}/statistics/rx_packets"], check=False)
                vals = [int(x) for x in q.stdout.split()] if q.returncode == 0 else [0, 0]
                tx += vals[0]
                rx += vals[1]
            out[n] = (benchlib.proc_cpu_jiffies(p.pid) if p else None, tx, rx)
        return out

    def cost_since(self, s, before, seconds):
        after = self.cost_counters(s)
        out = {}
        for n in NODES:
            (c0, t0, r0), (c1, t1, r1) = before[n], after[n]
            out[n] = {"cpu_pct_of_core": round(100.0 * (c1 - c0) / CLK_TCK / seconds, 2) if c0 is not None and c1 is not None else None,
                      "tx_pps": round((t1 - t0) / seconds, 1), "rx_pps": round((r1 - r0) / seconds, 1)}
        return out

    def daemon_costs(self, s, seconds):
        before = self.cost_counters(s)
        time.sleep(seconds)
        return self.cost_since(s, before, seconds)

    # ---------- plan

    def main(self):
        started = datetime.datetime.now(datetime.timezone.utc)
        self.results["meta"] = self.meta(started)
        self.failbacks = {}
        self.measured = []
        runs = self.runs_for()
        systems = [x for x in self.args.systems.split(",") if x]
        if self.args.only not in ("soak", "lease-ab"):
            for name in systems:
                system = {"lifeline": Lifeline, "lifeline-vip": LifelineVip, "keepalived": Keepalived,
                          "heartbeat": Heartbeat}[name](self)
                self.systems.append(system)
                try:
                    self.start_system(system)
                except RuntimeError as e:
                    log(f"{name} does not start: {e}")
                    self.results["sets"].append({"system": name, "scenario": "start", "error": str(e), "runs": []})
                    system.stop_all()
                    self.systems.remove(system)
                    continue
                self.results.setdefault("settings", {})[name] = system.settings()
                for scenario in system.scenarios:
                    if self.args.scenarios and scenario not in self.args.scenarios.split(","):
                        continue
                    self.run_set(system, scenario, runs)
                if self.failbacks.get(name):
                    entry = {"system": name, "scenario": "failback", "loadavg_start": None,
                             "runs": self.failbacks[name]}
                    self.summarise(entry)
                    self.results["sets"].append(entry)
                system.stop_all()
                self.systems.remove(system)
                self.write()
        if self.args.lease_ab:
            self.lease_ab()
        if self.args.soak:
            self.soak(self.args.soak_minutes)
        self.results["meta"]["finished"] = datetime.datetime.now(datetime.timezone.utc).isoformat()
        self.write()
        log(f"results: {self.out_md}")
        print(open(self.out_md).read().split("## Every run")[0])

    def meta(self, started):
        def cmd(c):
            try:
                p = run(c, check=False)
                return (p.stdout.strip() or p.stderr.strip()).splitlines()[0]
            except (OSError, subprocess.TimeoutExpired, IndexError):
                return "?"
        return {"started": started.isoformat(), "quick": self.args.quick, "soak": self.args.soak,
                "git": cmd(["git", "-C", self.repo, "describe", "--always", "--dirty"]),
                "jar": os.path.basename(self.jar), "java": cmd(["java", "-version"]),
                "heartbeat": cmd(["dpkg-query", "-W", "-f", "${Version}", "heartbeat"]),
                "keepalived": cmd(["keepalived", "--version"]), "nginx": cmd(["nginx", "-v"]),
                "kernel": platform.release(), "cpus": os.cpu_count(), "loadavg_start": loadavg()}

    @property
    def out_md(self):
        if self.args.out:
            return os.path.join(self.here, self.args.out)
        if self.args.lease_ab:
            return os.path.join(self.here, "results-lease-ab.md")
        if self.args.quick:
            return os.path.join(self.here, "results-quick.md")
        if self.args.only == "soak":
            if self.args.soak_profile == "50/250" and self.args.soak_nodes == 2:
                return os.path.join(self.here, "results-soak.md")
            return os.path.join(self.here, f"results-soak-{self.args.soak_profile.replace('/', '-')}-"
                                f"{self.args.soak_nodes}nodes.md")
        return os.path.join(self.here, "results.md")

    def write(self):
        with open(self.out_md.replace(".md", ".json"), "w") as f:
            json.dump(self.results, f, indent=1)
        with open(self.out_md, "w") as f:
            f.write(render(self.results))


def iso_local_ms(text):
    """Wall ms of a daemon log's "YYYY-MM-DD HH:MM:SS.mmm" (the box's local time, as log_excerpt reads it)."""
    return datetime.datetime.strptime(text, "%Y-%m-%d %H:%M:%S.%f").timestamp() * 1000


def iso_ms(iso):
    """Wall ms of an ISO time as measure() records t0 (None stays None)."""
    return datetime.datetime.fromisoformat(iso).timestamp() * 1000 if iso else None


def gc_pauses(path, born_s, since_ms):
    """Collections and safepoints in a daemon's -Xlog:gc,safepoint file from SINCE_MS (wall clock,
    ms) on: count and longest pause of young and full collections, count of safepoints, the
    longest "reaching safepoint" (time from the request until the last thread stopped: every
    thread, the realtime heartbeat threads too, waits for the slowest) and total, and the
    safepoints over 20 ms (wall ms, operation, reaching ms, total ms). Lines carry utctime and
    uptime; with uptime alone (older runs) BORN_S, the JVM's start, places them. None without a log."""
    out = {"young": 0, "full": 0, "young_max_ms": 0.0, "full_max_ms": 0.0, "safepoints": 0,
           "reach_max_ms": 0.0, "safepoint_max_ms": 0.0, "long_safepoints": []}
    try:
        with open(path, errors="replace") as f:
            lines = f.read().splitlines()
    except OSError:
        return None
    for line in lines:
        m = re.match(r"^(?:\[(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3})[+-]\d{4}\])?\[(\d+\.\d+)s\] (.*)$", line)
        if not m:
            continue
        if m.group(1):
            t = datetime.datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S.%f").replace(
                tzinfo=datetime.timezone.utc).timestamp() * 1000
        else:
            t = (born_s + float(m.group(2))) * 1000
        if t < since_ms:
            continue
        rest = m.group(3)
        g = re.match(r"GC\(\d+\) Pause (Young|Full).* (\d+\.\d+)ms$", rest)
        if g:
            kind = "young" if g.group(1) == "Young" else "full"
            out[kind] += 1
            out[f"{kind}_max_ms"] = max(out[f"{kind}_max_ms"], float(g.group(2)))
            continue
        sp = re.match(r'Safepoint "([^"]+)".*Reaching safepoint: (\d+) ns.*Total: (\d+) ns', rest)
        if sp:
            reach, total = int(sp.group(2)) / 1e6, int(sp.group(3)) / 1e6
            out["safepoints"] += 1
            out["reach_max_ms"] = max(out["reach_max_ms"], round(reach, 1))
            out["safepoint_max_ms"] = max(out["safepoint_max_ms"], round(total, 1))
            if total > 20:
                out["long_safepoints"].append((t, sp.group(1), round(reach, 1), round(total, 1)))
    return out


def cpu_busy():
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    return sum(fields[:8]) - fields[3] - fields[4]


SCENARIO_TEXT = {
    "crash-freeze": "node crash: frozen host",
    "crash-cut": "node crash: links cut",
    "crash-kill": "node crash: kill -9 + network gone",
    "graceful-stop": "graceful stop (SIGTERM)",
    "planned-failover": "planned failover",
    "failback": "failback (home node rejoins)",
    "app-failure": "application failure (kill -9 nginx)",
}


def lease_ab_section(r, ab):
    """The lease A/B's comparison: per profile and scenario, on against off."""
    def stats(xs):
        xs = sorted(x for x in xs if x is not None)
        return (statistics.median(xs), xs[0], xs[-1], len(xs)) if xs else None

    def fmt(st):
        return f"**{st[0]:g}** ({st[1]}-{st[2]}), n={st[3]}" if st else "-"

    def clean(runs):
        """Runs whose event hit a working service (answers in the 0.6 s before it) and that ended
        served by the expected node: the others measure the previous disturbance, not the event."""
        return [y for y in runs if "error" not in y and y.get("gap_ms") is not None]
    endings = [iso_local_ms(x["at"]) for x in (ab.get("events") or {}).get("ending", [])]

    def fenced(y):
        """A false self-fence logged from 1 s before the event until 0.6 s after it was served again."""
        t0 = iso_ms(y.get("t0"))
        t1 = t0 + (y.get("served_again_ms") or 0) + 600 if t0 else None
        return t0 is not None and any(t0 - 1000 <= t <= t1 for t in endings)
    out = ["", f"## Lease A/B: quorum_lease on against off, 3 nodes, {ab['rounds']} rounds per profile", "",
           "Blocks alternate on, off, on, off, ...; each block restarts the 3 daemons with the setting, then "
           "runs one crash takeover (kill -9 of n1's daemon and nginx, its links down: served by n2 or n3) "
           "followed by n1's failback, then one graceful stop (SIGTERM to n1's daemon) followed by n1's "
           "failback. Outage = longest gap between answers, ms: median (min-max), n = runs with a result.", "",
           "Clean runs only: a run whose event hit a service that was not answering in the 0.6 s before it "
           "(the previous heal, or a self-fence, not finished) or that was never served by the expected node is "
           "counted in \"left out\" and listed under Every run. \"Self-fence in run\": runs with a false "
           "\"quorum lease ending\" logged between 1 s before the event and 0.6 s after it was served again.", "",
           "| profile | scenario | lease on | lease off | on - off (medians) | served again on / off (medians) "
           "| left out on / off | self-fence in run on / off | all runs on / off (medians) |",
           "|---|---|---|---|---|---|---|---|---|"]
    for profile in ab["profiles"]:
        for sc in (*ab.get("scenarios", LEASE_SCENARIOS), "failback"):
            by = {x["lease"]: x.get("runs", []) for x in r["sets"] if x.get("profile") == profile and x["scenario"] == sc}
            on, off = (stats([y.get("gap_ms") for y in clean(by.get(k, []))]) for k in ("on", "off"))
            sa = [stats([y.get("served_again_ms") for y in clean(by.get(k, []))]) for k in ("on", "off")]
            al = [stats([y.get("gap_ms") for y in by.get(k, [])]) for k in ("on", "off")]
            diff = f"{on[0] - off[0]:+g}" if on and off else "-"
            out.append(f"| {profile} | {SCENARIO_TEXT.get(sc, sc)} | {fmt(on)} | {fmt(off)} | {diff} | "
                       f"{' / '.join(f'{x[0]:g}' if x else '-' for x in sa)} | "
                       f"{' / '.join(str(len(by.get(k, [])) - len(clean(by.get(k, [])))) for k in ('on', 'off'))} | "
                       f"{' / '.join(str(sum(1 for y in by.get(k, []) if fenced(y))) for k in ('on', 'off'))} | "
                       f"{' / '.join(f'{x[0]:g}' if x else '-' for x in al)} |")
    out += ["", "From the daemons' logs (ms; median (min-max) over the same clean runs): crash = the survivors' "
            "\"node n1: is dead\" and the first \"starting IPaddr2\" on n2 or n3 after the kill; graceful stop = "
            "n1's release seen by a peer and the VIP's start there after the SIGTERM; failback = from n1's \"all "
            "nodes are up: placing groups\" to its \"starting IPaddr2\" (n1's claim; with the lease on, n1 must "
            "hold its lease first). These exclude nginx's start, the noisiest step on a loaded box.", "",
            "| profile | scenario | step | lease on | lease off | on - off (medians) |", "|---|---|---|---|---|---|"]
    steps = {"crash-kill": (("peer_saw_ms", "n1 declared dead"), ("vip_start_ms", "VIP start begins")),
             "graceful-stop": (("peer_saw_ms", "release seen by a peer"), ("vip_start_ms", "VIP start begins")),
             "failback": (("claim_ms", "placing -> VIP start on n1"),)}
    for profile in ab["profiles"]:
        for sc, keys in steps.items():
            by = {x["lease"]: clean(x.get("runs", [])) for x in r["sets"] if x.get("profile") == profile and x["scenario"] == sc}
            for key, what in keys:
                on, off = (stats([(y.get("daemon") or {}).get(key) for y in by.get(k, [])]) for k in ("on", "off"))
                diff = f"{on[0] - off[0]:+g}" if on and off else "-"
                out.append(f"| {profile} | {SCENARIO_TEXT.get(sc, sc)} | {what} | {fmt(on)} | {fmt(off)} | {diff} |")
    out += ["", "| block | profile | quorum_lease | round | load avg at start | load avg at end | CPU busy (cores) | error |",
            "|---|---|---|---|---|---|---|---|"]
    for i, b in enumerate(ab["blocks"], 1):
        out.append(f"| {i} | {b['profile']} | {b['lease']} | {b['round']} | {b['loadavg']} | {b.get('loadavg_end', '-')} "
                   f"| {b.get('cpu_busy_cores', '-')} | {b.get('error', '')} |")
    ev = ab.get("events") or {}
    if ev:
        c = ev.get("counts", {})
        out += ["", f"Quorum-lease events in the daemons' logs: {c.get('ending', 0)} \"quorum lease ending\" "
                "during the blocks (a self-fence; the crashes are kill -9, so the crashed daemon logs none: every one "
                f"here is outside the injected crash, i.e. false), {c.get('ending_teardown', 0)} more while a block's "
                f"daemons were stopped one after the other (the last one alone has no quorum: expected), "
                f"{c.get('not_held', 0)} \"no quorum lease\" (yet) or \"stopping ... no quorum lease\", "
                f"{c.get('held', 0)} \"quorum lease held\"."]
        for kind in ("ending", "not_held"):
            if ev.get(kind):
                out += ["", "```"] + [f"{x['node']} {x['at']} ({x['after']}): {x['text']}" for x in ev[kind][:40]] + ["```"]
    return out


def render(r):
    m = r["meta"]
    out = [f"# Outage benchmark results{' (quick)' if m['quick'] else ''}", "",
           f"Written by `bench/outage/run.sh`. Started {m['started']}, finished {m.get('finished', '(incomplete)')}; "
           f"commit {m['git']}, {m['jar']}, {m['java']}; heartbeat {m['heartbeat']}, {m['keepalived']}, {m['nginx']}; "
           f"kernel {m['kernel']}, {m['cpus']} CPUs, load avg at start {m['loadavg_start']}.", "",
           f"Probe: HTTP/1.0 GET to {VIP}:80 from the client namespace, a new connection every {PROBE_INTERVAL_MS} ms, each with a "
           f"{PROBE_TIMEOUT_MS} ms timeout. Outage = longest gap between two successful answers from 1 s before the "
           "event; failed = probes that timed out or were refused, from 0.5 s before the event. "
           "Served again = first answer from the expected node after the event. All in ms: median (min-max).", "",
           "## Summary", "",
           "| system | scenario | runs | outage (longest gap) | failed probes | served again after event | "
           "monitor declared after kill | served after monitor declared | target | errors | CPU busy (cores) |",
           "|---|---|---|---|---|---|---|---|---|---|---|"]
    for s in r["sets"]:
        if s.get("scenario") == "start":
            out.append(f"| {s['system']} | did not start | - | - | - | - | - | - | - | {s['error']} |")
            continue
        tgt = TARGETS_MS.get(s["scenario"])
        tgt_s = "-"
        if tgt and s["system"].startswith("lifeline"):
            val = s.get("gap_median_ms")
            if s["scenario"] == "app-failure":
                xs = [x.get("served_after_declared_ms") for x in s["runs"] if x.get("served_after_declared_ms") is not None]
                val = statistics.median(xs) if xs else None
            tgt_s = f"<= {tgt}: " + ("met" if val is not None and val <= tgt else "missed")
        out.append(f"| {s['system']} | {SCENARIO_TEXT.get(s['scenario'], s['scenario'])} | {len(s['runs'])} | "
                   f"**{s.get('gap_ms', '-')}** | {s.get('failed_probes', '-')} | {s.get('served_again_ms', '-')} | "
                   f"{s.get('declared_ms', '-')} | {s.get('served_after_declared_ms', '-')} | {tgt_s} | {s.get('errors', 0)} | "
                   f"{s.get('cpu_busy_cores', '-')} |")
    ab = r.get("lease_ab")
    if ab:
        out += lease_ab_section(r, ab)
    so = r.get("soak")
    if so:
        out += ["", f"## Soak: {so['minutes']} minutes, Lifeline {so.get('profile', '50/250')} on {so.get('nodes', 2)} "
                f"nodes with realtime {so.get('realtime', 'on')}, {so['hogs']} busy loops"
                + (f", extra JVM flags `{so['java_opts_extra']}`" if so.get("java_opts_extra") else ""), "",
                (f"Load before the busy loops {so['loadavg_before']}; 1-min load during: median "
                 f"{so['loadavg1_median_during']} (min {so['loadavg1_min_during']}, max {so['loadavg1_max_during']}). "
                 if "loadavg_before" in so else f"Median 1-min load {so['loadavg1_median_during']}. ") +
                f"CPU busy {so['cpu_busy_cores']} cores. "
                f"{so['status_polls_per_node']} status polls per node (1/s): group not (only) on n1 in "
                f"{so['polls_group_not_on_n1']}, unanswered {so['polls_unanswered']}. Client: {so['probes']} probes, "
                f"{so['failed_probes']} failed, longest gap {so['longest_gap_ms']} ms ({so['fail_reasons']}).", "",
                "| node | node dead | link dead | late heartbeat (longest silence ms) | frozen (longest ms) | "
                "partition healed | monitor failed | GC young: count (longest ms) | GC full: count (longest ms) | "
                "safepoints: count, longest reaching / total ms, over 20 ms |",
                "|---|---|---|---|---|---|---|---|---|---|"]
        for n, e in so["log_events"].items():
            gc = e.get("gc") or {}
            out.append(f"| {n} | {e['node_dead']} | {e['link_dead']} | {e['late_heartbeat']} ({e.get('late_ms_max', '-')}) | "
                       f"{e['frozen']} ({e.get('frozen_ms_max', '-')}) | {e.get('partition_healed', '-')} | "
                       f"{e['monitor_failed']} | {gc.get('young', '-')} ({gc.get('young_max_ms', '-')}) | "
                       f"{gc.get('full', '-')} ({gc.get('full_max_ms', '-')}) | {gc.get('safepoints', '-')}, "
                       f"{gc.get('reach_max_ms', '-')} / {gc.get('safepoint_max_ms', '-')}, {len(gc.get('long_safepoints', []))} |")
        for label, key in (("idle, before the busy loops", "cost_idle"), ("during the soak", "cost_loaded")):
            if so.get(key):
                out += ["", f"Cost per node, {label} (daemon CPU in % of one core; packets per second on "
                        "eth0+eth1, client probes included on the VIP's node n1 during the soak):", "",
                        "| node | daemon CPU % | tx packets/s | rx packets/s |", "|---|---|---|---|"]
                for n, c in so[key].items():
                    out.append(f"| {n} | {c['cpu_pct_of_core']} | {c['tx_pps']} | {c['rx_pps']} |")
        bs = so.get("box_stalls")
        if bs:
            out += ["", f"Box stalls (a Python thread outside the JVMs sleeping 5 ms in a loop; {bs['probe']}): "
                    f"{bs['over_20ms']} over 20 ms, {bs['over_50ms']} over 50 ms, longest {round(bs['longest_ms'])} ms "
                    f"in {bs['samples']} samples."]
            nd = so.get("net_delays")
            if nd:
                out += ["", f"Packet delays (UDP round trips n2 -> n1 -> n2 every 5 ms over br0, both ends Python; "
                        f"{nd['probe']}): {nd['over_20ms']} over 20 ms, {nd['over_50ms']} over 50 ms or lost "
                        f"({nd['lost']} lost), longest {round(nd['longest_ms'])} ms in {nd['samples']} round trips."]
            fr = [(n, f) for n, e in so["log_events"].items() for f in e.get("freezes", [])]
            if fr:
                out += ["", "| node | daemon frozen at | frozen ms | box stall within 250 ms (ms) | slow round trip within 250 ms (ms) "
                        "| this JVM's safepoint over 20 ms within 250 ms |", "|---|---|---|---|---|---|"]
                out += [f"| {n} | {f['at']} | {f['frozen_ms']} | {f['box_stall_ms'] if f['box_stall_ms'] is not None else 'none'} | "
                        f"{f.get('net_rtt_ms') if f.get('net_rtt_ms') is not None else 'none'} | {f.get('safepoint') or 'none'} |"
                        for n, f in fr]
            slow = sorted(set(t for t, _ in (nd or {}).get("list", [])) | set(t for t, _ in bs.get("list", [])))
            if slow:
                out += ["", "Box stalls and slow round trips (time, ms): box " + ", ".join(f"{t} {g}" for t, g in bs["list"][:40])
                        + "; net " + ", ".join(f"{t} {g}" for t, g in (nd or {}).get("list", [])[:40])]
        if so.get("ha_cf"):
            out += ["", "ha.cf (n1):", "", "```", so["ha_cf"].rstrip(), "```"]
        ex = [l for e in so["log_events"].values() for l in e["examples"]]
        if ex:
            out += ["", "```"] + ex + ["```"]
    for name, st in r.get("settings", {}).items():
        out += ["", f"## Settings: {name}", ""]
        for k, v in st.items():
            out += [f"{k}:", "", "```", v.rstrip(), "```", ""]
    out += ["", "## Every run", ""]
    for s in r["sets"]:
        if not s.get("runs"):
            continue
        out += [f"### {s['system']} {s['scenario']}", "",
                "| run | t0 (UTC) | event | outage | failed | served again | declared | served after declared | "
                "load | error |", "|---|---|---|---|---|---|---|---|---|---|"]
        for x in s["runs"]:
            out.append(f"| {x['run']} | {x.get('t0', '')[11:23]} | {x.get('event', '')}{' (' + x['after'] + ')' if x.get('after') else ''} | "
                       f"{x.get('gap_ms', '-')} | {x.get('failed_probes', '-')} {x.get('fail_reasons', '')} | "
                       f"{x.get('served_again_ms', '-')} | {x.get('declared_ms', '-')} | "
                       f"{x.get('served_after_declared_ms', '-')} | {x.get('loadavg1', '-')} | {x.get('error', '')}"
                       f"{' (heal: ' + x['heal_error'] + ')' if x.get('heal_error') else ''} |")
        logs = [x for x in s["runs"] if x.get("log")]
        if logs:
            x = logs[len(logs) // 2]
            out += ["", f"Daemon log of run {x['run']} (ms from the event):", "", "```"] + x["log"] + ["```"]
        out.append("")
    return "\n".join(out) + "\n"


def parse_args(argv):
    if argv and argv[0] in ("jitter", "udpecho", "udpping"):  # the soak's realtime probes
        ap = argparse.ArgumentParser(prog=f"outage.py {argv[0]}")
        ap.add_argument("cmd")
        ap.add_argument("--out", default=os.devnull)
        ap.add_argument("--to", default="", help="udpping: the echo's address")
        ap.add_argument("--port", type=int, default=7070)
        ap.add_argument("--rtprio", type=int, default=10)
        ap.add_argument("--period-ms", type=float, default=5)
        ap.add_argument("--report-ms", type=float, default=20)
        ap.add_argument("--max-seconds", type=float, default=1200)
        a = ap.parse_args(argv)
        a.probe = None
        return a
    if argv and argv[0] == "probe":
        ap = argparse.ArgumentParser(prog="outage.py probe")
        ap.add_argument("probe")
        ap.add_argument("--out", required=True)
        ap.add_argument("--vip", default=VIP)
        ap.add_argument("--max-seconds", type=float, default=120)
        return ap.parse_args(argv)
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repo", required=True)
    ap.add_argument("--jar", required=True)
    ap.add_argument("--quick", action="store_true", help="2 runs per scenario, no soak")
    ap.add_argument("--runs", type=int, default=0, help="runs per scenario (default 5, quick 2)")
    ap.add_argument("--systems", default="lifeline,lifeline-vip,keepalived,heartbeat")
    ap.add_argument("--scenarios", default="", help="comma-separated subset (default: all of each system)")
    ap.add_argument("--only", default="", help="'soak': only the soak")
    ap.add_argument("--out", default="", help="results file name in bench/outage (default results.md)")
    ap.add_argument("--soak", action="store_true", help="10 minutes of the fast profile under CPU load")
    ap.add_argument("--soak-minutes", type=float, default=10)
    ap.add_argument("--hogs", type=int, default=4)
    ap.add_argument("--soak-realtime", choices=["on", "off"], default="on",
                    help="ha.cf realtime during the soak (on: the fast profile; off: no raised priority)")
    ap.add_argument("--soak-profile", choices=sorted(PROFILES), default="50/250",
                    help="keepalive/deadtime of the soak, ms (default 50/250)")
    ap.add_argument("--soak-nodes", type=int, choices=[2, 3], default=2,
                    help="cluster size of the soak (3 only with --only soak: the comparisons are pairs)")
    ap.add_argument("--soak-java-opts", default="",
                    help="extra JVM flags for the soak's daemons (LIFELINE_JAVA_OPTS, after bin/hactl's own), for A/B runs")
    ap.add_argument("--soak-warmup-seconds", type=float, default=20,
                    help="seconds between the group being home and the idle measure")
    ap.add_argument("--soak-idle-seconds", type=float, default=30,
                    help="seconds measured without the busy loops before the soak (the daemons' own cost)")
    ap.add_argument("--lease-ab", action="store_true",
                    help="issue 16: quorum_lease on against off on 3 nodes, blocks interleaved (results-lease-ab.md)")
    ap.add_argument("--lease-profiles", default="50/250",
                    help="comma-separated timer profiles of the lease A/B (from: " + ", ".join(sorted(PROFILES)) + ")")
    ap.add_argument("--ns-prefix", default=os.environ.get("LL_OUTAGE_NS_PREFIX", DEFAULT_NS_PREFIX),
                    help="network namespace prefix (default $LL_OUTAGE_NS_PREFIX or ll-o: ll-ohub, ll-on1, ...)")
    ap.add_argument("--keepalived-advert", default="0.1", help="VRRPv3 advert_int, seconds")
    ap.add_argument("--keepalived-check-interval", default="1", help="vrrp_script interval, seconds")
    ap.add_argument("--keepalived-fall", default="2", help="vrrp_script fall")
    ap.add_argument("--heartbeat-keepalive", default="50ms")
    ap.add_argument("--heartbeat-deadtime", default="250ms")
    ap.add_argument("--heartbeat-warntime", default="150ms")
    ap.add_argument("--max-minutes", type=float, default=60, help="hard limit for the whole benchmark")
    a = ap.parse_args(argv)
    a.probe = None
    if a.only == "soak":
        a.soak = True
    if a.only == "lease-ab":
        a.lease_ab = True
    if a.lease_ab:
        if a.only not in ("", "lease-ab") or a.soak:
            ap.error("--lease-ab runs alone (--only lease-ab)")
        a.only = "lease-ab"
        bad = [p for p in a.lease_profiles.split(",") if p and p not in PROFILES]
        if bad:
            ap.error(f"--lease-profiles: unknown {bad}; known: {sorted(PROFILES)}")
    if a.soak_nodes != 2 and a.only != "soak":
        ap.error("--soak-nodes 3 needs --only soak (the scenarios and comparison systems run pairs)")
    if not re.fullmatch(r"[a-z][a-z0-9-]{0,8}", a.ns_prefix):
        ap.error(f"--ns-prefix {a.ns_prefix!r}: 1-9 characters a-z, 0-9, '-' starting with a letter")
    return a


def rerender(path):
    """`outage.py rerender FILE.json`: the lease events recomputed from work/'s daemon logs (which
    the next run deletes) and the results file written again with the current render()."""
    with open(path) as f:
        results = json.load(f)
    ab = results["lease_ab"]
    set_lab(DEFAULT_NS_PREFIX, 3)

    class Args:
        runs, quick, lease_profiles = ab["rounds"], False, ",".join(ab["profiles"])
    bench = Bench.__new__(Bench)
    bench.work = os.path.join(os.path.dirname(os.path.abspath(__file__)), "work")
    bench.args, bench.lease_profile, bench.lease_setting = Args, None, None
    s = Lifeline(bench)
    starts = []  # every "==== bench: start" of n1: a block's cluster (or a failback's n1) started
    for line in open(s.log_path("n1"), errors="replace"):
        m = re.match(r"==== bench: start (\S+) ====", line)
        if m:
            starts.append(datetime.datetime.fromisoformat(m.group(1)).timestamp() * 1000)
    bench.injected = []
    ends = []
    for b in ab["blocks"]:
        t = iso_ms(b["started"])
        first = min((x for x in starts if x >= t), default=t)
        bench.injected += [(t, TEARDOWN), (first, f"cluster started with quorum_lease {b['lease']}")]
    for st in results["sets"]:
        for y in st.get("runs", []):
            t0 = iso_ms(y.get("t0"))
            if t0:
                what = "failback" if st["scenario"] == "failback" else st["scenario"]
                bench.injected.append((t0, f"{what} round {y.get('round')} (quorum_lease {st.get('lease')})"))
                ends.append(t0 + (y.get("served_again_ms") or 0) + 600)
    bench.injected[0] = (bench.injected[0][0], "first block started")
    bench.injected.append((max(ends) + 2000, TEARDOWN))  # the last stop_all, after the last failback settled
    ab["events"] = bench.lease_events(s)
    bench.results = results
    bench.daemon_marks(s)
    with open(path, "w") as f:
        json.dump(results, f, indent=1)
    with open(path.replace(".json", ".md"), "w") as f:
        f.write(render(results))
    return 0


def main():
    if sys.argv[1:2] == ["rerender"]:
        return rerender(sys.argv[2])
    args = parse_args(sys.argv[1:])
    helper = {"jitter": jitter_main, "udpecho": udpecho_main, "udpping": udpping_main}.get(getattr(args, "cmd", None))
    if helper:
        return helper(args)
    if args.probe:
        return probe_main(args)
    set_lab(args.ns_prefix, 3 if args.lease_ab else args.soak_nodes)
    bench = Bench(args)
    return run_driver(bench)


if __name__ == "__main__":
    sys.exit(main())
