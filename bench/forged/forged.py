#!/usr/bin/env python3
"""Forged-datagram benchmark (issue 14): a host without the key sends datagrams of each kind at a
2-node cluster (keepalive 100 ms, deadtime 500 ms) and we report false deaths, late heartbeats,
drop counters, daemon CPU per 1,000 datagrams and RSS. Standard library only; see README.md."""

import argparse
import datetime
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from benchlib import Registry, control_status, log, nsexec, proc_cpu_jiffies, run, write_authkeys  # noqa: E402

HUB, N1, N2, X = "ll-aufhub", "ll-aufn1", "ll-aufn2", "ll-aufx"
NAMESPACES = {"n1": N1, "n2": N2, "x": X}
ADDRESSES = {"n1": "198.51.100.11", "n2": "198.51.100.12", "x": "198.51.100.13"}
SECRET = "bench-forged-secret-0123456789"
KINDS = ["random", "truncated", "bitflip", "huge", "replay", "replay-after-restart"]
HZ = os.sysconf("SC_CLK_TCK")


class Daemon:
    """One `hactl daemon` in a namespace, started through bin/hactl (its daemon JVM profile)."""

    def __init__(self, args, registry, node):
        self.args, self.registry, self.node = args, registry, node
        self.dir = os.path.join(args.work, node)
        self.socket = os.path.join(self.dir, "hactl.sock")
        self.logfile = os.path.join(self.dir, "daemon.log")
        self.proc = None
        had = os.path.join(self.dir, "ha.d")
        os.makedirs(had, exist_ok=True)
        with open(os.path.join(had, "ha.cf"), "w") as f:
            f.write("cluster forged\nkeepalive 100ms\ndeadtime 500ms\nwarntime 300ms\ninitdead 3s\n"
                    "udpport 694\nbcast eth0\nnode n1\nnode n2\n")
        write_authkeys(os.path.join(had, "authkeys"), SECRET)
        with open(os.path.join(had, "haresources"), "w") as f:
            f.write("")

    def start(self):
        cmd = ["ip", "netns", "exec", NAMESPACES[self.node], os.path.join(self.args.repo, "bin", "hactl"), "daemon",
               "--config", os.path.join(self.dir, "ha.d"), "--node", self.node, "--socket", self.socket,
               "--state-dir", os.path.join(self.dir, "state")]
        env = dict(os.environ, LIFELINE_JAR=self.args.jar)
        env.pop("LIFELINE_JAVA_OPTS", None)
        with open(self.logfile, "a") as out:
            out.write(f"==== bench: start {datetime.datetime.now().isoformat()} ====\n")
            out.flush()
            self.proc = self.registry.add(subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env,
                                                           start_new_session=True), f"daemon-{self.node}")

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=20)

    def status(self):
        return control_status(self.socket)

    def peer(self, status):
        other = "n2" if self.node == "n1" else "n1"
        return next((n for n in status.get("nodes", []) if n.get("name") == other), {})

    def drops_from(self, ip):
        st = self.status() or {}
        out = {}
        for link in st.get("links", []):
            for d in link.get("auth_drops", []):
                if d.get("peer") == ip:
                    out[d["reason"]] = out.get(d["reason"], 0) + d["count"]
        return out

    def rss_kib(self):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return None

    def log_count(self, text):
        with open(self.logfile, errors="replace") as f:
            return sum(1 for line in f if text in line)


def udp_rcvbuf_errors(ns):
    """Datagrams the namespace's kernel dropped because a socket's receive buffer was full."""
    lines = [l.split() for l in nsexec(ns, ["cat", "/proc/net/snmp"]).stdout.splitlines() if l.startswith("Udp:")]
    return int(lines[1][lines[0].index("RcvbufErrors")])


def setup_lab():
    for ns in (HUB, N1, N2, X):
        run(["ip", "netns", "add", ns])
        nsexec(ns, ["ip", "link", "set", "lo", "up"])
    nsexec(HUB, ["sh", "-c", "ip link add br0 type bridge && ip link set br0 up"])
    for node, ns in NAMESPACES.items():
        hub_side = f"v-{node}"
        run(["ip", "link", "add", "llautmp", "netns", ns, "type", "veth", "peer", "name", hub_side, "netns", HUB])
        nsexec(ns, ["ip", "link", "set", "llautmp", "name", "eth0"])
        nsexec(HUB, ["sh", "-c", f"ip link set {hub_side} master br0 && ip link set {hub_side} up"])
        nsexec(ns, ["sh", "-c", f"ip addr add {ADDRESSES[node]}/24 brd + dev eth0 && ip link set eth0 up"])


