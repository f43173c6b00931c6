#!/usr/bin/env python3
"""Lifeline failure-detection and resource benchmark (issue 2). Run it through run.sh.

Two real daemons (bin/hactl's daemon JVM profile) in network namespaces ll-bn1 / ll-bn2, joined
by a bridge in ll-bhub. Measures:
  * detection: time from a fault (kill -9, `ip link set eth0 down`, nftables drop) on the victim
    to the survivor's `since` timestamp of the victim's `dead` state in `hactl status --json`;
  * soak: node/link deaths during 10 quiet minutes with busy loops on every core;
  * resources: daemon CPU over a quiet window, VmRSS/VmHWM, heartbeat datagrams on the wire.
Every run is written to the results file; nothing is dropped. See README.md.
"""

import argparse
import datetime
import fcntl
import json
import os
import platform
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from benchlib import log, run, nsexec, loadavg, cpu_busy_jiffies, proc_cpu_jiffies, thread_cpu, med_range, Registry, write_authkeys, control_status, run_driver  # noqa: E402  (bench/benchlib.py)


HUB, N1, N2 = "ll-bhub", "ll-bn1", "ll-bn2"
NAMESPACES = {"n1": N1, "n2": N2}
ADDRESSES = {
    "n1": {"eth0": "198.51.100.11/25", "eth1": "198.51.100.141/25"},
    "n2": {"eth0": "198.51.100.12/25", "eth1": "198.51.100.142/25"},
}
SECRET = "bench-detection-0123456789abcdef"
NFT_TABLE = "llbench"

# Timer settings under test. warntime/initdead: explicit for the short settings (warntime 60 % of
# deadtime as in the cluster IT; initdead short so nothing waits), Heartbeat's defaults otherwise.
SETTINGS = {
    "50/250": {"keepalive": "50ms", "deadtime": "250ms", "warntime": "150ms", "initdead": "2s"},
    "100/500": {"keepalive": "100ms", "deadtime": "500ms", "warntime": "300ms", "initdead": "2s"},
    "hb-default": {"keepalive": "1", "deadtime": "30", "warntime": None, "initdead": None},
}
FAULTS = ("kill9", "linkdown", "nftdrop")

TARGET_LINK_CUT_MS = 300
TARGET_CPU_PCT = 1.0
TARGET_RSS_MIB = 64
NOISY_FOREIGN_CORES = 0.5  # foreign (not this benchmark's) CPU load that makes a run set "noisy"

CLK_TCK = os.sysconf("SC_CLK_TCK")


def now_ms():
    return time.time_ns() / 1e6


def proc_status(pid):
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            k, _, v = line.partition(":")
            out[k] = v.strip()
    return out


def kib(v):
    return int(v.split()[0])


def iso_ms(s):
    return datetime.datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp() * 1000


class Lab:
    """Namespaces ll-bhub (bridges br0, br1), ll-bn1 and ll-bn2, each node on both bridges."""

    def __init__(self):
        self.created = []

    def setup(self):
        for ns in (HUB, N1, N2):
            run(["ip", "netns", "add", ns])
            self.created.append(ns)
            nsexec(ns, ["ip", "link", "set", "lo", "up"])
        for br in ("br0", "br1"):
            nsexec(HUB, ["sh", "-c", f"ip link add {br} type bridge mcast_snooping 0 && ip link set {br} up"])
        for node, ns in NAMESPACES.items():
            for i, (dev, cidr) in enumerate(ADDRESSES[node].items()):
                hub_side = f"v{i}-{node}"
                run(["ip", "link", "add", "llbtmp", "netns", ns, "type", "veth", "peer", "name", hub_side,
                     "netns", HUB])
                nsexec(ns, ["ip", "link", "set", "llbtmp", "name", dev])
                nsexec(HUB, ["sh", "-c", f"ip link set {hub_side} master br{i} && ip link set {hub_side} up"])
                nsexec(ns, ["sh", "-c", f"ip addr add {cidr} brd + dev {dev} && ip link set {dev} up"])
            nsexec(ns, ["nft", "-f", "-"], input_text=(
                f"table inet {NFT_TABLE} {{\n"
                "  chain in { type filter hook input priority 0; policy accept; }\n"
                "  chain out { type filter hook output priority 0; policy accept; }\n"
                "}\n"))

    def teardown(self):
        for ns in reversed(self.created):
            run(["ip", "netns", "del", ns], check=False)
        self.created.clear()


