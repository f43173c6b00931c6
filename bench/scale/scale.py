#!/usr/bin/env python3
"""Scale benchmark of the Lifeline daemon (issue 15, item 6). Run it through run.sh.

For each N in --nodes: N real daemons (bin/hactl daemon) in network namespaces ll-scn1..ll-scnN,
each with eth0 = 198.51.100.(10+i)/24 on one bridge in ll-schub; one heartbeat link (bcast, mcast
or ucast); one VIP group homed on each node (haresources `nI 198.51.100.(100+i)`). All daemons
are started at once (--stagger S: S seconds apart; --last-joins-late: N-1 first, the last 15 s after
they have formed). Measured per N:
  * formation: time until every node's `status` (control socket, what `hactl status --json`
    prints) shows all N nodes up and every group owned by its home node only, running there
    (capped; "not formed" with the counts reached otherwise);
  * false deaths (daemon logs: "node X: is dead", "link ... : dead") during formation and in an
    idle window; "this node was frozen" lines; auth drops per reason;
  * idle window: CPU per daemon (/proc/PID/stat) and per thread kind (user and system),
    VmRSS/VmHWM, packets and bytes per second sent into the bridge (sum of the hub-side veths'
    rx counters);
  * optionally a partition into halves (nftables) and heal: time until one owner per group again;
  * kill -9 of the last node: when each survivor declared it dead (its `since`), when its group
    runs elsewhere.
Every number goes to results.md / results.json; nothing is dropped. See README.md.
"""

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
from benchlib import (log, run, nsexec, loadavg, cpu_busy_jiffies, proc_cpu_jiffies, thread_cpu, Registry,  # noqa: E402
                      write_authkeys, control_status, run_driver)

# LL_SCALE_NS: another prefix for the namespaces (e.g. one reserved for a helper on a shared box)
NS_PREFIX = os.environ.get("LL_SCALE_NS", "ll-sc")
# --last-joins-late: seconds between the first N-1 having formed and the last one's start
LATE_JOIN_SETTLE_S = 15
HUB = NS_PREFIX + "hub"
NODE_NS = NS_PREFIX + "n{}"
MAX_NODES = 32  # 198.51.100.11-42 for nodes, .101-132 for the VIPs
SECRET = "bench-scale-0123456789abcdef"
NFT_TABLE = "llscale"
MCAST_GROUP = "239.1.2.3"
CLK_TCK = os.sysconf("SC_CLK_TCK")
DEAD_NODE = re.compile(r"node \S+: is dead")
DEAD_LINK = re.compile(r"link \S+ to \S+: dead")
FROZEN = re.compile(r"this node was frozen")
GC_PAUSE = re.compile(r"Pause (Young|Full) .* ([0-9.]+)ms$")


def node_name(i):
    return f"n{i}"


def node_addr(i):
    return f"198.51.100.{10 + i}"


def vip(i):
    return f"198.51.100.{100 + i}"


def iso_ms(s):
    return datetime.datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp() * 1000


class ScaleLab:
    """Hub namespace ll-schub with bridge br0 (multicast snooping off, so mcast floods like bcast)
    and an nftables bridge table for partitions, and N node namespaces, each with one veth (eth0
    inside, hI on the bridge). Interfaces are created directly in the namespaces, never in the root one."""

    def __init__(self, n):
        self.n = n
        self.created = []

    def setup(self):
        run(["ip", "netns", "add", HUB])
        self.created.append(HUB)
        nsexec(HUB, ["sh", "-c", "ip link set lo up && ip link add br0 type bridge mcast_snooping 0 "
                                 "&& ip link set br0 up"])
        for i in range(1, self.n + 1):
            ns = NODE_NS.format(i)
            run(["ip", "netns", "add", ns])
            self.created.append(ns)
            run(["ip", "link", "add", "llsctmp", "netns", ns, "type", "veth", "peer", "name", f"h{i}",
                 "netns", HUB])
            nsexec(HUB, ["sh", "-c", f"ip link set h{i} master br0 && ip link set h{i} up"])
            nsexec(ns, ["sh", "-c", f"ip link set lo up && ip link set llsctmp name eth0 && "
                                    f"ip addr add {node_addr(i)}/24 brd + dev eth0 && ip link set eth0 up"])
        nsexec(HUB, ["nft", "-f", "-"], input_text=(
            f"table bridge {NFT_TABLE} {{\n"
            "  chain split { type filter hook forward priority 0; policy accept; }\n"
            "}\n"))

    def bridge_counters(self):
        """Sum over the hub-side veths of rx (what the nodes sent into the bridge) and tx (what the
        bridge delivered to them): packets and bytes."""
        links = json.loads(nsexec(HUB, ["ip", "-s", "-j", "link", "show"]).stdout)
        tot = {"sent_packets": 0, "sent_bytes": 0, "delivered_packets": 0, "delivered_bytes": 0}
        for link in links:
            if re.fullmatch(r"h\d+", link.get("ifname", "")):
                s = link["stats64"]
                tot["sent_packets"] += s["rx"]["packets"]
                tot["sent_bytes"] += s["rx"]["bytes"]
                tot["delivered_packets"] += s["tx"]["packets"]
                tot["delivered_bytes"] += s["tx"]["bytes"]
        return tot

    def partition(self, halves):
        """The bridge forwards no frame between the halves (ARP included, so a VIP on the other
        side is not seen by the duplicate-address probe, as on a real split network)."""
        a = ", ".join(f"h{i}" for i in halves[0])
        b = ", ".join(f"h{i}" for i in halves[1])
        nsexec(HUB, ["nft", "-f", "-"], input_text=(
            f"add rule bridge {NFT_TABLE} split iifname {{ {a} }} oifname {{ {b} }} drop\n"
            f"add rule bridge {NFT_TABLE} split iifname {{ {b} }} oifname {{ {a} }} drop\n"))

    def heal(self):
        nsexec(HUB, ["nft", "flush", "chain", "bridge", NFT_TABLE, "split"])

    def unplug(self, i):
        """The node's cable: down on the hub side, so its addresses (its VIP too) vanish from the net."""
        nsexec(HUB, ["ip", "link", "set", f"h{i}", "down"])

    def teardown(self):
        for ns in reversed(self.created):
            run(["ip", "netns", "del", ns], check=False)
        self.created.clear()