def teardown_lab():
    for ns in (X, N2, N1, HUB):
        run(["ip", "netns", "del", ns], check=False)


def await_formed(n1, n2, limit_s=60):
    deadline = time.time() + limit_s
    while time.time() < deadline:
        s1, s2 = n1.status(), n2.status()
        if s1 and s2 and n1.peer(s1).get("state") == "up" and n2.peer(s2).get("state") == "up":
            return
        time.sleep(0.2)
    raise RuntimeError("the cluster did not form")


def forge(args, registry, kind, count, pcap):
    cmd = ["ip", "netns", "exec", X, "java", "-Xmx128m", "-cp", args.forger_cp, "io.lifeline.cluster.ForgedDatagrams",
           kind, str(count), str(args.rate), pcap, ADDRESSES["n2"],
           f"{ADDRESSES['n1']}:695", "198.51.100.255:694"]
    p = registry.add(subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True), "forger")
    out, _ = p.communicate(timeout=count / args.rate + 120)
    if p.returncode != 0 or f" sent {count} " not in out:
        raise RuntimeError(f"forger {kind} failed: {out}")
    return out.strip()


def measure(args, registry, n1, n2, kind, pcap):
    """Sends `count` datagrams of one kind (n1 receives all of them) and reads what they did."""
    attacker = ADDRESSES["x"]
    before = {"drops": n1.drops_from(attacker), "cpu1": proc_cpu_jiffies(n1.proc.pid),
              "cpu2": proc_cpu_jiffies(n2.proc.pid), "since1": n1.peer(n1.status()).get("since"),
              "since2": n2.peer(n2.status()).get("since"), "late1": n1.log_count("late heartbeat"),
              "late2": n2.log_count("late heartbeat"), "dead1": n1.log_count("is dead"),
              "dead2": n2.log_count("is dead"), "kernel1": udp_rcvbuf_errors(N1)}
    started = time.time()
    forger = forge(args, registry, "replay" if kind == "replay-after-restart" else kind, args.count, pcap)
    elapsed = time.time() - started
    deadline = time.time() + 30
    while time.time() < deadline:  # the last datagrams may still be in a socket buffer
        after_drops = n1.drops_from(attacker)
        kernel = udp_rcvbuf_errors(N1) - before["kernel1"]
        if sum(after_drops.values()) - sum(before["drops"].values()) + kernel >= args.count:
            break
        time.sleep(0.5)
    s1, s2 = n1.status(), n2.status()
    counted = {r: after_drops.get(r, 0) - before["drops"].get(r, 0) for r in after_drops}
    counted = {r: c for r, c in counted.items() if c}
    cpu1 = (proc_cpu_jiffies(n1.proc.pid) - before["cpu1"]) * 1000 / HZ
    cpu2 = (proc_cpu_jiffies(n2.proc.pid) - before["cpu2"]) * 1000 / HZ
    return {
        "kind": kind, "sent": args.count, "seconds": round(elapsed, 1), "forger": forger,
        "counted_by_n1": sum(counted.values()), "reasons": counted, "kernel_buffer_drops_n1": kernel,
        "false_deaths": (n1.log_count("is dead") - before["dead1"]) + (n2.log_count("is dead") - before["dead2"])
        + (n1.peer(s1).get("since") != before["since1"]) + (n2.peer(s2).get("since") != before["since2"]),
        "late_heartbeats": (n1.log_count("late heartbeat") - before["late1"])
        + (n2.log_count("late heartbeat") - before["late2"]),
        "n1_cpu_ms_per_1000": round(cpu1 * 1000 / args.count, 1),
        "n2_cpu_ms_per_1000": round(cpu2 * 1000 / args.count, 1),
        "n1_rss_mib": round(n1.rss_kib() / 1024, 1), "n2_rss_mib": round(n2.rss_kib() / 1024, 1),
    }