class Daemon:
    """One `hactl daemon` in a namespace, started through bin/hactl (its daemon JVM profile)."""

    def __init__(self, bench, node):
        self.bench = bench
        self.node = node
        self.ns = NAMESPACES[node]
        self.dir = os.path.join(bench.work, node)
        self.socket = os.path.join(self.dir, "hactl.sock")
        self.logfile = os.path.join(self.dir, "daemon.log")
        self.proc = None
        os.makedirs(os.path.join(self.dir, "ha.d"), exist_ok=True)

    def configure(self, setting, links, realtime):
        t = SETTINGS[setting]
        lines = ["cluster bench", f"keepalive {t['keepalive']}", f"deadtime {t['deadtime']}"]
        if t["warntime"]:
            lines.append(f"warntime {t['warntime']}")
        if t["initdead"]:
            lines.append(f"initdead {t['initdead']}")
        lines += ["udpport 694", f"realtime {'on' if realtime else 'off'}"]
        lines += [f"bcast {dev}" for dev in links]
        lines += ["node n1", "node n2"]
        if self.bench.args.debug > 0:
            lines += [f"debug {self.bench.args.debug}", f"debugfile {os.path.join(self.dir, 'debug.log')}"]
        had = os.path.join(self.dir, "ha.d")
        with open(os.path.join(had, "ha.cf"), "w") as f:
            f.write("\n".join(lines) + "\n")
        write_authkeys(os.path.join(had, "authkeys"), SECRET)
        with open(os.path.join(had, "haresources"), "w") as f:
            f.write("")

    def start(self):
        cmd = ["ip", "netns", "exec", self.ns, os.path.join(self.bench.repo, "bin", "hactl"), "daemon",
               "--config", os.path.join(self.dir, "ha.d"), "--node", self.node, "--socket", self.socket,
               "--state-dir", os.path.join(self.dir, "state")]
        env = dict(os.environ, LIFELINE_JAR=self.bench.jar)
        env.pop("LIFELINE_JAVA_OPTS", None)
        if self.bench.args.java_opts:
            env["LIFELINE_JAVA_OPTS"] = self.bench.args.java_opts
        with open(self.logfile, "a") as out:
            out.write(f"==== bench: start {datetime.datetime.now().isoformat()} ====\n")
            out.flush()
            # ip netns exec and bin/hactl both exec: this PID becomes the daemon's JVM
            self.proc = self.bench.registry.add(
                subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True),
                f"daemon-{self.node}")
        return self

    @property
    def pid(self):
        return self.proc.pid

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def kill9(self):
        os.kill(self.proc.pid, signal.SIGKILL)

    def reap(self):
        self.proc.wait(timeout=10)

    def stop(self):
        if self.alive():
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)

    def status(self, timeout=2.0):
        """The `status` result (what `hactl status --json` prints), or None if not answering."""
        return control_status(self.socket, timeout)

    def cmdline(self):
        with open(f"/proc/{self.pid}/cmdline", "rb") as f:
            return [a.decode() for a in f.read().split(b"\0") if a]


def peer_entry(status, peer):
    for n in status.get("nodes", []):
        if n.get("name") == peer:
            return n
    return None