class Daemon:
    """One `hactl daemon` in its namespace, started through bin/hactl (its daemon JVM profile)."""

    def __init__(self, bench, i):
        self.bench = bench
        self.i = i
        self.name = node_name(i)
        self.ns = NODE_NS.format(i)
        self.dir = os.path.join(bench.work, f"N{bench.n}", self.name)
        self.socket = os.path.join(self.dir, "hactl.sock")
        self.logfile = os.path.join(self.dir, "daemon.log")
        self.proc = None
        os.makedirs(os.path.join(self.dir, "ha.d"), exist_ok=True)

    def configure(self):
        a, n = self.bench.args, self.bench.n
        lines = ["cluster scale", f"keepalive {a.keepalive}", f"deadtime {a.deadtime}",
                 f"warntime {a.warntime}", f"initdead {a.initdead}", "udpport 694",
                 f"realtime {a.realtime}"]
        if a.debug_log:
            # JGroups' membership decisions (joins, views, merges) into debug.log; the info lines
            # still go to daemon.log, which the counts below read
            lines += [f"logfile {self.logfile}", f"debugfile {os.path.join(self.dir, 'debug.log')}", "debug 2"]
        if a.link == "bcast":
            lines.append("bcast eth0")
        elif a.link == "mcast":
            lines.append(f"mcast eth0 {MCAST_GROUP} 694 1 0")
        else:
            lines += [f"ucast eth0 {node_addr(j)}" for j in range(1, n + 1) if j != self.i]
        lines += [f"node {node_name(j)}" for j in range(1, n + 1)]
        had = os.path.join(self.dir, "ha.d")
        with open(os.path.join(had, "ha.cf"), "w") as f:
            f.write("\n".join(lines) + "\n")
        write_authkeys(os.path.join(had, "authkeys"), SECRET)
        with open(os.path.join(had, "haresources"), "w") as f:
            f.write("".join(f"{node_name(j)} {vip(j)}\n" for j in range(1, n + 1)))

    def start(self):
        cmd = ["ip", "netns", "exec", self.ns, os.path.join(self.bench.repo, "bin", "hactl"), "daemon",
               "--config", os.path.join(self.dir, "ha.d"), "--node", self.name, "--socket", self.socket,
               "--state-dir", os.path.join(self.dir, "state")]
        env = dict(os.environ, LIFELINE_JAR=self.bench.jar)
        env.pop("LIFELINE_JAVA_OPTS", None)
        if self.bench.args.java_opts:
            # e.g. a JVM log per node: --java-opts='-Xlog:safepoint,gc:file={dir}/jvm.log:time'
            env["LIFELINE_JAVA_OPTS"] = self.bench.args.java_opts.replace("{dir}", self.dir)
        out = open(self.logfile, "a")
        # ip netns exec and bin/hactl both exec: this PID becomes the daemon's JVM
        self.proc = self.bench.registry.add(
            subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True),
            f"daemon-{self.name}")
        out.close()

    @property
    def pid(self):
        return self.proc.pid

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def status(self, timeout=2.0):
        return control_status(self.socket, timeout)

    def log_size(self):
        try:
            return os.path.getsize(self.logfile)
        except FileNotFoundError:
            return 0

    def log_events(self, start, end=None):
        """Counts of false-death and stall lines in the log between two byte offsets, plus examples."""
        with open(self.logfile, "rb") as f:
            f.seek(start)
            text = f.read(None if end is None else max(0, end - start)).decode(errors="replace")
        lines = text.splitlines()
        hits = [l for l in lines if DEAD_NODE.search(l) or DEAD_LINK.search(l) or FROZEN.search(l)]
        return {"node_dead": sum(1 for l in lines if DEAD_NODE.search(l)),
                "link_dead": sum(1 for l in lines if DEAD_LINK.search(l)),
                "frozen": sum(1 for l in lines if FROZEN.search(l)),
                "examples": hits[:5]}

    def gc_log_summary(self):
        """Collections in the node's JVM log, if --java-opts asked for one ('-Xlog:gc:file={dir}/jvm.log')."""
        path = os.path.join(self.dir, "jvm.log")
        if not os.path.exists(path):
            return None
        pauses = {"young": [], "full": []}
        with open(path, errors="replace") as f:
            for line in f:
                m = GC_PAUSE.search(line)
                if m:
                    pauses["young" if m.group(1) == "Young" else "full"].append(float(m.group(2)))
        return {k: {"count": len(v), "max_ms": max(v) if v else None} for k, v in pauses.items()}

    def memory(self):
        out = {}
        with open(f"/proc/{self.pid}/status") as f:
            for line in f:
                k, _, v = line.partition(":")
                if k in ("VmRSS", "VmHWM", "Threads"):
                    out[k] = int(v.split()[0])
        return {"vmrss_mib": round(out["VmRSS"] / 1024, 1), "vmhwm_mib": round(out["VmHWM"] / 1024, 1),
                "threads": out["Threads"]}