def capture(args, registry):
    pcap = os.path.join(args.work, "n2.pcap")
    p = registry.add(subprocess.Popen(["ip", "netns", "exec", X, "tcpdump", "-i", "eth0", "-U", "-n", "-c", "200",
                                       "-w", pcap, "udp and src host " + ADDRESSES["n2"]],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL), "tcpdump")
    try:
        p.wait(timeout=60)
    except subprocess.TimeoutExpired:
        p.terminate()
        p.wait(timeout=5)
    return pcap


def write_results(args, results, idle):
    with open(os.path.join(args.here, "results.json"), "w") as f:
        json.dump({"date": datetime.datetime.now().isoformat(timespec="seconds"), "idle": idle,
                   "results": results}, f, indent=1)
    lines = [f"# Forged-datagram benchmark results ({datetime.date.today().isoformat()})", "",
             f"2 daemons (bcast, keepalive 100 ms, deadtime 500 ms, warntime 300 ms); {args.count} datagrams per kind"
             f" at {args.rate}/s from a host without the key, half to n1's unicast port, half broadcast"
             " (n1 receives all, n2 the broadcast half).", "",
             f"Idle, 10 s before the first kind: n1 {idle['n1_cpu_ms_per_s']} ms CPU/s, n2 {idle['n2_cpu_ms_per_s']}"
             " ms CPU/s.", "",
             "| kind | sent | counted by n1 | n1 kernel buffer drops | reasons | false deaths | late heartbeats |"
             " n1 CPU ms / 1000 | n2 CPU ms / 1000 | RSS n1 / n2 MiB |", "|---|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        reasons = ", ".join(f"{k} {v}" for k, v in sorted(r["reasons"].items()))
        lines.append(f"| {r['kind']} | {r['sent']} | {r['counted_by_n1']} | {r['kernel_buffer_drops_n1']} | {reasons} |"
                     f" {r['false_deaths']} |"
                     f" {r['late_heartbeats']} | {r['n1_cpu_ms_per_1000']} | {r['n2_cpu_ms_per_1000']} |"
                     f" {r['n1_rss_mib']} / {r['n2_rss_mib']} |")
    with open(os.path.join(args.here, "results.md"), "w") as f:
        f.write("\n".join(lines) + "\n")
    log("\n".join(lines))


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repo", required=True)
    ap.add_argument("--jar", required=True)
    ap.add_argument("--forger-cp", required=True, help="classpath with io.lifeline.cluster.ForgedDatagrams")
    ap.add_argument("--count", type=int, default=200_000, help="datagrams per kind (at most 2,000,000)")
    ap.add_argument("--rate", type=int, default=20_000, help="datagrams per second (at most 200,000)")
    ap.add_argument("--kinds", default=",".join(KINDS))
    args = ap.parse_args()
    args.here = os.path.dirname(os.path.abspath(__file__))
    args.work = os.path.join(args.here, "work")
    os.makedirs(args.work, exist_ok=True)
    registry = Registry(os.path.join(args.work, "pids"), group_kinds=("daemon",))
    teardown_lab()
    try:
        setup_lab()
        n1, n2 = Daemon(args, registry, "n1"), Daemon(args, registry, "n2")
        n1.start()
        n2.start()
        await_formed(n1, n2)
        pcap = capture(args, registry)
        c1, c2 = proc_cpu_jiffies(n1.proc.pid), proc_cpu_jiffies(n2.proc.pid)
        time.sleep(10)
        idle = {"n1_cpu_ms_per_s": round((proc_cpu_jiffies(n1.proc.pid) - c1) * 1000 / HZ / 10, 1),
                "n2_cpu_ms_per_s": round((proc_cpu_jiffies(n2.proc.pid) - c2) * 1000 / HZ / 10, 1)}
        results = []
        for kind in args.kinds.split(","):
            if kind == "replay-after-restart":
                n1.stop()
                n1.start()
                await_formed(n1, n2)
                time.sleep(3)  # past the handshake grace: every later refusal is counted
            log(f"kind {kind}: sending {args.count} at {args.rate}/s")
            results.append(measure(args, registry, n1, n2, kind, pcap))
            log(json.dumps(results[-1]))
        write_results(args, results, idle)
    finally:
        registry.kill_all()
        teardown_lab()


if __name__ == "__main__":
    main()
