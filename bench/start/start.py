#!/usr/bin/env python3
"""Start benchmark (issue 20 item 3): how long a restarted Lifeline daemon takes from exec to
"joined, groups placed", the time that decides how soon a failback brings a group home.

A two-node lab in network namespaces (PREFIX-hub with bridge br0, PREFIX-n1, PREFIX-n2 on it).
n2 runs and holds the group; then, each run, n1 (the home node, auto_failback on) is started
with bin/hactl daemon and its log lines are stamped as they arrive on a pipe:

  first line   the first log line the daemon writes (JVM start, class loading, logging set up)
  joined       the first "membership [...]" line that names both nodes
  placed       the "[GROUP] GROUP is running on n1" line (every resource of the group started)
  CPU          the JVM's user+system CPU time when the first line and when "placed" arrived (what a
               loaded box stretches; the first is the JVM's start alone, the second also holds
               whatever the daemon did while it waited for its peer)
  RSS          the JVM's resident memory then (VmRSS), and of it the private part (RssAnon: heap,
               malloc, and the archive pages the JVM wrote to, e.g. when it relocated them)

Then n1 is stopped with SIGTERM (the group goes back to n2) and the next run starts. Standard
library only; needs root, ip, java 17+. Every process it started is killed by PID on exit, and
its namespaces are deleted.
"""

import argparse
import datetime
import json
import os
import platform
import re
import signal
import statistics
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import benchlib  # noqa: E402
from benchlib import log, nsexec, run  # noqa: E402

VIP = "198.51.100.30"
ADDR = {"n1": "198.51.100.31/24", "n2": "198.51.100.32/24"}
SECRET = "start-bench-secret"
FAST = ["keepalive 50ms", "deadtime 250ms", "warntime 150ms", "initdead 2s"]


class Lab:
    def __init__(self, prefix):
        self.hub = prefix + "hub"
        self.nodes = {n: prefix + n for n in ADDR}
        self.created = []

    def setup(self):
        existing = run(["ip", "netns", "list"]).stdout
        for ns in [self.hub] + list(self.nodes.values()):
            if re.search(rf"^{re.escape(ns)}\b", existing, re.M):
                log(f"removing stale namespace {ns} left by an interrupted run")
                run(["ip", "netns", "del", ns], check=False)
        for ns in [self.hub] + list(self.nodes.values()):
            run(["ip", "netns", "add", ns])
            self.created.append(ns)
            nsexec(ns, ["ip", "link", "set", "lo", "up"])
        nsexec(self.hub, ["sh", "-c", "ip link add br0 type bridge mcast_snooping 0 && ip link set br0 up"])
        for node, ns in self.nodes.items():
            run(["ip", "link", "add", "llstmp", "netns", ns, "type", "veth", "peer", "name", "v-" + node,
                 "netns", self.hub])
            nsexec(ns, ["ip", "link", "set", "llstmp", "name", "eth0"])
            nsexec(self.hub, ["sh", "-c", f"ip link set v-{node} master br0 && ip link set v-{node} up"])
            nsexec(ns, ["sh", "-c", f"ip addr add {ADDR[node]} brd + dev eth0 && ip link set eth0 up"])

    def teardown(self):
        for ns in reversed(self.created):
            run(["ip", "netns", "del", ns], check=False)
        self.created.clear()