# ---------- where a daemon's CPU goes

THREAD_NUMBER = re.compile(r"\d+")


def thread_profile(before, after, elapsed):
    """CPU per thread kind (the kernel's 15-character thread name, digits as #), as % of a core
    per node, user and system apart, summed over threads of that kind and averaged over nodes:
    which threads make a node's idle CPU grow with N (a thread that started in the window counts
    from 0; one that ended in it is not counted)."""
    kinds, nodes = {}, 0
    for node, t1 in after.items():
        if not t1:
            continue
        nodes += 1
        t0 = before.get(node, {})
        for tid, (name, u1, s1) in t1.items():
            _, u0, s0 = t0.get(tid, (name, 0, 0))
            k = kinds.setdefault(THREAD_NUMBER.sub("#", name), [0, 0])
            k[0] += u1 - u0
            k[1] += s1 - s0
    if not nodes:
        return {}
    pct = lambda j: round(100.0 * j / CLK_TCK / elapsed / nodes, 3)
    rows = sorted(kinds.items(), key=lambda kv: -(kv[1][0] + kv[1][1]))
    return {name: {"user": pct(u), "system": pct(s)} for name, (u, s) in rows if u + s > 0}


# ---------- reading a node's status

def node_states(st):
    return {n["name"]: n for n in st.get("nodes", [])} if st else {}


def groups_by_home(st):
    return {g.get("preferred_node"): g for g in st.get("groups", [])} if st else {}


def view(st, names):
    """(nodes this status shows up, groups it shows owned by their home node only) among `names`."""
    nodes = node_states(st)
    up = sum(1 for nm in names if nodes.get(nm, {}).get("state") == "up")
    gs = groups_by_home(st)
    at_home = sum(1 for nm in names if gs.get(nm, {}).get("owners") == [nm])
    return up, at_home


def total_drops(st):
    return st.get("auth_drops_total", 0) if st else None


def drops_by_reason(sts):
    """Datagrams the nodes dropped before decoding, summed over nodes and links, per reason."""
    out = {}
    for st in sts.values():
        for link in (st or {}).get("links", []):
            for e in link.get("auth_drops", []):
                out[e["reason"]] = out.get(e["reason"], 0) + e["count"]
    return out


