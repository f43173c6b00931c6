#!/usr/bin/env python3
"""Forged-packet benchmark (issue 14): a 2-node cluster at keepalive 100ms / deadtime 500ms
under floods of datagrams that are not genuine heartbeats, sent from a third host on the
heartbeat link's bridge. Run it through run.sh.

Per kind (random, truncated, bitflip, hugelen, replay, replay after a restart of the receiver)
it sends --count datagrams to the link's broadcast address at --rate per second and reports:
false deaths (node or link declared dead), late heartbeats beyond warntime, how many of the
datagrams each node counted in a drop reason (hactl status --json, auth_drops), daemon CPU per
1,000 datagrams above its idle CPU, and RSS (VmRSS, VmHWM). Every result is written to
results.md / results.json; nothing is dropped.
"""

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "detection"))
sys.path.insert(0, os.path.dirname(HERE))
import detection as det  # noqa: E402  (bench/detection/detection.py: the 2-node lab and daemon control)
from benchlib import log, run, nsexec, proc_cpu_jiffies, Registry  # noqa: E402

# This benchmark's own namespaces, so that it never collides with bench/detection's.
det.HUB, det.N1, det.N2 = "ll-fhub", "ll-fn1", "ll-fn2"
det.NAMESPACES = {"n1": det.N1, "n2": det.N2}
ATTACKER_NS = "ll-fatk"
ATTACKER_ADDR = "198.51.100.13/25"
BROADCAST = "198.51.100.127"
SETTING = "100/500"
KINDS = ("random", "truncated", "bitflip", "hugelen", "replay", "replay-after-restart")
CLK_TCK = os.sysconf("SC_CLK_TCK")