class Daemon:
    """One bin/hactl daemon whose output lines are stamped (time.monotonic) as they arrive."""

    def __init__(self, bench, node):
        self.bench, self.node = bench, node
        self.dir = os.path.join(bench.work, node)
        self.proc = None
        self.lines = []
        self.cond = threading.Condition()

    def configure(self):
        os.makedirs(self.dir, exist_ok=True)
        with open(os.path.join(self.dir, "ha.cf"), "w") as f:
            f.write("\n".join(["cluster start"] + FAST + ["udpport 694", "bcast eth0", "node n1 n2",
                                                          "auto_failback on", f"realtime {self.bench.args.realtime}", ""]))
        with open(os.path.join(self.dir, "haresources"), "w") as f:
            f.write(f"n1 IPaddr2::{VIP}/24/eth0\n")
        benchlib.write_authkeys(os.path.join(self.dir, "authkeys"), SECRET)

    def start(self):
        cmd = ["ip", "netns", "exec", self.bench.lab.nodes[self.node], os.path.join(self.bench.repo, "bin", "hactl"),
               "daemon", "--config", self.dir, "--node", self.node, "--socket", os.path.join(self.dir, "hactl.sock"),
               "--state-dir", os.path.join(self.dir, "state")]
        env = dict(os.environ, LIFELINE_JAR=self.bench.jar)
        env.pop("LIFELINE_JAVA_OPTS", None)
        if self.bench.args.java_opts:
            env["LIFELINE_JAVA_OPTS"] = self.bench.args.java_opts
        if self.bench.args.no_cds:
            env["LIFELINE_CDS"] = "off"
        self.lines = []
        t0 = time.monotonic()
        self.proc = self.bench.registry.add(subprocess.Popen(
            cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, start_new_session=True),
            "lifeline-" + self.node)
        threading.Thread(target=self._read, args=(self.proc,), daemon=True).start()
        return t0

    def _read(self, proc):
        with open(os.path.join(self.dir, "daemon.log"), "ab") as logf:
            for raw in proc.stdout:
                now = time.monotonic()
                logf.write(raw)
                with self.cond:
                    self.lines.append((now, raw.decode("utf-8", "replace").rstrip("\n")))
                    self.cond.notify_all()

    def wait_line(self, pattern, limit_s):
        """The stamp of the first line matching pattern, waiting up to limit_s; None if none came."""
        rx = re.compile(pattern)
        end = time.monotonic() + limit_s
        seen = 0
        with self.cond:
            while True:
                for stamp, line in self.lines[seen:]:
                    if rx.search(line):
                        return stamp
                seen = len(self.lines)
                left = end - time.monotonic()
                if left <= 0 or self.proc.poll() is not None:
                    return None
                self.cond.wait(min(left, 0.05))

    def stop(self, limit_s=20):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=limit_s)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)

    def owner(self):
        s = benchlib.control_status(os.path.join(self.dir, "hactl.sock"))
        if not s:
            return None
        for g in s.get("groups", []):
            if g.get("phase") == "running" and len(g.get("owners", [])) == 1:
                return g["owners"][0]
        return None


class Bench:
    def __init__(self, args):
        self.args = args
        self.repo = args.repo
        self.jar = args.jar
        self.work = os.path.join(os.path.dirname(os.path.abspath(__file__)), "work")
        self.lab = Lab(args.prefix)
        self.registry = None
        self.daemons = {}
        self.results = {"runs": []}

    def prepare(self):
        os.makedirs(self.work, exist_ok=True)
        for n in ("n1", "n2"):
            p = os.path.join(self.work, n, "daemon.log")
            if os.path.exists(p):
                os.unlink(p)
        self.registry = benchlib.Registry(os.path.join(self.work, "pids"), group_kinds=("lifeline",))
        self.results["meta"] = {"label": self.args.label}  # run_driver writes the results only with it
        self.lab.setup()
        for n in ("n1", "n2"):
            self.daemons[n] = Daemon(self, n)
            self.daemons[n].configure()

    def cleanup(self):
        for d in self.daemons.values():
            try:
                d.stop(limit_s=10)
            except Exception as e:  # cleanup goes on whatever happened
                log(f"cleanup of {d.node}: {e}")
        if self.registry:
            self.registry.kill_all()
        self.lab.teardown()

    def wait_owner(self, node, limit_s):
        end = time.monotonic() + limit_s
        while time.monotonic() < end:
            if self.daemons["n2"].owner() == node:
                return True
            time.sleep(0.05)
        return False

    def main(self):
        n1, n2 = self.daemons["n1"], self.daemons["n2"]
        n2.start()
        if not self.wait_owner("n2", 30):
            raise RuntimeError("n2 did not take the group alone (see work/n2/daemon.log)")
        log("n2 holds the group; starting n1 runs")
        for i in range(self.args.runs):
            time.sleep(self.args.pause)
            load = benchlib.loadavg()[0]
            t0 = n1.start()
            first = n1.wait_line(r".", 30)
            first_user, first_system = cpu_split(n1.proc.pid)  # read as soon as the line came: the JVM's start alone
            joined = n1.wait_line(r"membership \[(n1, n2|n2, n1)\]", 30)
            placed = n1.wait_line(r"\] \S+ is running on n1", 30)
            user, system = cpu_split(n1.proc.pid)  # the JVM (ip netns exec and the launcher exec)
            rss, rss_anon = memory(n1.proc.pid)
            cpu_ms = None if user is None else user + system
            row = {"run": i + 1, "load1": load, "first_line_ms": ms(first, t0), "joined_ms": ms(joined, t0),
                   "placed_ms": ms(placed, t0), "cpu_at_first_line_ms": None if first_user is None else first_user + first_system,
                   "cpu_at_placed_ms": cpu_ms, "user_ms": user, "sys_ms": system,
                   "rss_at_placed_mib": rss, "rss_anon_at_placed_mib": rss_anon}
            self.results["runs"].append(row)
            log(f"run {i + 1}: first line {row['first_line_ms']} ms ({row['cpu_at_first_line_ms']} ms CPU), joined {row['joined_ms']} ms, "
                f"placed {row['placed_ms']} ms, CPU {cpu_ms} ms by then ({system} system), "
                f"RSS {rss} MiB ({rss_anon} private) (load {load:.2f})")
            n1.stop()
            if not self.wait_owner("n2", 30):
                raise RuntimeError("the group did not go back to n2 after n1 stopped")

    def write(self):
        runs = self.results["runs"]
        meta = {"date": datetime.date.today().isoformat(), "commit": commit(self.repo), "host": platform.node(),
                "cpus": os.cpu_count(), "java": java_version(), "java_opts": self.args.java_opts or "",
                "cds": not self.args.no_cds, "realtime": self.args.realtime,
                "label": self.args.label}
        summary = {k: benchlib.med_range([r[k] for r in runs]) for k in ("first_line_ms", "joined_ms", "placed_ms", "cpu_at_first_line_ms", "cpu_at_placed_ms")}
        for k in ("rss_at_placed_mib", "rss_anon_at_placed_mib"):
            summary[k] = benchlib.med_range([r[k] for r in runs], 1)
        summary["load1"] = benchlib.med_range([r["load1"] for r in runs], 2)
        self.results.update(meta=meta, summary=summary)
        out = self.args.out
        with open(out + ".json", "w") as f:
            json.dump(self.results, f, indent=2)
        with open(out + ".md", "w") as f:
            f.write(f"# Start to placed ({meta['label']}, {meta['date']}, {meta['commit']})\n\n")
            f.write(f"{len(runs)} runs, {meta['java']}, class-data archive {'on' if meta['cds'] else 'off'}, realtime {meta['realtime']}, "
                    f"extra JVM options: `{meta['java_opts'] or '-'}`, "
                    f"load average (1 min) {summary['load1']}\n\n")
            f.write("| ms from exec, median (min-max) | first log line | CPU by then | joined | group placed | CPU used by then "
                    "| RSS then, MiB | of it private, MiB |\n"
                    "|---|---|---|---|---|---|---|---|\n")
            f.write(f"| n1 restarted, n2 up | {summary['first_line_ms']} | {summary['cpu_at_first_line_ms']} | {summary['joined_ms']} | "
                    f"{summary['placed_ms']} | {summary['cpu_at_placed_ms']} | {summary['rss_at_placed_mib']} | "
                    f"{summary['rss_anon_at_placed_mib']} |\n")
        log(f"summary: {summary}; wrote {out}.md/.json")