class Bench:
    def __init__(self, args):
        self.args = args
        self.repo = args.repo
        self.jar = args.jar
        self.work = os.path.join(HERE, "work")
        self.registry = None
        self.lab = None
        self.n = 0
        self.daemons = []
        self.deadline = time.monotonic() + args.max_minutes * 60
        self.results = {"meta": {}, "runs": []}

    def names(self):
        return [d.name for d in self.daemons]

    def statuses(self, daemons=None):
        return {d.name: d.status() for d in (daemons or self.daemons)}

    def our_cpu_jiffies(self):
        t = os.times()
        return (t.user + t.system + t.children_user + t.children_system) * CLK_TCK + sum(
            proc_cpu_jiffies(d.pid, with_children=True) or 0 for d in self.daemons if d.alive())

    # ---------- phases

    def formed(self, sts, names, daemons):
        """Every node sees all `names` up, every group is owned by its home node only and runs there."""
        for d in daemons:
            up, at_home = view(sts[d.name], names)
            if up < len(names) or at_home < len(names):
                return False
            g = groups_by_home(sts[d.name]).get(d.name)
            if not g or g.get("phase") != "running":
                return False
        return True

    def form(self, entry):
        names = self.names()
        offsets = {d.name: d.log_size() for d in self.daemons}
        t_first = time.time() * 1000
        late = self.args.last_joins_late
        stagger = self.args.stagger
        for k, d in enumerate(self.daemons[:-1] if late else self.daemons):
            if stagger and k:
                # one node booting after another, each JVM start with the box's cores mostly to
                # itself (as separate machines would have), not N starts sharing 2 cores
                time.sleep(max(0.0, t_first / 1000 + k * stagger - time.time()))
            d.start()
        if late:
            # The first N-1 form among themselves, then the last one starts: a node that boots into
            # a running cluster, with the box's cores to itself while it starts (as a real node has
            # its own), instead of N JVMs starting at once on 2 cores.
            early = self.daemons[:-1]
            early_names = [d.name for d in early]
            end0 = time.monotonic() + self.args.form_cap
            settled_ms = None
            while time.monotonic() < end0 and settled_ms is None:
                sts = self.statuses(early)
                if all(sts.values()) and self.formed(sts, early_names, early):
                    settled_ms = time.time() * 1000
                else:
                    time.sleep(0.2)
            entry["first_n_minus_1_formed_s"] = round((settled_ms - t_first) / 1000, 2) if settled_ms else None
            # then the JVMs' own start-up work (compilation, the rest of the class loading) dies down
            time.sleep(LATE_JOIN_SETTLE_S)
            log(f"N={self.n}: the first {self.n - 1} daemons formed after {entry['first_n_minus_1_formed_s']} s; "
                f"starting the last one {LATE_JOIN_SETTLE_S} s later (load {loadavg()})")
            entry["loadavg_at_last_start"] = loadavg()
            self.daemons[-1].start()
        t_last = time.time() * 1000
        entry["start_spread_ms"] = round(t_last - t_first)
        entry["last_joins_late"] = late
        entry["stagger_s"] = stagger
        log(f"N={self.n}: {self.n} daemons started in {entry['start_spread_ms']} ms; waiting up to "
            f"{self.args.form_cap} s")
        end = time.monotonic() + self.args.form_cap
        best = {"min_up": 0, "min_at_home": 0, "running_at_home": 0}
        formed_ms, sweeps, last = None, 0, None
        while time.monotonic() < end:
            sts = self.statuses()
            t = time.time() * 1000
            sweeps += 1
            last = sts
            answering = [n for n, s in sts.items() if s]
            if len(answering) == self.n:
                ups = [view(s, names) for s in sts.values()]
                best["min_up"] = max(best["min_up"], min(u for u, _ in ups))
                best["min_at_home"] = max(best["min_at_home"], min(h for _, h in ups))
                running = sum(1 for d in self.daemons
                              if groups_by_home(sts[d.name]).get(d.name, {}).get("phase") == "running")
                best["running_at_home"] = max(best["running_at_home"], running)
                if self.formed(sts, names, self.daemons):
                    formed_ms = t
                    break
            dead = [d.name for d in self.daemons if not d.alive()]
            if dead:
                entry["exited"] = dead
                break
            time.sleep(0.2)
        entry["form_sweeps"] = sweeps
        entry["formed"] = formed_ms is not None
        entry["form_from_last_start_s"] = round((formed_ms - t_last) / 1000, 2) if formed_ms else None
        entry["form_from_first_start_s"] = round((formed_ms - t_first) / 1000, 2) if formed_ms else None
        entry["form_best_counts"] = best
        if not formed_ms and last:
            entry["form_last_view"] = {n: (view(s, names) if s else "not answering") for n, s in last.items()}
        entry["form_log_events"] = self.events(offsets)
        entry["auth_drops_after_form"] = drops_by_reason(self.statuses())
        entry["rss_after_form"] = {d.name: d.memory() for d in self.daemons if d.alive()}
        log(f"  formed: {entry['formed']} in {entry['form_from_last_start_s']} s after the last start; best "
            f"counts {best}; false deaths {entry['form_log_events']['total']}")
        return entry["formed"]

    def events(self, offsets, ends=None):
        per = {d.name: d.log_events(offsets[d.name], (ends or {}).get(d.name)) for d in self.daemons}
        tot = {k: sum(v[k] for v in per.values()) for k in ("node_dead", "link_dead", "frozen")}
        return {"total": tot, "per_node": per}

    def idle(self, entry):
        w = self.args.idle_window
        log(f"  idle window {w} s")
        offsets = {d.name: d.log_size() for d in self.daemons}
        drops0 = {n: total_drops(s) for n, s in self.statuses().items()}
        busy0, ours0, la0 = cpu_busy_jiffies(), self.our_cpu_jiffies(), loadavg()
        cpu0 = {d.name: proc_cpu_jiffies(d.pid) for d in self.daemons}
        threads0 = {d.name: thread_cpu(d.pid) for d in self.daemons}
        net0, t0 = self.lab.bridge_counters(), time.monotonic()
        lease = self.sample_leases(t0 + w)
        elapsed = time.monotonic() - t0
        net1 = self.lab.bridge_counters()
        cpu1 = {d.name: proc_cpu_jiffies(d.pid) for d in self.daemons}
        threads1 = {d.name: thread_cpu(d.pid) for d in self.daemons}
        busy = (cpu_busy_jiffies() - busy0) / CLK_TCK / elapsed
        ours = (self.our_cpu_jiffies() - ours0) / CLK_TCK / elapsed
        cpu = {n: (round(100.0 * (cpu1[n] - cpu0[n]) / CLK_TCK / elapsed, 2)
                   if cpu1[n] is not None and cpu0[n] is not None else None) for n in cpu0}
        vals = [v for v in cpu.values() if v is not None]
        sts = self.statuses()
        net = {k: round((net1[k] - net0[k]) / elapsed, 1) for k in net0}
        entry["idle"] = {
            "window_s": round(elapsed, 1), "loadavg_start": la0, "loadavg_end": loadavg(),
            "busy_cores": round(busy, 2), "ours_cores": round(ours, 2), "foreign_cores": round(max(0, busy - ours), 2),
            "cpu_pct_of_core": cpu, "cpu_pct_total": round(sum(vals), 2),
            "cpu_pct_per_node_mean": round(sum(vals) / len(vals), 2) if vals else None,
            "cpu_pct_per_node_max": max(vals) if vals else None,
            "cpu_by_thread": thread_profile(threads0, threads1, elapsed),
            "memory": {d.name: d.memory() for d in self.daemons if d.alive()},
            "bridge_per_s": net, "sent_packets_per_s_per_node": round(net["sent_packets"] / self.n, 1),
            "log_events": self.events(offsets),
            "auth_drops_in_window": {n: (total_drops(s) - drops0[n]) if s and drops0.get(n) is not None else None
                                     for n, s in sts.items()},
            "auth_drops_at_end": drops_by_reason(sts),
            "quorum_lease": lease,
            "formed_at_start": entry["formed"],
            "formed_at_end": bool(all(sts.values()) and self.formed(sts, self.names(), self.daemons))}
        i = entry["idle"]
        rss = [m["vmrss_mib"] for m in i["memory"].values()]
        log(f"  idle: CPU per node mean {i['cpu_pct_per_node_mean']} % (max {i['cpu_pct_per_node_max']}), total "
            f"{i['cpu_pct_total']} %; RSS {min(rss) if rss else '-'}-{max(rss) if rss else '-'} MiB; bridge "
            f"{net['sent_packets']} pkt/s, {net['sent_bytes']} B/s sent; false deaths {i['log_events']['total']}; "
            f"loadavg {i['loadavg_end']}")
        ql = i["quorum_lease"]
        log(f"  quorum lease (length {ql['length_ms']} ms): lowest remaining {ql['min_remaining_ms_all']} ms over "
            f"{ql['samples_per_node']} samples per node; samples not held {sum(ql['samples_not_held'].values())}")

    def sample_leases(self, until):
        """Until `until` (monotonic), every 0.25 s: each node's quorum lease (docs/leases.md) as its
        status shows it. The lowest remaining time seen is the margin a self-fence would have had;
        a sample with no lease held would have been a self-fence (the lease is not enforced yet)."""
        low, not_held, samples, length = {}, {}, 0, None
        for _ in range(int(max(0, until - time.monotonic()) / 0.25) + 1):
            if time.monotonic() >= until:
                break
            for n, st in self.statuses().items():
                q = (st or {}).get("quorum_lease")
                if not q:
                    continue
                length = q.get("length_ms", length)
                if q.get("held"):
                    low[n] = min(low.get(n, q["remaining_ms"]), q["remaining_ms"])
                else:
                    not_held[n] = not_held.get(n, 0) + 1
            samples += 1
            time.sleep(max(0.0, min(0.25, until - time.monotonic())))
        lows = list(low.values())
        return {"samples_per_node": samples, "length_ms": length, "min_remaining_ms": low,
                "min_remaining_ms_all": min(lows) if lows else None, "samples_not_held": not_held}

    def converged(self, sts, alive, names):
        """One owner per group, the same in every live node's view, running on that owner."""
        owners = {}
        for g in names:
            seen = set()
            for d in alive:
                go = groups_by_home(sts[d.name]).get(g)
                if not go or len(go.get("owners", [])) != 1:
                    return None
                seen.add(go["owners"][0])
            if len(seen) != 1:
                return None
            o = seen.pop()
            if o not in {d.name for d in alive} or groups_by_home(sts[o]).get(g, {}).get("phase") != "running":
                return None
            owners[g] = o
        return owners

    def partition(self, entry):
        names = self.names()
        half = self.n // 2
        halves = (list(range(1, half + 1)), list(range(half + 1, self.n + 1)))
        log(f"  partition {halves[0]} | {halves[1]}")
        offsets = {d.name: d.log_size() for d in self.daemons}
        net0 = self.lab.bridge_counters()
        t0 = time.time() * 1000
        self.lab.partition(halves)
        p = {"halves": [[node_name(i) for i in h] for h in halves]}
        # split: each side sees the other half dead
        end = time.monotonic() + self.args.partition_cap
        split_ms = None
        while time.monotonic() < end:
            sts = self.statuses()
            ok = True
            for h, other in ((halves[0], halves[1]), (halves[1], halves[0])):
                for i in h:
                    ns = node_states(sts[node_name(i)])
                    if not all(ns.get(node_name(j), {}).get("state") == "dead" for j in other):
                        ok = False
            if ok:
                split_ms = time.time() * 1000
                break
            time.sleep(0.2)
        p["split_seen_s"] = round((split_ms - t0) / 1000, 2) if split_ms else None
        time.sleep(self.args.partition_hold)
        sts = self.statuses()
        p["owners_while_split"] = {g: sorted({o for s in sts.values() if s
                                              for o in groups_by_home(s).get(g, {}).get("owners", [])})
                                   for g in names}
        t_heal = time.time() * 1000
        self.lab.heal()
        end = time.monotonic() + self.args.partition_cap
        healed_ms, owners = None, None
        while time.monotonic() < end:
            sts = self.statuses()
            if all(sts.values()) and all(view(s, names)[0] == self.n for s in sts.values()):
                owners = self.converged(sts, self.daemons, names)
                if owners:
                    healed_ms = time.time() * 1000
                    break
            time.sleep(0.2)
        net1 = self.lab.bridge_counters()
        p["converged_after_heal_s"] = round((healed_ms - t_heal) / 1000, 2) if healed_ms else None
        p["owners_after_heal"] = owners
        p["groups_not_at_home_after_heal"] = sorted(g for g, o in (owners or {}).items() if o != g)
        p["packets_split_and_heal"] = net1["sent_packets"] - net0["sent_packets"]
        p["bytes_split_and_heal"] = net1["sent_bytes"] - net0["sent_bytes"]
        p["duration_s"] = round((time.time() * 1000 - t0) / 1000, 1)
        p["log_events"] = self.events(offsets)
        if not healed_ms:
            p["last_view"] = {n: (view(s, names) if s else "not answering") for n, s in sts.items()}
        entry["partition"] = p
        log(f"  partition: split seen after {p['split_seen_s']} s, one owner per group {p['converged_after_heal_s']} s "
            f"after heal; {p['packets_split_and_heal']} packets; deaths logged {p['log_events']['total']}")

    def kill9(self, entry):
        names = self.names()
        victim = self.daemons[-1]
        survivors = self.daemons[:-1]
        # After a heal that did not converge the victim may already be dead in some views: those
        # `since` values predate the kill and say nothing about detection.
        before = self.statuses()
        not_up_before = sorted(d.name for d in survivors
                               if node_states(before[d.name]).get(victim.name, {}).get("state") != "up")
        net0 = self.lab.bridge_counters()
        t0 = time.time() * 1000
        os.kill(victim.pid, signal.SIGKILL)
        # A crashed machine takes its addresses with it; a killed process leaves its VIP on eth0,
        # where it would (rightly) fail the survivors' duplicate-address probe.
        self.lab.unplug(victim.i)
        k_unplug_ms = round(time.time() * 1000 - t0)
        victim.proc.wait(timeout=10)
        k = {"victim": victim.name, "unplugged_after_ms": k_unplug_ms, "victim_not_up_before_in": not_up_before,
             "cluster_settled_before": bool(all(before.values()) and not not_up_before
                                             and self.converged(before, self.daemons, names))}
        end = time.monotonic() + self.args.kill_cap
        detected, moved_ms, owners = {}, None, None
        while time.monotonic() < end:
            sts = self.statuses(survivors)
            for d in survivors:
                e = node_states(sts[d.name]).get(victim.name)
                if d.name not in detected and e and e.get("state") == "dead" and e.get("since"):
                    detected[d.name] = round(iso_ms(e["since"]) - t0)
            if len(detected) == len(survivors) and all(sts.values()):
                owners = self.converged(sts, survivors, names)
                if owners:
                    moved_ms = time.time() * 1000
                    break
            time.sleep(0.1)
        net1 = self.lab.bridge_counters()
        k["declared_dead_ms"] = detected
        k["declared_dead_by_all"] = len(detected) == len(survivors)
        fresh = [v for n, v in detected.items() if n not in not_up_before]
        k["declared_dead_max_ms"] = max(fresh) if fresh else None
        k["group_running_elsewhere_s"] = round((moved_ms - t0) / 1000, 2) if moved_ms else None
        k["new_owner"] = owners.get(victim.name) if owners else None
        k["other_groups_moved"] = sorted(g for g, o in (owners or {}).items() if g != victim.name and o != g)
        k["packets"] = net1["sent_packets"] - net0["sent_packets"]
        k["bytes"] = net1["sent_bytes"] - net0["sent_bytes"]
        entry["kill9"] = k
        log(f"  kill -9 {victim.name}: declared dead by {len(detected)}/{len(survivors)} "
            f"(max {k['declared_dead_max_ms']} ms), group on {k['new_owner']} after {k['group_running_elsewhere_s']} s")

    # ---------- one N

    def one_n(self, n):
        self.n = n
        self.lab = ScaleLab(n)
        entry = {"n": n, "link": self.args.link, "started": datetime.datetime.now(datetime.timezone.utc).isoformat(),
                 "loadavg_start": loadavg()}
        self.results["runs"].append(entry)
        try:
            self.lab.setup()
            self.daemons = [Daemon(self, i) for i in range(1, n + 1)]
            for d in self.daemons:
                d.configure()
            formed = self.form(entry)
            if self.args.settle:
                # the JVMs' warm-up (the compiler's work) out of the idle window
                log(f"  settling {self.args.settle} s before the idle window")
                time.sleep(self.args.settle)
            # not formed: the same window shows what the unformed cluster costs, and whether it
            # formed after the cap after all
            self.idle(entry)
            if not formed and entry["idle"]["formed_at_end"]:
                entry["formed_after_cap"] = True
                log("  formed after the cap (seen at the end of the window)")
            if formed or entry["idle"]["formed_at_end"]:
                if self.args.partition and time.monotonic() < self.deadline:
                    self.partition(entry)
                if time.monotonic() < self.deadline:
                    self.kill9(entry)
        except Exception as e:  # recorded, and the next N still runs
            entry["error"] = f"{type(e).__name__}: {e}"
            log(f"  error: {entry['error']}")
        finally:
            entry["loadavg_end"] = loadavg()
            gc = {d.name: d.gc_log_summary() for d in self.daemons}
            if any(gc.values()):
                entry["gc_log"] = gc
            self.registry.kill_all()
            self.lab.teardown()
            self.daemons = []
            self.write()

    def cleanup(self):
        if self.registry:
            self.registry.kill_all()
        if self.lab:
            self.lab.teardown()

    def prepare(self):
        os.makedirs(self.work, exist_ok=True)
        existing = run(["ip", "netns", "list"]).stdout.split()
        for ns in [HUB] + [NODE_NS.format(i) for i in range(1, MAX_NODES + 1)]:
            if ns in existing:
                log(f"removing stale namespace {ns}")
                run(["ip", "netns", "del", ns], check=False)
        for entry in os.listdir(self.work):
            path = os.path.join(self.work, entry)
            shutil.rmtree(path) if os.path.isdir(path) else os.unlink(path)
        self.registry = Registry(os.path.join(self.work, "pids"))

    def main(self):
        a = self.args
        java = run(["java", "-version"], check=False).stderr.strip().splitlines()
        self.results["meta"] = {
            "started": datetime.datetime.now(datetime.timezone.utc).isoformat(),
            "git": run(["git", "-C", self.repo, "describe", "--always", "--dirty"], check=False).stdout.strip(),
            "jar": os.path.basename(self.jar), "java": java[0] if java else "?", "kernel": platform.release(),
            "cpus": os.cpu_count(), "loadavg_start": loadavg(), "link": a.link,
            "timers": {"keepalive": a.keepalive, "deadtime": a.deadtime, "warntime": a.warntime,
                       "initdead": a.initdead, "realtime": a.realtime},
            "form_cap_s": a.form_cap, "idle_window_s": a.idle_window, "partition": a.partition,
            "last_joins_late": a.last_joins_late, "stagger_s": a.stagger, "settle_s": a.settle,
            "java_opts": a.java_opts}
        for n in [int(x) for x in a.nodes.split(",")]:
            if not 1 < n <= MAX_NODES:
                raise SystemExit(f"N must be 2..{MAX_NODES}, not {n}")
            if time.monotonic() > self.deadline:
                log(f"--max-minutes reached; N={n} not run")
                self.results["runs"].append({"n": n, "error": "not run: --max-minutes reached"})
                continue
            self.one_n(n)
        self.results["meta"]["finished"] = datetime.datetime.now(datetime.timezone.utc).isoformat()
        self.write()
        print(render(self.results))

    @property
    def out_md(self):
        return os.path.join(HERE, (self.args.out or "results") + ".md")

    def write(self):
        with open(self.out_md[:-3] + ".json", "w") as f:
            json.dump(self.results, f, indent=1)
        with open(self.out_md, "w") as f:
            f.write(render(self.results))