class Bench:
    def __init__(self, args):
        self.args = args
        self.repo = args.repo
        self.jar = args.jar
        self.work = os.path.join(HERE, "work")
        self.registry = None
        self.lab = det.Lab()
        self.daemons = {}
        self.results = {"kinds": [], "meta": {}}

    # the attributes det.Daemon reads from its bench
    class _DaemonArgs:
        debug = 0
        java_opts = None

    def prepare(self):
        os.makedirs(self.work, exist_ok=True)
        existing = run(["ip", "netns", "list"]).stdout
        for ns in (det.N1, det.N2, det.HUB, ATTACKER_NS):
            if ns in existing.split():
                run(["ip", "netns", "del", ns], check=False)
        self.registry = Registry(os.path.join(self.work, "pids"))
        self.lab.setup()
        run(["ip", "netns", "add", ATTACKER_NS])
        self.lab.created.append(ATTACKER_NS)
        nsexec(ATTACKER_NS, ["ip", "link", "set", "lo", "up"])
        run(["ip", "link", "add", "llftmp", "netns", ATTACKER_NS, "type", "veth", "peer", "name", "v0-atk",
             "netns", det.HUB])
        nsexec(ATTACKER_NS, ["ip", "link", "set", "llftmp", "name", "eth0"])
        nsexec(det.HUB, ["sh", "-c", "ip link set v0-atk master br0 && ip link set v0-atk up"])
        nsexec(ATTACKER_NS, ["sh", "-c", f"ip addr add {ATTACKER_ADDR} brd + dev eth0 && ip link set eth0 up"])
        self.args.debug = 0
        self.args.java_opts = None
        self.daemons = {n: det.Daemon(self, n) for n in ("n1", "n2")}
        for d in self.daemons.values():
            d.configure(SETTING, ["eth0", "eth1"], True)
        self.daemons["n1"].start()
        time.sleep(0.5)
        self.daemons["n2"].start()
        self.await_formed(60)

    def await_formed(self, limit_s):
        end = time.monotonic() + limit_s
        while time.monotonic() < end:
            s1, s2 = self.daemons["n1"].status(), self.daemons["n2"].status()
            if det.peer_fully_up(s1, "n2") and det.peer_fully_up(s2, "n1"):
                return
            time.sleep(0.1)
        raise RuntimeError(f"cluster did not form within {limit_s} s; see {self.work}/n*/daemon.log")

    def cleanup(self):
        if self.registry:
            self.registry.kill_all()
        self.lab.teardown()

    # ---------- readings

    def log_counts(self, node):
        """Lines in the daemon's log that a flood must not cause."""
        counts = {"dead": 0, "late": 0, "stack": 0}
        try:
            with open(self.daemons[node].logfile, errors="replace") as f:
                for line in f:
                    if ": is dead" in line or ("link " in line and line.rstrip().endswith(": dead")):
                        counts["dead"] += 1
                    elif "late heartbeat" in line:
                        counts["late"] += 1
                    elif line.startswith("\tat ") or "Exception" in line or "Error:" in line:
                        counts["stack"] += 1
        except FileNotFoundError:
            pass
        return counts

    def reading(self, node):
        d = self.daemons[node]
        st = d.status() or {}
        drops = {}
        for link in st.get("links", []):
            for e in link.get("auth_drops", []):
                key = f"{e['reason']}@{e['peer']}"
                drops[key] = drops.get(key, 0) + e["count"]
        with open(f"/proc/{d.pid}/status") as f:
            mem = {k: v for k, v in (line.split(":", 1) for line in f) if k in ("VmRSS", "VmHWM")}
        return {"drops_total": st.get("auth_drops_total", 0), "drops": drops,
                "cpu": proc_cpu_jiffies(d.pid), "logs": self.log_counts(node),
                "rss_kib": int(mem["VmRSS"].split()[0]), "hwm_kib": int(mem["VmHWM"].split()[0])}

    def idle_cpu_rate(self, seconds=10):
        """Daemon CPU (jiffies per second) without a flood, per node."""
        before = {n: proc_cpu_jiffies(d.pid) for n, d in self.daemons.items()}
        time.sleep(seconds)
        return {n: (proc_cpu_jiffies(d.pid) - before[n]) / seconds for n, d in self.daemons.items()}

    def attacker(self, *argv, timeout=300):
        p = nsexec(ATTACKER_NS, ["python3", os.path.join(HERE, "attacker.py")] + list(argv), timeout=timeout)
        return json.loads(p.stdout.strip().splitlines()[-1])

    # ---------- runs

    def restart(self, node):
        d = self.daemons[node]
        d.stop()
        d.start()
        self.await_formed(60)

    def one_kind(self, kind, capture_file, idle):
        send_kind = "replay" if kind.startswith("replay") else kind
        if kind == "replay-after-restart":
            self.restart("n1")  # n1 forgets everything it saw; the capture predates its start
            self.restart("n2")
        before = {n: self.reading(n) for n in self.daemons}
        started = time.monotonic()
        summary = self.attacker("send", "--kind", send_kind, "--count", str(self.args.count), "--rate",
                                str(self.args.rate), "--capture", capture_file, "--dst", BROADCAST,
                                "--seed", str(self.args.seed), "--max-seconds", str(self.args.max_seconds))
        time.sleep(2)  # counters and logs settle
        elapsed = time.monotonic() - started
        after = {n: self.reading(n) for n in self.daemons}
        row = {"kind": kind, "sent": summary["sent"], "send_errors": summary["send_errors"],
               "send_seconds": summary["seconds"], "nodes": {}}
        for n in self.daemons:
            b, a = before[n], after[n]
            # every datagram reaches both nodes, except a replayed one of the receiver's own,
            # which its kernel drops as a martian (source address is local)
            own_addr = {"n1": "198.51.100.11", "n2": "198.51.100.12"}[n]
            expected = summary["sent"] - summary["by_source"].get(own_addr, 0)
            cpu_above_idle = (a["cpu"] - b["cpu"]) - idle[n] * elapsed
            per_kdgram_ms = 1000.0 * cpu_above_idle / CLK_TCK / max(1, expected / 1000)
            row["nodes"][n] = {
                "expected_datagrams": expected,
                "counted_drops": a["drops_total"] - b["drops_total"],
                "drop_reasons": {k: v - b["drops"].get(k, 0) for k, v in a["drops"].items() if v != b["drops"].get(k, 0)},
                "false_deaths": a["logs"]["dead"] - b["logs"]["dead"],
                "late_heartbeats": a["logs"]["late"] - b["logs"]["late"],
                "stack_trace_lines": a["logs"]["stack"] - b["logs"]["stack"],
                "cpu_ms_per_1000": round(per_kdgram_ms, 2),
                "rss_mib": round(a["rss_kib"] / 1024, 1), "hwm_mib": round(a["hwm_kib"] / 1024, 1),
            }
        log(f"{kind}: {json.dumps(row['nodes'])}")
        return row

    def main(self):
        started = datetime.datetime.now()
        self.prepare()
        capture_file = os.path.join(self.work, "capture.jsonl")
        cap = self.attacker("capture", "--seconds", "3", "--out", capture_file)
        log(f"captured {cap['captured']} genuine datagrams")
        idle = self.idle_cpu_rate()
        kinds = self.args.kinds.split(",") if self.args.kinds else KINDS
        for kind in kinds:
            self.results["kinds"].append(self.one_kind(kind, capture_file, idle))
        commit = run(["git", "-C", self.repo, "describe", "--always", "--dirty"], check=False).stdout.strip()
        self.results["meta"] = {"date": started.isoformat(timespec="seconds"), "commit": commit,
                                "count": self.args.count, "rate": self.args.rate, "setting": SETTING,
                                "captured": cap["captured"], "idle_cpu_jiffies_per_s": idle,
                                "kernel": platform.release(), "cores": os.cpu_count()}
        self.write()

    def write(self):
        out = self.args.out or os.path.join(HERE, "results.md")
        with open(os.path.splitext(out)[0] + ".json", "w") as f:
            json.dump(self.results, f, indent=1)
        m = self.results["meta"]
        lines = [f"# Forged-packet benchmark, {m['date']} (commit {m['commit']})", "",
                 f"{m['count']} datagrams per kind at {m['rate']}/s to {BROADCAST}:694 from a third host; "
                 f"2 nodes, keepalive 100ms / deadtime 500ms, two bcast links (flood on eth0); "
                 f"{m['captured']} genuine datagrams captured for the derived kinds.", "",
                 "| kind | node | datagrams | counted as drops | false deaths | late heartbeats | stack-trace lines "
                 "| CPU ms / 1,000 | RSS / peak MiB | drop reasons |", "|---|---|---|---|---|---|---|---|---|---|"]
        for r in self.results["kinds"]:
            for n, v in r["nodes"].items():
                reasons = ", ".join(f"{k} {c}" for k, c in sorted(v["drop_reasons"].items())) or "-"
                lines.append(f"| {r['kind']} | {n} | {v['expected_datagrams']} | {v['counted_drops']} | "
                             f"{v['false_deaths']} | {v['late_heartbeats']} | {v['stack_trace_lines']} | "
                             f"{v['cpu_ms_per_1000']} | {v['rss_mib']} / {v['hwm_mib']} | {reasons} |")
        with open(out, "w") as f:
            f.write("\n".join(lines) + "\n")
        log(f"wrote {out}")


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repo", required=True)
    ap.add_argument("--jar", required=True)
    ap.add_argument("--count", type=int, default=200000, help="datagrams per kind (default 200000)")
    ap.add_argument("--rate", type=int, default=10000, help="datagrams per second (default 10000)")
    ap.add_argument("--kinds", help=f"comma-separated subset of {','.join(KINDS)}")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--max-seconds", type=float, default=120, help="upper bound of one kind's sending")
    ap.add_argument("--out", help="results file (default bench/forged/results.md)")
    return ap.parse_args()


if __name__ == "__main__":
    b = Bench(parse_args())
    try:
        b.main()
    finally:
        b.cleanup()