def cpu_split(pid):
    """(user, system) CPU ms of a live process, (None, None) if it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            rest = f.read().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return None, None
    tick = os.sysconf("SC_CLK_TCK")
    return round(int(rest[11]) * 1000 / tick), round(int(rest[12]) * 1000 / tick)


def memory(pid):
    """(VmRSS, RssAnon) of a live process in MiB, (None, None) if it is gone."""
    fields = {}
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                key, _, value = line.partition(":")
                if key in ("VmRSS", "RssAnon"):
                    fields[key] = round(int(value.split()[0]) / 1024, 1)
    except (FileNotFoundError, ProcessLookupError):
        return None, None
    return fields.get("VmRSS"), fields.get("RssAnon")


def ms(stamp, t0):
    return None if stamp is None else round((stamp - t0) * 1000)


def commit(repo):
    p = run(["git", "-C", repo, "rev-parse", "--short", "HEAD"], check=False)
    return p.stdout.strip() or "unknown"


def java_version():
    p = run([os.environ.get("JAVA", "java"), "-version"], check=False)
    return (p.stderr.splitlines() or ["java ?"])[0]


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    repo = os.path.abspath(os.path.join(here, "..", ".."))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--pause", type=float, default=1.0, help="seconds between a run's end and the next start")
    ap.add_argument("--prefix", default="ll-st-", help="namespace name prefix (default ll-st-)")
    ap.add_argument("--java-opts", default="", help="LIFELINE_JAVA_OPTS for n1 (e.g. -Xshare:off)")
    ap.add_argument("--no-cds", action="store_true", help="LIFELINE_CDS=off: the daemon without its class-data archive")
    ap.add_argument("--realtime", choices=("on", "off"), default="on", help="ha.cf realtime (default on, as deployed)")
    ap.add_argument("--label", default="bin/hactl daemon")
    ap.add_argument("--out", default=os.path.join(here, "results"))
    ap.add_argument("--repo", default=repo)
    ap.add_argument("--jar", default="")
    args = ap.parse_args()
    if not args.jar:
        jars = sorted(f for f in os.listdir(os.path.join(repo, "target")) if f.endswith("-all.jar"))
        if not jars:
            sys.exit("start.py: no jar; build first: mvn -B -q package -DskipTests")
        args.jar = os.path.join(repo, "target", jars[-1])
    if os.geteuid() != 0:
        sys.exit("start.py: run as root (it creates network namespaces)")
    if not 1 <= args.runs <= 100:
        sys.exit("start.py: --runs must be 1..100")
    sys.exit(benchlib.run_driver(Bench(args)))


if __name__ == "__main__":
    main()