def peer_fully_up(status, peer):
    e = peer_entry(status, peer) if status else None
    return bool(e) and e["state"] == "up" and all(l["state"] == "up" for l in e["links"])


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
        self.results = {"sets": [], "resources": [], "soak": None}
        self.daemons = {}
        self.current = None  # (setting, links, realtime) the daemons run with

    # ---------- set-up / tear-down

    def prepare(self):
        os.makedirs(self.work, exist_ok=True)
        self.lockf = open(os.path.join(self.work, ".lock"), "w")
        try:
            fcntl.flock(self.lockf, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            sys.exit("detection.py: another run of this benchmark is active (lock held)")
        existing = run(["ip", "netns", "list"]).stdout
        for ns in (N1, N2, HUB):
            if re.search(rf"^{ns}\b", existing, re.M):
                log(f"removing stale namespace {ns} left by an interrupted run")
                run(["ip", "netns", "del", ns], check=False)
        for entry in os.listdir(self.work):
            if entry != ".lock":
                path = os.path.join(self.work, entry)
                shutil.rmtree(path) if os.path.isdir(path) else os.unlink(path)
        self.registry = Registry(os.path.join(self.work, "pids"))
        self.lab.setup()
        self.daemons = {n: Daemon(self, n) for n in ("n1", "n2")}

    def cleanup(self):
        if self.registry:
            self.registry.kill_all()
        self.lab.teardown()

    def check_time(self):
        if time.monotonic() > self.deadline:
            raise TimeoutError(f"benchmark exceeded --max-minutes {self.args.max_minutes}")

    # ---------- cluster control

    def ensure_cluster(self, setting, links, realtime=True):
        want = (setting, tuple(links), realtime)
        if self.current == want and all(d.alive() for d in self.daemons.values()):
            return
        for d in self.daemons.values():
            d.stop()
        for d in self.daemons.values():
            d.configure(setting, links, realtime)
        self.daemons["n1"].start()
        time.sleep(0.5)  # n1 first, so it is normally the coordinator
        self.daemons["n2"].start()
        self.current = want
        self.await_formed(60)

    def await_formed(self, limit_s):
        end = time.monotonic() + limit_s
        while time.monotonic() < end:
            s1, s2 = self.daemons["n1"].status(), self.daemons["n2"].status()
            if peer_fully_up(s1, "n2") and peer_fully_up(s2, "n1"):
                return
            for d in self.daemons.values():
                if not d.alive():
                    raise RuntimeError(f"daemon {d.node} exited ({d.proc.returncode}); see {d.logfile}")
            time.sleep(0.1)
        raise RuntimeError(f"cluster did not form within {limit_s} s; see {self.work}/n*/daemon.log")

    def our_cpu_jiffies(self):
        """CPU of this benchmark: the driver, its reaped children, live daemons (with their children)."""
        t = os.times()
        own = (t.user + t.system + t.children_user + t.children_system) * CLK_TCK
        live = {}
        for p, _ in self.registry.procs:
            if p.poll() is None:
                j = proc_cpu_jiffies(p.pid, with_children=True)
                if j is not None:
                    live[p.pid] = j
        return own, live

    def load_probe_start(self):
        return {"t": time.monotonic(), "busy": cpu_busy_jiffies(), "ours": self.our_cpu_jiffies(),
                "loadavg": loadavg()}

    def load_probe_end(self, start):
        own0, live0 = start["ours"]
        own1, live1 = self.our_cpu_jiffies()
        ours = own1 - own0
        for pid, j in live1.items():
            ours += j - live0.get(pid, 0)
        for pid, j in live0.items():
            if pid not in live1:
                ours -= j  # reaped since: its whole life is now in children time
        elapsed = time.monotonic() - start["t"]
        busy = (cpu_busy_jiffies() - start["busy"]) / CLK_TCK / elapsed
        ours_cores = ours / CLK_TCK / elapsed
        return {"busy_cores": round(busy, 2), "ours_cores": round(ours_cores, 2),
                "foreign_cores": round(max(0.0, busy - ours_cores), 2), "loadavg_end": loadavg()}

    # ---------- detection runs

    def prepared_fault(self, fault, victim, links):
        """Starts the fault's command beforehand (blocked on stdin), so t0 does not include process start."""
        ns = NAMESPACES[victim]
        if fault == "linkdown":
            cmd = ["ip", "-n", ns, "-batch", "-"]
            text = "".join(f"link set {dev} down\n" for dev in links)
        else:
            cmd = ["ip", "netns", "exec", ns, "nft", "-f", "-"]
            text = "".join(f"add rule inet {NFT_TABLE} in iifname \"{dev}\" drop\n"
                           f"add rule inet {NFT_TABLE} out oifname \"{dev}\" drop\n" for dev in links)
        p = self.registry.add(subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                               stderr=subprocess.PIPE, text=True), f"fault-{fault}")
        time.sleep(0.2)
        return p, text

    def heal(self, fault, victim, links):
        ns = NAMESPACES[victim]
        if fault == "kill9":
            self.daemons[victim].reap()
            self.daemons[victim].start()
        elif fault == "linkdown":
            for dev in links:
                run(["ip", "-n", ns, "link", "set", dev, "up"])
        else:
            nsexec(ns, ["nft", "flush", "chain", "inet", NFT_TABLE, "in"])
            nsexec(ns, ["nft", "flush", "chain", "inet", NFT_TABLE, "out"])
        self.await_formed(90)

    def one_run(self, setting, fault, links, victim, idx):
        survivor = "n1" if victim == "n2" else "n2"
        v, s = self.daemons[victim], self.daemons[survivor]
        before = s.status()
        coord = before["links"][0]["view_members"][0] if before and before["links"][0]["view_members"] else None
        expected = before["timers"]["expected_detection_ms"]
        prepared = None
        if fault != "kill9":
            prepared = self.prepared_fault(fault, victim, links)
        time.sleep(random.uniform(0, self.args.max_pause))  # random phase against the heartbeat timers
        load1 = loadavg()[0]
        t0 = now_ms()
        if fault == "kill9":
            v.kill9()
            t1 = now_ms()
        else:
            p, text = prepared
            p.stdin.write(text)
            p.stdin.close()
            p.wait(timeout=10)
            t1 = now_ms()
            if p.returncode != 0:
                raise RuntimeError(f"fault command failed: {p.stderr.read().strip()}")
        limit = (expected * 4 + 10_000) / 1000
        end = time.monotonic() + limit
        seen = None
        victim_view = None
        while time.monotonic() < end:
            st = s.status()
            e = peer_entry(st, victim) if st else None
            if e and e["state"] == "dead":
                seen = e
                break
            time.sleep(0.02)
        result = {"run": idx, "victim": victim, "victim_was_coordinator": coord == victim,
                  "t0": datetime.datetime.fromtimestamp(t0 / 1000, datetime.timezone.utc).isoformat(),
                  "fault_cmd_ms": round(t1 - t0, 1), "loadavg1": load1}
        if seen is None:
            result.update({"detected_ms": None, "error": f"not declared dead within {limit:.0f} s"})
        else:
            result.update({"detected_ms": round(iso_ms(seen["since"]) - t0), "dead_cause": seen["dead_cause"]})
        if fault != "kill9":
            # the isolated victim sees the survivor dead too (a partition from both sides)
            end2 = time.monotonic() + limit
            while time.monotonic() < end2:
                st = v.status()
                e = peer_entry(st, survivor) if st else None
                if e and e["state"] == "dead":
                    victim_view = round(iso_ms(e["since"]) - t0)
                    break
                time.sleep(0.05)
            result["victim_saw_survivor_dead_ms"] = victim_view
        self.heal(fault, victim, links)
        return result

    def run_set(self, setting, fault, links, runs, attempt):
        self.ensure_cluster(setting, links)
        time.sleep(2)
        probe = self.load_probe_start()
        log(f"set {setting} {fault} {'+'.join(links)} ({runs} runs, attempt {attempt}); loadavg {probe['loadavg']}")
        out = []
        for i in range(runs):
            self.check_time()
            victim = "n2" if i % 2 == 0 else "n1"
            r = self.one_run(setting, fault, links, victim, i + 1)
            out.append(r)
            log(f"  run {i + 1}: victim {victim}{' (coord)' if r['victim_was_coordinator'] else ''}: "
                f"{r.get('detected_ms')} ms" + (f" (victim saw survivor dead {r['victim_saw_survivor_dead_ms']} ms)"
                                                 if 'victim_saw_survivor_dead_ms' in r else ""))
        load = self.load_probe_end(probe)
        det = [r["detected_ms"] for r in out if r["detected_ms"] is not None]
        entry = {"setting": setting, "fault": fault, "links": list(links), "attempt": attempt,
                 "loadavg_start": probe["loadavg"], **load, "noisy": load["foreign_cores"] > NOISY_FOREIGN_CORES,
                 "timers": self.daemons["n1"].status()["timers"], "runs": out,
                 "median_ms": statistics.median(det) if det else None,
                 "min_ms": min(det) if det else None, "max_ms": max(det) if det else None,
                 "failures": len(out) - len(det)}
        log(f"  => median {med_range(det)} ms; CPU busy {load['busy_cores']} cores, "
            f"this benchmark {load['ours_cores']}, foreign {load['foreign_cores']}"
            + ("  NOISY" if entry["noisy"] else ""))
        self.results["sets"].append(entry)
        return entry

    def run_set_with_retry(self, setting, fault, links, runs):
        for attempt in range(1, self.args.attempts + 1):
            e = self.run_set(setting, fault, links, runs, attempt)
            if not e["noisy"]:
                return
            log(f"  set was noisy (foreign load {e['foreign_cores']} cores > {NOISY_FOREIGN_CORES})"
                + ("; running it again" if attempt < self.args.attempts else "; keeping it, marked noisy"))

    # ---------- resources

    def resources(self, setting, window_s, realtime=True):
        self.ensure_cluster(setting, ["eth0"], realtime)
        log(f"resources at {setting}, realtime {'on' if realtime else 'off'}: {self.args.warmup} s warm-up, "
            f"then {window_s} s CPU window")
        time.sleep(self.args.warmup)
        probe = self.load_probe_start()
        start = {n: (proc_cpu_jiffies(d.pid), thread_cpu(d.pid), time.monotonic()) for n, d in self.daemons.items()}
        time.sleep(window_s)
        entry = {"setting": setting, "realtime": "on" if realtime else "off", "window_s": window_s,
                 "loadavg_start": probe["loadavg"], "nodes": {}}
        for n, d in self.daemons.items():
            j0, th0, t0 = start[n]
            j1, th1 = proc_cpu_jiffies(d.pid), thread_cpu(d.pid)
            elapsed = time.monotonic() - t0
            st = proc_status(d.pid)
            per_thread = {}
            for tid, (name, u, sy) in th1.items():
                _, u0, s0 = th0.get(tid, (name, 0, 0))
                delta = u + sy - u0 - s0
                if delta > 0:
                    per_thread[name] = per_thread.get(name, 0) + delta
            top = sorted(per_thread.items(), key=lambda kv: -kv[1])[:8]
            entry["nodes"][n] = {
                "cpu_pct_of_core": round(100.0 * (j1 - j0) / CLK_TCK / elapsed, 2),
                "top_threads_pct": {k: round(100.0 * v / CLK_TCK / elapsed, 2) for k, v in top},
                "vmrss_mib": round(kib(st["VmRSS"]) / 1024, 1), "vmhwm_mib": round(kib(st["VmHWM"]) / 1024, 1),
                "rss_anon_mib": round(kib(st.get("RssAnon", "0 kB")) / 1024, 1),
                "rss_file_mib": round(kib(st.get("RssFile", "0 kB")) / 1024, 1),
                "threads": int(st["Threads"]), "cmdline": d.cmdline()}
        entry.update(self.load_probe_end(probe))
        entry["wire"] = self.capture(f"{setting}-rt{entry['realtime']}")
        for n, v in entry["nodes"].items():
            log(f"  {n}: CPU {v['cpu_pct_of_core']} % of a core, VmRSS {v['vmrss_mib']} MiB, "
                f"VmHWM {v['vmhwm_mib']} MiB, {v['threads']} threads; busiest threads {v['top_threads_pct']}")
        w = entry["wire"]
        log(f"  wire: {w['summary']}")
        self.results["resources"].append(entry)

    def capture(self, setting, seconds=10):
        """tcpdump on n1's eth0: datagrams per second per sender and heartbeat datagram sizes."""
        pcap = os.path.join(self.work, f"wire-{setting.replace('/', '-')}.pcap")
        p = self.registry.add(subprocess.Popen(
            ["ip", "netns", "exec", N1, "timeout", str(seconds + 5), "tcpdump", "-i", "eth0", "-n", "-s", "128",
             "-c", "20000", "-w", pcap, "udp"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL), "tcpdump")
        time.sleep(seconds)
        p.terminate()
        p.wait(timeout=10)
        lines = run(["tcpdump", "-r", pcap, "-n", "-tt"], timeout=30).stdout.splitlines()
        pat = re.compile(r"^(\d+\.\d+) IP (\d+\.\d+\.\d+\.\d+)\.(\d+) > (\d+\.\d+\.\d+\.\d+)\.(\d+): UDP, length (\d+)")
        pkts = [m.groups() for m in map(pat.match, lines) if m]
        if len(pkts) < 2:
            return {"summary": "no packets captured", "packets": len(pkts)}
        span = float(pkts[-1][0]) - float(pkts[0][0])
        per = {}
        for ts, src, sport, dst, dport, length in pkts:
            kind = "group (bcast)" if dst.endswith(".127") else "unicast"
            k = (src, kind)
            per.setdefault(k, []).append(int(length))
        senders = {}
        for (src, kind), lengths in sorted(per.items()):
            common = max(set(lengths), key=lengths.count)
            senders[f"{src} {kind}"] = {
                "packets": len(lengths), "per_s": round(len(lengths) / span, 1),
                "udp_payload_bytes_most_common": common, "share_of_most_common": round(lengths.count(common) / len(lengths), 2),
                "udp_payload_bytes_min_max": [min(lengths), max(lengths)]}
        group = {k: v for k, v in senders.items() if "group" in k}
        hb = [v["udp_payload_bytes_most_common"] for v in group.values()]
        rates = [v["per_s"] for v in group.values()]
        summary = (f"heartbeat datagram {hb[0] if hb else '?'} B UDP payload "
                   f"({(hb[0] + 8 + 20 + 14) if hb else '?'} B Ethernet frame), group datagrams/s per node "
                   f"{'/'.join(str(r) for r in rates)}; all UDP datagrams/s per node "
                   + "/".join(str(round(sum(v['per_s'] for k, v in senders.items() if k.startswith(ip)), 1))
                              for ip in ("198.51.100.11", "198.51.100.12")))
        return {"seconds": round(span, 1), "packets": len(pkts), "senders": senders, "summary": summary}

    # ---------- soak

    def soak(self, minutes):
        setting = "50/250"
        self.ensure_cluster(setting, ["eth0"], realtime=False)
        time.sleep(3)
        offsets = {n: os.path.getsize(d.logfile) for n, d in self.daemons.items()}
        initial = {n: d.status() for n, d in self.daemons.items()}
        since0 = {n: peer_entry(initial[n], "n2" if n == "n1" else "n1")["since"] for n in self.daemons}
        hogs = []
        seconds = int(minutes * 60)
        probe = self.load_probe_start()
        log(f"soak: {minutes} min at {setting}, realtime off (daemons at nice 0), "
            f"{self.args.hogs} busy loops at nice 0; loadavg {probe['loadavg']}")
        for _ in range(self.args.hogs):
            hogs.append(self.registry.add(subprocess.Popen(
                ["timeout", str(seconds + 30), "sh", "-c", "while :; do :; done"]), "hog"))
        cpu0 = {n: proc_cpu_jiffies(d.pid) for n, d in self.daemons.items()}
        polls, not_up, unanswered, stalls = 0, {n: 0 for n in self.daemons}, 0, {}
        t_end = time.monotonic() + seconds
        loads = []
        try:
            while time.monotonic() < t_end:
                for n, d in self.daemons.items():
                    st = d.status(timeout=3)
                    if st is None:
                        unanswered += 1
                        continue
                    peer = peer_entry(st, "n2" if n == "n1" else "n1")
                    if not (peer["state"] == "up" and all(l["state"] == "up" for l in peer["links"])):
                        not_up[n] += 1
                    if st.get("last_stall"):
                        stalls[n] = st["last_stall"]
                polls += 1
                loads.append(loadavg()[0])
                time.sleep(2)
        finally:
            for h in hogs:
                if h.poll() is None:
                    h.terminate()
            for h in hogs:
                h.wait(timeout=10)
        load = self.load_probe_end(probe)
        final = {n: d.status() for n, d in self.daemons.items()}
        events = {}
        patterns = {"node_dead": r"node \S+: is dead", "link_dead": r"link \S+ to \S+: dead",
                    "late_heartbeat": r"late heartbeat from", "node_up": r"node \S+: is up",
                    "partition_healed": r"partition healed", "frozen": r"this node was frozen"}
        for n, d in self.daemons.items():
            with open(d.logfile, errors="replace") as f:
                f.seek(offsets[n])
                text = f.read()
            events[n] = {k: len(re.findall(p, text)) for k, p in patterns.items()}
            events[n]["examples"] = [l for l in text.splitlines()
                                     if re.search("dead|late heartbeat|frozen|healed", l)][:20]
        cpu = {n: round(100.0 * (proc_cpu_jiffies(d.pid) - cpu0[n]) / CLK_TCK / seconds, 2)
               for n, d in self.daemons.items()}
        since1 = {n: peer_entry(final[n], "n2" if n == "n1" else "n1")["since"] for n in self.daemons}
        entry = {"setting": setting, "minutes": minutes, "realtime": "off", "hogs": self.args.hogs,
                 "loadavg_start": probe["loadavg"], "loadavg1_median_during": statistics.median(loads),
                 **load, "status_polls": polls, "polls_peer_not_up": not_up, "polls_unanswered": unanswered,
                 "peer_since_unchanged": {n: since0[n] == since1[n] for n in self.daemons},
                 "last_stall": stalls, "log_events": events, "daemon_cpu_pct_of_core_under_load": cpu}
        total_dead = sum(e["node_dead"] for e in events.values())
        total_link = sum(e["link_dead"] for e in events.values())
        log(f"  soak: node deaths {total_dead}, link deaths {total_link}, late heartbeats "
            f"{sum(e['late_heartbeat'] for e in events.values())}, polls with peer not up {not_up}, "
            f"busy {load['busy_cores']} cores (foreign {load['foreign_cores']})")
        self.results["soak"] = entry

    # ---------- plan

    def main(self):
        q = self.args.quick
        started = datetime.datetime.now(datetime.timezone.utc)
        self.results["meta"] = self.meta(started)
        short_runs = self.args.runs or (2 if q else 10)
        plan = []
        for setting in ("50/250", "100/500"):
            for fault in FAULTS:
                plan.append((setting, fault, ["eth0"], short_runs))
        plan.append(("50/250", "linkdown", ["eth0", "eth1"], short_runs))
        plan.append(("50/250", "kill9", ["eth0", "eth1"], short_runs))
        if not q:
            for fault in ("kill9", "linkdown"):
                plan.append(("hb-default", fault, ["eth0"], self.args.default_runs))
        if self.args.sets:
            wanted = self.args.sets.split(",")
            unknown = [w for w in wanted if w not in {set_name(*p[:3]) for p in plan}]
            if unknown:
                raise SystemExit(f"unknown set(s) {unknown}; known: {sorted({set_name(*p[:3]) for p in plan})}")
            plan = [p for p in plan if set_name(*p[:3]) in wanted]
        parts = self.args.only.split(",")
        self.results["meta"]["parts"] = parts
        for setting, fault, links, n in (plan if "detection" in parts else []):
            self.run_set_with_retry(setting, fault, links, n)
            self.write()
        for setting, realtime in (("50/250", True), ("50/250", False), ("100/500", True), ("hb-default", True)):
            if "resources" not in parts or (q and setting == "hb-default"):
                continue
            self.check_time()
            self.resources(setting, 15 if q else self.args.cpu_window, realtime)
            self.write()
        if not q and self.args.soak_minutes > 0 and "soak" in parts:
            self.soak(self.args.soak_minutes)
        self.results["meta"]["finished"] = datetime.datetime.now(datetime.timezone.utc).isoformat()
        self.write()
        log(f"results: {self.out_md}")
        print(open(self.out_md).read().split("## Every run")[0])

    def meta(self, started):
        def cmd(c):
            try:
                return run(c, check=False).stdout.strip() or run(c, check=False).stderr.strip()
            except (OSError, subprocess.TimeoutExpired):
                return "?"
        java = run(["java", "-version"], check=False).stderr.strip().splitlines()
        return {"started": started.isoformat(), "quick": self.args.quick, "extra_java_opts": self.args.java_opts,
                "git": cmd(["git", "-C", self.repo, "describe", "--always", "--dirty"]),
                "jar": os.path.basename(self.jar), "java": java[-2] if len(java) > 1 else "?",
                "kernel": platform.release(), "cpus": os.cpu_count(), "loadavg_start": loadavg()}

    # ---------- output

    @property
    def out_md(self):
        name = self.args.out or ("results-quick" if self.args.quick else "results")
        return os.path.join(self.here, name + ".md")

    def write(self):
        with open(self.out_md.replace(".md", ".json"), "w") as f:
            json.dump(self.results, f, indent=1)
        with open(self.out_md, "w") as f:
            f.write(render(self.results))


def set_name(setting, fault, links):
    """A set's name for --sets, e.g. 50/250:kill9:eth0+eth1."""
    return f"{setting}:{fault}:{'+'.join(links)}"


def render(r):
    m = r["meta"]
    out = [f"# Detection benchmark results{' (quick)' if m['quick'] else ''}", "",
           f"Written by `bench/detection/run.sh`{' --quick' if m['quick'] else ''}. Started {m['started']}, "
           f"finished {m.get('finished', '(incomplete)')}; commit {m['git']}, {m['jar']}, {m['java']}, "
           f"kernel {m['kernel']}, {m['cpus']} CPUs.", ""]
    cmdline = next((n["cmdline"] for e in r["resources"] for n in e["nodes"].values()), None)
    if cmdline:
        jvm = [a for a in cmdline[1:cmdline.index("-jar")]] if "-jar" in cmdline else cmdline
        out += [f"Daemon JVM flags (from /proc/PID/cmdline, bin/hactl's daemon profile): `{' '.join(jvm)}`", ""]
    out += ["Detection = survivor's `since` of the victim's `dead` state minus the time just before the fault",
            "(fault commands were started beforehand and only released at t0). Victims alternate n2, n1.",
            "`foreign` = CPU cores busy with processes outside this benchmark during the set (from /proc/stat).",
            "", "## Detection (ms): median (min-max)", "",
            "| setting | FD_ALL3 interval/timeout, VS2 | fault | links | runs | median (min-max) | not detected | "
            "load avg at start | foreign cores | set |",
            "|---|---|---|---|---|---|---|---|---|---|"]
    for s in r["sets"]:
        t = s["timers"]
        det = [x["detected_ms"] for x in s["runs"] if x["detected_ms"] is not None]
        tag = "noisy" if s["noisy"] else "ok"
        out.append(f"| {s['setting']} | {t['heartbeat_interval_ms']}/{t['suspect_timeout_ms']}, "
                   f"{t['verify_timeout_ms']} | {s['fault']} | {'+'.join(s['links'])} | {len(s['runs'])} | "
                   f"{med_range(det)} | {s['failures']} | {' '.join(str(x) for x in s['loadavg_start'])} | "
                   f"{s['foreign_cores']} | attempt {s['attempt']}, {tag} |")
    if r["resources"]:
        out += ["", "## Resources (idle, 2-node cluster, one bcast link)", "",
                "| setting | realtime | node | CPU % of one core | VmRSS MiB | VmHWM MiB | RssAnon / RssFile MiB | threads | "
                "window s | load avg at start | foreign cores |", "|---|---|---|---|---|---|---|---|---|---|---|"]
        for e in r["resources"]:
            for n, v in e["nodes"].items():
                out.append(f"| {e['setting']} | {e['realtime']} | {n} | {v['cpu_pct_of_core']} | {v['vmrss_mib']} | {v['vmhwm_mib']} | "
                           f"{v['rss_anon_mib']} / {v['rss_file_mib']} | {v['threads']} | {e['window_s']} | "
                           f"{' '.join(str(x) for x in e['loadavg_start'])} | {e['foreign_cores']} |")
        out += ["", "Busiest threads (% of one core over the window):", ""]
        for e in r["resources"]:
            for n, v in e["nodes"].items():
                out.append(f"* {e['setting']} realtime {e['realtime']} {n}: "
                           + ", ".join(f"{k} {p}" for k, p in v["top_threads_pct"].items()))
        out += ["", "Wire (tcpdump on n1's eth0, 10 s; UDP payload bytes; frame = payload + 42):", ""]
        for e in r["resources"]:
            out.append(f"* {e['setting']} realtime {e['realtime']}: {e['wire']['summary']}")
            for k, v in e["wire"].get("senders", {}).items():
                out.append(f"  * {k}: {v['per_s']}/s, most common {v['udp_payload_bytes_most_common']} B "
                           f"({int(v['share_of_most_common'] * 100)} %), range {v['udp_payload_bytes_min_max']}")
    s = r.get("soak")
    if s:
        out += ["", f"## Soak: {s['minutes']} idle minutes at {s['setting']}, {s['hogs']} busy loops, "
                    f"realtime {s['realtime']}", "",
                f"Load avg at start {s['loadavg_start']}, median 1-min load during {s['loadavg1_median_during']}; "
                f"CPU busy {s['busy_cores']} cores of {m['cpus']} (foreign {s['foreign_cores']}). "
                f"{s['status_polls']} status polls per node (every 2 s).", "",
                "| node | node dead | link dead | late heartbeat | frozen (stall watchdog) | polls with peer not up | "
                "peer `since` unchanged | daemon CPU % under load |", "|---|---|---|---|---|---|---|---|"]
        for n, e in s["log_events"].items():
            out.append(f"| {n} | {e['node_dead']} | {e['link_dead']} | {e['late_heartbeat']} | {e['frozen']} | "
                       f"{s['polls_peer_not_up'][n]} | {s['peer_since_unchanged'][n]} | "
                       f"{s['daemon_cpu_pct_of_core_under_load'][n]} |")
        ex = [l for e in s["log_events"].values() for l in e["examples"]]
        if ex:
            out += ["", "Log lines (first 20 per node):", "", "```"] + ex + ["```"]
    out += ["", "## Every run", ""]
    for s in r["sets"]:
        out.append(f"### {s['setting']} {s['fault']} {'+'.join(s['links'])}, attempt {s['attempt']} "
                   f"(load avg at start {s['loadavg_start']}, busy {s['busy_cores']} cores, ours "
                   f"{s['ours_cores']}, foreign {s['foreign_cores']})")
        out += ["", "| run | victim | victim was coordinator | t0 (UTC) | fault cmd ms | detected ms | "
                    "victim saw survivor dead ms | load avg 1 min |", "|---|---|---|---|---|---|---|---|"]
        for x in s["runs"]:
            out.append(f"| {x['run']} | {x['victim']} | {x['victim_was_coordinator']} | {x['t0'][11:23]} | "
                       f"{x['fault_cmd_ms']} | {x['detected_ms'] if x['detected_ms'] is not None else x['error']} | "
                       f"{x.get('victim_saw_survivor_dead_ms', '-')} | {x['loadavg1']} |")
        out.append("")
    return "\n".join(out) + "\n"


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repo", required=True)
    ap.add_argument("--jar", required=True)
    ap.add_argument("--quick", action="store_true", help="2 runs per set, no Heartbeat-default timers, no soak")
    ap.add_argument("--runs", type=int, default=0, help="runs per set at the short timers (default 10, quick 2)")
    ap.add_argument("--default-runs", type=int, default=3, help="runs per set at Heartbeat's default timers")
    ap.add_argument("--attempts", type=int, default=2, help="repeat a set this often while it is noisy")
    ap.add_argument("--cpu-window", type=int, default=60)
    ap.add_argument("--warmup", type=int, default=15)
    ap.add_argument("--soak-minutes", type=float, default=10)
    ap.add_argument("--hogs", type=int, default=4)
    ap.add_argument("--java-opts", default="", help="extra JVM flags after bin/hactl's (experiments only)")
    ap.add_argument("--only", default="detection,resources,soak",
                    help="comma-separated parts to run (detection, resources, soak)")
    ap.add_argument("--max-minutes", type=float, default=120, help="hard limit for the whole benchmark")
    ap.add_argument("--sets", default="",
                    help="comma-separated detection sets to run, e.g. 50/250:kill9:eth0+eth1 (default: all)")
    ap.add_argument("--max-pause", type=float, default=1.0,
                    help="the random pause before each fault is 0..this many seconds")
    ap.add_argument("--debug", type=int, default=0,
                    help="ha.cf debug level; above 0 the daemons also write work/nX/debug.log")
    ap.add_argument("--out", default="", help="results file name without extension (default results)")
    return ap.parse_args()


def main():
    args = parse_args()
    bench = Bench(args)
    return run_driver(bench)


if __name__ == "__main__":
    sys.exit(main())