def render(r):
    m = r["meta"]
    t = m.get("timers", {})
    out = ["# Scale benchmark results", "",
           f"Written by `bench/scale/run.sh`. Started {m.get('started')}, finished {m.get('finished', '(incomplete)')}; "
           f"commit {m.get('git')}, {m.get('jar')}, {m.get('java')}, kernel {m.get('kernel')}, {m.get('cpus')} CPUs, "
           f"load average at start {m.get('loadavg_start')}.", "",
           f"Link {m.get('link')}; keepalive {t.get('keepalive')}, deadtime {t.get('deadtime')}, warntime "
           f"{t.get('warntime')}, initdead {t.get('initdead')}, realtime {t.get('realtime')}; "
           f"{start_mode(m)}; formation capped at {m.get('form_cap_s')} s; idle window {m.get('idle_window_s')} s.", "",
           "## Summary", "",
           "| N | formed | s after last start | best counts (min up / min at home / running at home) | "
           "false deaths forming (node/link) | idle false deaths (node/link) | frozen | CPU % per node mean (max) | "
           "CPU % total | VmRSS MiB min-max | bridge pkt/s sent | B/s sent | pkt/s per node | kill -9: dead by all, max ms | "
           "group elsewhere s | split+heal: one owner s | load avg start / end |",
           "|" + "---|" * 17]
    for e in r["runs"]:
        if "started" not in e:
            out.append(f"| {e['n']} | {e.get('error')} |" + " |" * 15)
            continue
        fe = e.get("form_log_events", {}).get("total", {})
        i = e.get("idle", {})
        ie = i.get("log_events", {}).get("total", {})
        b = e.get("form_best_counts", {})
        rss = [v["vmrss_mib"] for v in i.get("memory", {}).values()]
        k = e.get("kill9", {})
        p = e.get("partition", {})
        net = i.get("bridge_per_s", {})
        frozen = fe.get("frozen", 0) + ie.get("frozen", 0)
        out.append(
            f"| {e['n']} | {'yes' if e.get('formed') else 'after the cap' if e.get('formed_after_cap') else 'NOT FORMED'} | {e.get('form_from_last_start_s')} | "
            f"{b.get('min_up')}/{b.get('min_at_home')}/{b.get('running_at_home')} of {e['n']} | "
            f"{fe.get('node_dead')}/{fe.get('link_dead')} | {ie.get('node_dead')}/{ie.get('link_dead')} | {frozen} | "
            f"{i.get('cpu_pct_per_node_mean')} ({i.get('cpu_pct_per_node_max')}) | {i.get('cpu_pct_total')} | "
            f"{(str(min(rss)) + '-' + str(max(rss))) if rss else '-'} | {net.get('sent_packets')} | "
            f"{net.get('sent_bytes')} | {i.get('sent_packets_per_s_per_node')} | "
            f"{k.get('declared_dead_by_all', '-')}, {k.get('declared_dead_max_ms', '-')} | "
            f"{k.get('group_running_elsewhere_s', '-')} | {p.get('converged_after_heal_s', '-') if p else '-'} | "
            f"{e.get('loadavg_start')} / {e.get('loadavg_end')} |")
    out += ["", "`after the cap`: not formed within the cap, but formed when the window after it ended. For "
                "a run not formed at the cap the CPU, RSS and traffic columns are of the window after the cap, "
                "not of an idle cluster.", "", "## Every run", ""]
    for e in r["runs"]:
        out += [f"### N = {e['n']}", "", "```json", json.dumps(e, indent=1), "```", ""]
    return "\n".join(out) + "\n"


def start_mode(m):
    late = m.get("last_joins_late")
    if m.get("stagger_s"):
        return (f"{'N-1' if late else 'all'} daemons started {m['stagger_s']} s apart"
                + (", the last 15 s after they had formed" if late else ""))
    return "N-1 daemons started at once, the last 15 s after they had formed" if late else "all daemons started at once"


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repo", required=True)
    ap.add_argument("--jar", required=True)
    ap.add_argument("--nodes", default="2,4,8,16", help="comma-separated cluster sizes (each 2..32)")
    ap.add_argument("--link", choices=("bcast", "mcast", "ucast"), default="bcast")
    ap.add_argument("--keepalive", default="100ms")
    ap.add_argument("--deadtime", default="500ms")
    ap.add_argument("--warntime", default="300ms")
    ap.add_argument("--initdead", default="5s")
    ap.add_argument("--realtime", choices=("on", "off"), default="on")
    ap.add_argument("--form-cap", type=float, default=90, help="seconds to wait for formation")
    ap.add_argument("--idle-window", type=float, default=30, help="seconds of the idle CPU/traffic window")
    ap.add_argument("--settle", type=float, default=0, help="seconds to wait between formation and the idle window")
    ap.add_argument("--last-joins-late", action="store_true",
                    help="start N-1 daemons, wait until they have formed and 15 s more, then start the last one: "
                         "formation is then timed from that last start (a node booting into a running cluster)")
    ap.add_argument("--java-opts", default="",
                    help="extra JVM options for every daemon (LIFELINE_JAVA_OPTS); {dir} is the node's directory")
    ap.add_argument("--stagger", type=float, default=0,
                    help="seconds between one daemon's start and the next (default 0: all at once); formation "
                         "is timed from the last start")
    ap.add_argument("--partition", action=argparse.BooleanOptionalAction, default=True,
                    help="split into halves with nftables and heal (default on)")
    ap.add_argument("--partition-hold", type=float, default=5, help="seconds to stay split once both sides see it")
    ap.add_argument("--partition-cap", type=float, default=60, help="seconds to wait for the split / the heal")
    ap.add_argument("--kill-cap", type=float, default=60, help="seconds to wait after kill -9")
    ap.add_argument("--max-minutes", type=float, default=60, help="no new phase or N starts after this")
    ap.add_argument("--debug-log", action="store_true",
                    help="ha.cf debug 2: JGroups' join, view and merge decisions into each node's debug.log")
    ap.add_argument("--out", default="", help="results file name without extension (default results)")
    return ap.parse_args()


def main():
    return run_driver(Bench(parse_args()))


if __name__ == "__main__":
    sys.exit(main())
