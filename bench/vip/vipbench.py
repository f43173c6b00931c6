#!/usr/bin/env python3
"""Lifeline VIP benchmark (issue 4). Run it through run.sh.

Measures the time from the VIP agent's start on a node to the first answer a client gets from the
virtual IP through that node, median of repeated runs: a fresh start (the client has no neighbour
entry), a takeover (the VIP was on the other node and the client's entry is REACHABLE with that
node's MAC; default duplicate-address probe) and a handover (planned move, no probe), for IPv4
(gratuitous ARP) and IPv6 (unsolicited neighbour advertisement), plus variations of the probe
options and the first start in a fresh JVM.

The agent runs in one warm JVM per node (VipDriver.java, with bin/hactl's daemon JVM flags) that
takes commands on stdin. The client (`vipbench.py probe`, in ll-vbcl) sends an ICMP echo request to
the VIP every millisecond and records, with the kernel's receive timestamps, every echo reply and the
Ethernet source address it came from, every ARP / neighbour discovery frame about the VIP, and every
change of its own neighbour entry (rtnetlink). Namespaces: ll-vbhub (bridge), ll-vbn1, ll-vbn2,
ll-vbcl. See README.md.
"""

import argparse
import datetime
import ipaddress
import json
import os
import platform
import random
import re
import select
import shutil
import signal
import socket
import struct
import subprocess
import sys
import time
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from benchlib import log, run, nsexec, loadavg, cpu_busy_jiffies, proc_cpu_jiffies, med_range, Registry  # noqa: E402  (bench/benchlib.py)


HUB, CLIENT = "ll-vbhub", "ll-vbcl"
NODES = {"n1": "ll-vbn1", "n2": "ll-vbn2"}
NAMESPACES = (HUB, NODES["n1"], NODES["n2"], CLIENT)
MAC = {"n1": "02:00:00:00:00:11", "n2": "02:00:00:00:00:12", "client": "02:00:00:00:00:50"}
ADDR4 = {"n1": "198.51.100.11/24", "n2": "198.51.100.12/24", "client": "198.51.100.50/24"}
ADDR6 = {"n1": "2001:db8::11/64", "n2": "2001:db8::12/64", "client": "2001:db8::50/64"}
VIP = {"v4": "198.51.100.10", "v6": "2001:db8::10"}
WORD = {"v4": "IPaddr2::198.51.100.10/24/eth0", "v6": "IPv6addr::2001:db8::10/64/eth0"}
AGENT_TIMEOUT_S = 20  # VipDriver's action timeout; the driver answers within it
NOISY_FOREIGN_CORES = 0.5

# name, family, kind, action on the new node, agent options (after the word), what it is
SETS = [
    ("fresh-v4", "v4", "fresh", "start", "", "fresh start, client has no neighbour entry"),
    ("takeover-v4", "v4", "failover", "start", "", "takeover: old owner stopped, new one probes, adds, announces"),
    ("handover-v4", "v4", "failover", "start-handover", "", "handover: planned move, no probe"),
    ("fresh-v6", "v6", "fresh", "start", "", "fresh start, client has no neighbour entry"),
    ("takeover-v6", "v6", "failover", "start", "", "takeover: old owner stopped, new one probes, adds, announces"),
    ("handover-v6", "v6", "failover", "start-handover", "", "handover: planned move, no probe"),
    ("takeover-v4-dad1x10", "v4", "failover", "start", "dad_count=1::dad_interval=10ms",
     "takeover, probe 1 x 10 ms (the minimum)"),
    ("takeover-v4-dad1x25", "v4", "failover", "start", "dad_count=1::dad_interval=25ms",
     "takeover, probe 1 x 25 ms"),
    ("takeover-v4-dad3x100", "v4", "failover", "start", "dad_count=3::dad_interval=100ms",
     "takeover, probe 3 x 100 ms"),
]

CLK_TCK = os.sysconf("SC_CLK_TCK")

# Linux constants the socket module does not export everywhere
ETH_P_ALL, ETH_P_IP, ETH_P_ARP, ETH_P_IPV6 = 0x0003, 0x0800, 0x0806, 0x86DD
PACKET_OUTGOING = 4
SO_TIMESTAMPNS = 35
ICMP_FILTER = 1  # level SOL_RAW (255)
SOL_RAW = 255
ICMP6_FILTER = 1
RTMGRP_NEIGH = 4
RTM_NEWNEIGH, RTM_DELNEIGH = 28, 29
NDA_DST, NDA_LLADDR = 1, 2
NUD = {0x01: "INCOMPLETE", 0x02: "REACHABLE", 0x04: "STALE", 0x08: "DELAY", 0x10: "PROBE", 0x20: "FAILED",
       0x40: "NOARP", 0x80: "PERMANENT", 0x00: "NONE"}


def now_us():
    return time.time_ns() // 1000


def mac_str(b):
    return ":".join(f"{x:02x}" for x in b)


# ---------------------------------------------------------------------------------------------
# The client's prober: runs inside ll-vbcl as `vipbench.py probe`, one process for the whole run,
# one window per measured run.

class Prober:
    def __init__(self, interval_ms):
        self.interval = interval_ms / 1000
        self.ident = os.getpid() & 0xFFFF
        self.pkt = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
        self.pkt.bind(("eth0", ETH_P_ALL))
        self.pkt.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
        self.pkt.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
        self.pkt.setblocking(False)
        self.nl = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
        self.nl.bind((0, RTMGRP_NEIGH))
        self.nl.setblocking(False)
        # send-only ICMP sockets: filter out every ICMP type so their receive queues stay empty
        self.icmp4 = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
        self.icmp4.setsockopt(SOL_RAW, ICMP_FILTER, struct.pack("I", 0xFFFFFFFF))
        self.icmp6 = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
        self.icmp6.setsockopt(socket.IPPROTO_ICMPV6, ICMP6_FILTER, b"\xff" * 32)
        for s in (self.icmp4, self.icmp6):
            s.setblocking(False)

    @staticmethod
    def checksum(data):
        if len(data) % 2:
            data += b"\0"
        s = sum(struct.unpack(f"!{len(data) // 2}H", data))
        while s >> 16:
            s = (s & 0xFFFF) + (s >> 16)
        return ~s & 0xFFFF

    def echo(self, fam, vip, seq):
        payload = struct.pack("!Q", time.time_ns())
        if fam == "v4":
            hdr = struct.pack("!BBHHH", 8, 0, 0, self.ident, seq & 0xFFFF)
            c = self.checksum(hdr + payload)
            self.icmp4.sendto(struct.pack("!BBHHH", 8, 0, c, self.ident, seq & 0xFFFF) + payload, (vip, 0))
        else:  # the kernel fills in the ICMPv6 checksum
            self.icmp6.sendto(struct.pack("!BBHHH", 128, 0, 0, self.ident, seq & 0xFFFF) + payload, (vip, 0, 0, 0))

    def drain(self):
        for s in (self.pkt, self.nl):
            for _ in range(100000):
                try:
                    s.recv(65536)
                except BlockingIOError:
                    break

    def classify(self, frame, outgoing, fam, vip_b):
        """(kind, detail) for frames that matter, else None."""
        if len(frame) < 14:
            return None
        etype = struct.unpack("!H", frame[12:14])[0]
        p = frame[14:]
        if etype == ETH_P_ARP and len(p) >= 28 and fam == "v4":
            op = struct.unpack("!H", p[6:8])[0]
            spa, tpa = p[14:18], p[24:28]
            if outgoing:
                return ("client-arp-request", "") if op == 1 and tpa == vip_b else None
            if spa == b"\0\0\0\0" and tpa == vip_b:
                return "dad-probe", ""
            if spa == vip_b:
                return ("announce-request" if op == 1 else "announce-reply" if op == 2 else f"arp-op{op}"), ""
            return None
        if etype == ETH_P_IP and len(p) >= 20 and fam == "v4":
            ihl = (p[0] & 0x0F) * 4
            if p[9] != 1 or outgoing or len(p) < ihl + 8 or p[12:16] != vip_b:
                return None
            typ, _, _, ident, seq = struct.unpack("!BBHHH", p[ihl:ihl + 8])
            return ("reply", seq) if typ == 0 and ident == self.ident else None
        if etype == ETH_P_IPV6 and len(p) >= 48 and fam == "v6" and p[6] == 58:
            src, icmp = p[8:24], p[40:]
            typ = icmp[0]
            if typ == 129 and not outgoing and src == vip_b:
                ident, seq = struct.unpack("!HH", icmp[4:8])
                return ("reply", seq) if ident == self.ident else None
            if typ in (135, 136) and len(icmp) >= 24 and icmp[8:24] == vip_b:
                if typ == 135:
                    if outgoing:
                        return "client-ns", ""
                    return ("dad-probe", "") if src == b"\0" * 16 else ("ns", "")
                if not outgoing:
                    flags = icmp[4]
                    return "na", ("R" if flags & 0x80 else "") + ("S" if flags & 0x40 else "") + \
                        ("O" if flags & 0x20 else "")
        return None

    def read_frames(self, fam, vip_b, out):
        for _ in range(10000):
            try:
                data, anc, _flags, addr = self.pkt.recvmsg(2048, socket.CMSG_SPACE(16))
            except BlockingIOError:
                return
            ts = None
            for level, typ, cdata in anc:
                if level == socket.SOL_SOCKET and typ == SO_TIMESTAMPNS and len(cdata) >= 16:
                    sec, nsec = struct.unpack("qq", cdata[:16])
                    ts = sec * 1_000_000 + nsec // 1000
            user = now_us()
            if ts is None:
                ts = user
            c = self.classify(data, addr[2] == PACKET_OUTGOING, fam, vip_b)
            if c is None:
                continue
            kind, detail = c
            src = mac_str(data[6:12])
            if kind == "reply":
                out["replies"].append([ts, src, detail])
                out["stamp_lag_us"] = max(out.get("stamp_lag_us", 0), user - ts)
            else:
                out["wire"].append([ts, src, kind, detail])

    def read_neigh(self, vip, out):
        for _ in range(1000):
            try:
                data = self.nl.recv(65536)
            except BlockingIOError:
                return
            t = now_us()
            off = 0
            while off + 16 <= len(data):
                length, typ = struct.unpack("=IH", data[off:off + 6])
                if length < 16:
                    break
                if typ in (RTM_NEWNEIGH, RTM_DELNEIGH) and length >= 28:
                    state = struct.unpack("=H", data[off + 24:off + 26])[0]
                    dst, ll = None, None
                    a = off + 28
                    while a + 4 <= off + length:
                        alen, atyp = struct.unpack("=HH", data[a:a + 4])
                        if alen < 4:
                            break
                        val = data[a + 4:a + alen]
                        if atyp == NDA_DST:
                            dst = str(ipaddress.ip_address(val))
                        elif atyp == NDA_LLADDR:
                            ll = mac_str(val)
                        a += (alen + 3) & ~3
                    if dst == vip:
                        out["neigh"].append([t, "del" if typ == RTM_DELNEIGH else NUD.get(state, hex(state)), ll])
                off += (length + 3) & ~3

    def window(self, fam, vip, new_mac, max_ms, linger_ms):
        """Probes until LINGER_MS after the first reply from NEW_MAC, at most MAX_MS."""
        vip_b = ipaddress.ip_address(vip).packed
        self.drain()
        out = {"start_us": now_us(), "sent": 0, "send_errors": 0, "send_error": "", "sends": [], "replies": [],
               "wire": [], "neigh": []}
        mono0 = time.monotonic()
        deadline = mono0 + max_ms / 1000
        next_send = mono0
        done_at = None
        seq = 0
        while True:
            mono = time.monotonic()
            if mono >= deadline or (done_at is not None and mono >= done_at):
                break
            if mono >= next_send:
                # stamped before the call: on veths the whole round trip can happen inside sendto()
                out["sends"].append([seq, now_us()])
                try:
                    self.echo(fam, vip, seq)
                except OSError as e:  # e.g. EHOSTUNREACH once the neighbour entry FAILED
                    out["send_errors"] += 1
                    out["send_error"] = f"{type(e).__name__} errno {e.errno}"
                if seq == 0:
                    print("started", flush=True)
                seq += 1
                next_send += self.interval
                if next_send < mono:  # fell behind (loaded box): do not burst
                    next_send = mono + self.interval
            wait = max(0.0, min(next_send, deadline) - time.monotonic())
            ready, _, _ = select.select([self.pkt, self.nl], [], [], wait)
            if self.nl in ready:  # first: its time is taken on receipt, the frames carry their own
                self.read_neigh(vip, out)
            if self.pkt in ready:
                self.read_frames(fam, vip_b, out)
            if done_at is None and any(r[1] == new_mac for r in out["replies"][-5:]):
                done_at = time.monotonic() + linger_ms / 1000
        time.sleep(0.002)  # frames in flight
        self.read_frames(fam, vip_b, out)
        self.read_neigh(vip, out)
        out["sent"] = seq
        out["end_us"] = now_us()
        return out


def probe_main(args):
    prober = Prober(args.interval_ms)
    print("ready", flush=True)
    end = time.monotonic() + args.max_minutes * 60
    for _ in range(100000):
        if time.monotonic() > end:
            break
        ready, _, _ = select.select([sys.stdin], [], [], max(0.0, end - time.monotonic()))
        if not ready:
            break
        line = sys.stdin.readline()
        if not line:
            break
        w = line.split()
        if not w:
            continue
        if w[0] == "quit":
            break
        if w[0] == "probe" and len(w) == 6:
            res = prober.window(w[1], w[2], w[3], min(float(w[4]), 10000), min(float(w[5]), 1000))
            print(json.dumps(res, separators=(",", ":")), flush=True)
        else:
            print(json.dumps({"error": f"bad command {line.strip()!r}"}), flush=True)
    return 0


# ---------------------------------------------------------------------------------------------
# Process bookkeeping and line-oriented children

class LineChild:
    """A child speaking one line per answer on stdout; every read has a deadline."""

    def __init__(self, registry, what, cmd, stderr_path, env=None):
        self.what = what
        self.err = open(stderr_path, "a")
        self.proc = registry.add(subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                                  stderr=self.err, env=env, start_new_session=True), what)
        self.buf = b""

    def send(self, line):
        self.proc.stdin.write((line + "\n").encode())
        self.proc.stdin.flush()

    def readline(self, timeout):
        deadline = time.monotonic() + timeout
        fd = self.proc.stdout.fileno()
        while b"\n" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise RuntimeError(f"{self.what}: no answer within {timeout} s")
            r, _, _ = select.select([fd], [], [], left)
            if r:
                chunk = os.read(fd, 1 << 20)
                if not chunk:
                    raise RuntimeError(f"{self.what} exited ({self.proc.poll()}); see its log")
                self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return line.decode()

    def close(self, timeout=10):
        if self.proc.poll() is None:
            try:
                self.send("quit")
                self.proc.wait(timeout=timeout)
            except (OSError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait(timeout=5)
        self.err.close()


class Driver(LineChild):
    """VipDriver in a node's namespace: one JVM, the daemon's flags, agents created once."""

    def __init__(self, bench, node):
        self.node = node
        logs = os.path.join(bench.work, "logs")
        conf = os.path.join(bench.work, f"logback-{node}.xml")
        with open(conf, "w") as f:
            f.write(f"""<configuration>
  <statusListener class="ch.qos.logback.core.status.NopStatusListener"/>
  <appender name="FILE" class="ch.qos.logback.core.FileAppender">
    <file>{logs}/{node}-agent.log</file>
    <encoder><pattern>%d{{HH:mm:ss.SSS}} %-5level [%thread] %logger{{0}}: %msg%n</pattern></encoder>
  </appender>
  <root level="INFO"><appender-ref ref="FILE"/></root>
</configuration>
""")
        bench.jvm_starts += 1
        # GC pauses go to a file (wall-clock ms), so a slow run can be checked against them
        self.gc_log = os.path.join(logs, f"{node}-gc-{bench.jvm_starts}.log")
        cmd = (["ip", "netns", "exec", NODES[node], "env", "MALLOC_ARENA_MAX=2", "java"] + bench.jvm_flags
               + [f"-Xlog:gc:file={self.gc_log}:timemillis", f"-Dlogback.configurationFile={conf}",
                  "-cp", f"{bench.jar}:{bench.classes}", "VipDriver"])
        super().__init__(bench.registry, f"driver-{node}", cmd, os.path.join(logs, f"{node}-driver.log"))
        self.started = time.monotonic()
        line = self.readline(120)
        if line != "ready":
            raise RuntimeError(f"driver {node}: unexpected {line!r}")
        self.ready_s = time.monotonic() - self.started
        self.agents = {}  # name -> family

    def agent(self, name, fam, word):
        if name in self.agents:
            return
        self.send(f"agent {name} {word}")
        line = self.readline(30)
        if line != f"ok agent {name}":
            raise RuntimeError(f"driver {self.node}: cannot create {word}: {line}")
        self.agents[name] = fam

    def act(self, action, name):
        """Runs an action; returns dict(before_us, after_us, elapsed_ms, code, message)."""
        self.send(f"{action} {name}")
        line = self.readline(AGENT_TIMEOUT_S + 10)
        m = re.match(r"done (\S+) (\S+) (\d+) (\d+) (\d+) (\d+) ?(.*)$", line)
        if not m:
            raise RuntimeError(f"driver {self.node}: {action} {name}: {line}")
        return {"before_us": int(m.group(3)), "after_us": int(m.group(4)), "elapsed_ms": int(m.group(5)) / 1e6,
                "code": int(m.group(6)), "message": m.group(7)}

    def settle(self, name):
        self.send(f"settle {name}")
        line = self.readline(AGENT_TIMEOUT_S + 10)
        if not line.startswith(f"ok settle {name}"):
            raise RuntimeError(f"driver {self.node}: settle {name}: {line}")

    def gc_pause_ms(self, from_us, to_us):
        """Total GC pause time of this JVM overlapping [from_us, to_us] (wall clock)."""
        total = 0.0
        try:
            with open(self.gc_log) as f:
                for line in f:
                    m = re.match(r"\[(\d+)ms\].*Pause.* ([\d.]+)ms\s*$", line)
                    if m:
                        end, dur = int(m.group(1)) * 1000, float(m.group(2))
                        start = end - dur * 1000
                        overlap = min(end, to_us) - max(start, from_us)
                        if overlap > 0:
                            total += overlap / 1000
        except OSError:
            return None
        return round(total, 2)

    def cmdline(self):
        try:
            with open(f"/proc/{self.proc.pid}/cmdline") as f:
                return f.read().split("\0")[:-1]
        except OSError:
            return []


def daemon_jvm_flags(repo):
    """The JVM flags of `bin/hactl daemon`, read from the launcher itself so they cannot drift."""
    with open(os.path.join(repo, "bin", "hactl")) as f:
        text = f.read().replace("\\\n", " ")
    m = re.search(r"\n\s*daemon\)(.*?);;", text, re.S)
    if not m:
        raise RuntimeError("bin/hactl: no daemon) case found")
    m2 = re.search(r'exec "\$java_bin" \$native_access (.*?) \$LIFELINE_JAVA_OPTS', m.group(1), re.S)
    if not m2:
        raise RuntimeError("bin/hactl: cannot read the daemon's JVM flags")
    flags = m2.group(1).split()
    if run(["java", "--enable-native-access=ALL-UNNAMED", "-version"], check=False).returncode == 0:
        flags = ["--enable-native-access=ALL-UNNAMED"] + flags
    return flags


# ---------------------------------------------------------------------------------------------
# Lab

class Lab:
    def __init__(self):
        self.created = []

    def setup(self):
        for ns in NAMESPACES:
            run(["ip", "netns", "add", ns])
            self.created.append(ns)
            nsexec(ns, ["ip", "link", "set", "lo", "up"])
            # no tentative (DAD) link-local addresses: the lab is usable at once
            nsexec(ns, ["sysctl", "-q", "-w", "net.ipv6.conf.all.accept_dad=0", "net.ipv6.conf.default.accept_dad=0"])
        nsexec(HUB, ["sh", "-c", "ip link add br0 type bridge mcast_snooping 0 && ip link set br0 up"])
        for who in ("n1", "n2", "client"):
            ns = NODES.get(who, CLIENT)
            hub_side = f"v-{who}"
            run(["ip", "link", "add", "llvbtmp", "netns", ns, "type", "veth", "peer", "name", hub_side,
                 "netns", HUB])
            nsexec(ns, ["sh", "-c", f"ip link set llvbtmp name eth0 && ip link set eth0 address {MAC[who]} && "
                                    f"ip addr add {ADDR4[who]} brd + dev eth0 && "
                                    f"ip addr add {ADDR6[who]} dev eth0 nodad && ip link set eth0 up"])
            nsexec(HUB, ["sh", "-c", f"ip link set {hub_side} master br0 && ip link set {hub_side} up"])
        # without the announcements the client would keep the old MAC for 30 to 90 minutes; with a
        # reachable time this long a REACHABLE entry cannot expire during a run
        nsexec(CLIENT, ["sysctl", "-q", "-w", "net.ipv4.neigh.eth0.base_reachable_time_ms=3600000",
                        "net.ipv6.neigh.eth0.base_reachable_time_ms=3600000"])

    def teardown(self):
        for ns in reversed(self.created):
            run(["ip", "netns", "del", ns], check=False)
        self.created.clear()


def vip_on(node, fam):
    p = run(["ip", "-n", NODES[node], "-o", "-4" if fam == "v4" else "-6", "addr", "show", "dev", "eth0"], check=False)
    return f" {VIP[fam]}/" in p.stdout


def client_neighbour(fam):
    """(MAC, STATE) of the client's entry for the VIP, or (None, None)."""
    p = run(["ip", "-n", CLIENT, "-4" if fam == "v4" else "-6", "neigh", "show", VIP[fam], "dev", "eth0"],
            check=False)
    m = re.search(r"lladdr (\S+) .*?(\w+)\s*$", p.stdout.strip())
    if m:
        return m.group(1), m.group(2)
    m = re.search(r"(\w+)\s*$", p.stdout.strip())
    return None, (m.group(1) if m else None)


def forget_neighbour(fam):
    for _ in range(3):
        run(["ip", "-n", CLIENT, "-4" if fam == "v4" else "-6", "neigh", "del", VIP[fam], "dev", "eth0"], check=False)
        if client_neighbour(fam) == (None, None):
            return
        time.sleep(0.05)
    raise RuntimeError(f"client: cannot delete the neighbour entry for {VIP[fam]}: {client_neighbour(fam)}")


# ---------------------------------------------------------------------------------------------
# The benchmark

class Bench:
    def __init__(self, args):
        self.args = args
        self.repo = os.path.abspath(args.repo)
        self.jar = os.path.abspath(args.jar)
        self.here = os.path.dirname(os.path.abspath(__file__))
        self.work = os.path.join(self.here, "work")
        self.classes = os.path.join(self.work, "classes")
        self.registry = None
        self.lab = Lab()
        self.drivers = {}
        self.prober = None
        self.results = {"sets": [], "cold": None}
        self.deadline = time.monotonic() + args.max_minutes * 60
        self.holder = {"v4": None, "v6": None}  # (node, agent name) holding each VIP
        self.jvm_starts = 0

    # ---------- setup and teardown

    def prepare(self):
        for d in ("logs", "runs"):
            shutil.rmtree(os.path.join(self.work, d), ignore_errors=True)
            os.makedirs(os.path.join(self.work, d))
        pidfile = os.path.join(self.work, "pids")
        if os.path.exists(pidfile):
            os.unlink(pidfile)
        self.registry = Registry(pidfile)
        for ns in NAMESPACES:
            run(["ip", "netns", "del", ns], check=False)  # leftovers of an interrupted run
        src = os.path.join(self.here, "VipDriver.java")
        cls = os.path.join(self.classes, "VipDriver.class")
        if (not os.path.exists(cls) or os.path.getmtime(cls) < os.path.getmtime(src)
                or os.path.getmtime(cls) < os.path.getmtime(self.jar)):
            os.makedirs(self.classes, exist_ok=True)
            run(["javac", "-cp", self.jar, "-d", self.classes, src], timeout=120)
        self.jvm_flags = daemon_jvm_flags(self.repo)
        self.lab.setup()
        self.prober = LineChild(self.registry, "prober",
                                ["ip", "netns", "exec", CLIENT, sys.executable, os.path.abspath(__file__), "probe",
                                 "--interval-ms", str(self.args.probe_interval_ms),
                                 "--max-minutes", str(self.args.max_minutes)],
                                os.path.join(self.work, "logs", "prober.log"))
        if self.prober.readline(30) != "ready":
            raise RuntimeError("prober did not start")

    def cleanup(self):
        for d in list(self.drivers.values()):
            try:
                d.close(timeout=5)
            except Exception:  # noqa: BLE001 - cleanup goes on; kill_all below ends it anyway
                pass
        if self.prober:
            try:
                self.prober.close(timeout=5)
            except Exception:  # noqa: BLE001
                pass
        if self.registry:
            self.registry.kill_all()
        self.lab.teardown()

    def check_time(self):
        if time.monotonic() > self.deadline:
            raise RuntimeError(f"--max-minutes {self.args.max_minutes} exceeded")

    def start_driver(self, node):
        old = self.drivers.pop(node, None)
        if old:
            old.close()
        d = Driver(self, node)
        self.drivers[node] = d
        for fam in VIP:
            d.agent(fam, fam, WORD[fam])
        for name, fam, _kind, _action, options, _text in SETS:
            if options:
                d.agent(name, fam, WORD[fam] + "::" + options)
        return d

    # ---------- CPU accounting (as bench/detection)

    def our_cpu_jiffies(self):
        t = os.times()
        own = (t.user + t.system + t.children_user + t.children_system) * CLK_TCK
        live = {}
        for p, _ in self.registry.procs:
            if p.poll() is None:
                j = proc_cpu_jiffies(p.pid, with_children=True)
                if j is not None:
                    live[p.pid] = j
        return own, live

    def load_start(self):
        return {"t": time.monotonic(), "busy": cpu_busy_jiffies(), "ours": self.our_cpu_jiffies(),
                "loadavg": loadavg()}

    def load_end(self, start):
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
        return {"loadavg_start": start["loadavg"], "loadavg_end": loadavg(), "busy_cores": round(busy, 2),
                "ours_cores": round(ours_cores, 2), "foreign_cores": round(max(0.0, busy - ours_cores), 2),
                "seconds": round(elapsed, 1)}

    # ---------- VIP placement between runs (not measured)

    def release(self, fam):
        h = self.holder[fam]
        if h:
            r = self.drivers[h[0]].act("stop", h[1])
            if r["code"] != 0:
                raise RuntimeError(f"stop on {h[0]}: {r}")
            self.holder[fam] = None
        for n in NODES:
            if vip_on(n, fam):
                raise RuntimeError(f"{VIP[fam]} still on {n} after release")

    def place(self, fam, node, agent):
        """The VIP on NODE (through AGENT) and nowhere else, announcements finished."""
        h = self.holder[fam]
        if h != (node, agent):
            self.release(fam)
            r = self.drivers[node].act("start-handover", agent)
            if r["code"] != 0:
                raise RuntimeError(f"start on {node}: {r}")
            self.holder[fam] = (node, agent)
        self.drivers[node].settle(agent)
        other = "n2" if node == "n1" else "n1"
        if not vip_on(node, fam) or vip_on(other, fam):
            raise RuntimeError(f"{VIP[fam]}: expected on {node} only")

    def client_entry_for(self, fam, node):
        """A REACHABLE client neighbour entry for the VIP with NODE's MAC (deleted, then one ping)."""
        forget_neighbour(fam)
        ping = ["ip", "netns", "exec", CLIENT, "ping", "-c", "1", "-W", "1", "-n", "-q"]
        if fam == "v6":
            ping.insert(5, "-6")
        for _ in range(3):
            started = now_us()
            run(ping + [VIP[fam]], check=False, timeout=5)
            mac, state = client_neighbour(fam)
            if mac == MAC[node] and state == "REACHABLE":
                return started  # the entry was set after this (by the ping's ARP / ND exchange)
        raise RuntimeError(f"client entry for {VIP[fam]} is {client_neighbour(fam)}, wanted {MAC[node]} REACHABLE")

    # ---------- one measured run

    def measure(self, fam, kind, action, agent, new, old, max_ms):
        """Fresh: NEW starts the VIP that nobody holds. Failover: OLD stops it, then NEW starts it."""
        self.check_time()
        learned = None
        if kind == "fresh":
            self.release(fam)
            forget_neighbour(fam)
        else:
            self.place(fam, old, agent)
            learned = self.client_entry_for(fam, old)
        pre_mac, pre_state = client_neighbour(fam)
        self.prober.send(f"probe {fam} {VIP[fam]} {MAC[new]} {max_ms} {self.args.linger_ms}")
        line = self.prober.readline(10)
        if line != "started":
            raise RuntimeError(f"prober: {line}")
        time.sleep((self.args.pre_ms + random.random()) / 1000)  # random: no phase lock with the 1 ms probes
        stop = None
        if kind == "failover":
            stop = self.drivers[old].act("stop", agent)
            self.holder[fam] = None
        res = self.drivers[new].act(action, agent)
        if res["code"] == 0:
            self.holder[fam] = (new, agent)
        win = json.loads(self.prober.readline(max_ms / 1000 + 15))
        post_mac, post_state = client_neighbour(fam)
        x = self.analyse(fam, kind, new, old, res, stop, win, (pre_mac, pre_state), (post_mac, post_state))
        x["gc_pause_ms"] = self.drivers[new].gc_pause_ms(res["before_us"], res["after_us"])
        if learned is not None and x["announce_ms"] is not None:
            # at most this long before the first announcement the client's entry was set (by the ping)
            x["entry_age_at_announce_ms"] = round(x["announce_ms"] + (res["before_us"] - learned) / 1000, 1)
        return x

    def analyse(self, fam, kind, new, old, res, stop, win, pre, post):
        t0 = res["before_us"]

        def rel(t):
            return round((t - t0) / 1000, 2) if t is not None else None

        new_mac, old_mac = MAC[new], MAC[old] if old else None
        new_replies = [r for r in win["replies"] if r[1] == new_mac]
        first_new = min((r[0] for r in new_replies), default=None)
        old_replies = [r[0] for r in win["replies"] if old_mac and r[1] == old_mac]
        stray = [r for r in win["replies"] if r[1] not in (new_mac, old_mac)]
        wire_new = [w for w in win["wire"] if w[1] == new_mac]
        probes = [w[0] for w in wire_new if w[2] == "dad-probe"]
        announces = [w for w in wire_new if w[2] in ("announce-request", "announce-reply", "na")]
        neigh_new = [n[0] for n in win["neigh"] if n[2] == new_mac]
        client_solicits = [w[0] for w in win["wire"] if w[2] in ("client-arp-request", "client-ns")]
        x = {
            "node": new, "from": old, "t0_utc": datetime.datetime.fromtimestamp(t0 / 1e6, datetime.timezone.utc)
            .isoformat()[11:23], "code": res["code"], "message": res["message"],
            "agent_ms": round(res["elapsed_ms"], 2),
            "returned_ms": rel(res["after_us"]),
            "reach_ms": rel(first_new),
            "dad_probe_ms": rel(min(probes, default=None)), "dad_probes": len(probes),
            "announce_ms": rel(min((a[0] for a in announces), default=None)),
            "announce_kind": min(announces)[2] + (f" {min(announces)[3]}" if min(announces)[3] else "")
            if announces else None,
            "announcements_seen": len(announces),
            "neigh_switch_ms": rel(min(neigh_new, default=None)),
            "client_entry_before": " ".join(v for v in pre if v) or "none",
            "client_entry_after": " ".join(v for v in post if v) or "none",
            "client_solicits_after_t0": len([t for t in client_solicits if t >= t0]),
            "client_solicits_before_t0": len([t for t in client_solicits if t < t0]),
            "probes_sent": win["sent"], "send_errors": win["send_errors"], "send_error": win["send_error"],
            "stray_replies": len(stray), "stamp_lag_us": win.get("stamp_lag_us"),
        }
        if first_new is not None:
            # the echo request that got the first answer, and the probe spacing around it
            seq = next(r[2] for r in new_replies if r[0] == first_new)
            sent = {s[0]: s[1] for s in win["sends"]}
            x["first_answered_probe_sent_ms"] = rel(sent.get(seq))
        if stop is not None:
            x["old_stop_ms"] = round(stop["elapsed_ms"], 2)
            x["old_stop_code"] = stop["code"]
            x["stop_to_start_ms"] = round((t0 - stop["after_us"]) / 1000, 2)
            x["old_answered_before_stop"] = len([t for t in old_replies if t < stop["before_us"]])
            x["old_answers_after_stop"] = len([t for t in old_replies if t >= stop["after_us"]])
            last_old = max(old_replies, default=None)
            if last_old is not None and first_new is not None:
                x["client_gap_ms"] = round((first_new - last_old) / 1000, 2)  # last answer old -> first new
        errs = []
        if res["code"] != 0:
            errs.append(f"start returned {res['code']}: {res['message']}")
        if first_new is None:
            errs.append("the client never got an answer from the new node")
        if stray:
            errs.append(f"{len(stray)} answers from an unexpected MAC {stray[0][1]}")
        if stop is not None and stop["code"] != 0:
            errs.append(f"stop on {old} returned {stop['code']}")
        if stop is not None and x["old_answered_before_stop"] == 0:
            errs.append("the old node did not answer before the stop (precondition)")
        if post[0] != new_mac:
            errs.append(f"client entry after the run: {post}")
        x["error"] = "; ".join(errs)
        x["_window"] = win
        return x

    # ---------- sets

    def run_set(self, name, fam, kind, action, options, text, runs):
        log(f"set {name}: {text}, {runs} runs")
        agent = name if options else fam
        load = self.load_start()
        entry = {"set": name, "family": fam, "kind": kind, "action": action, "options": options, "text": text,
                 "word": WORD[fam] + ("::" + options if options else ""), "runs": []}
        for i in range(runs):
            if kind == "fresh":
                new, old = ("n1", None) if i % 2 == 0 else ("n2", None)
            else:  # alternate directions: the VIP stays where the previous run put it
                h = self.holder[fam]
                old = h[0] if h and h[1] == agent else "n1"
                new = "n2" if old == "n1" else "n1"
            x = self.measure(fam, kind, action, agent, new, old, self.args.max_window_ms)
            x["run"] = i + 1
            self.save_window(name, i + 1, x.pop("_window"))
            entry["runs"].append(x)
            log(f"  run {i + 1} {old or '-'}->{new}: agent {x['agent_ms']} ms, client reached the VIP after "
                f"{x['reach_ms']} ms (announcement at the client {x['announce_ms']} ms)"
                + (f" ERROR {x['error']}" if x["error"] else ""))
            if self.holder[fam]:
                self.drivers[self.holder[fam][0]].settle(agent)
        self.release(fam)
        entry.update(self.load_end(load))
        entry["noisy"] = entry["foreign_cores"] > NOISY_FOREIGN_CORES
        self.results["sets"].append(entry)

    def save_window(self, name, run_no, win):
        with open(os.path.join(self.work, "runs", f"{name}-{run_no:02d}.json"), "w") as f:
            json.dump(win, f, separators=(",", ":"))

    def cold_runs(self, runs):
        """The first start in a JVM that has only created the agent and monitored it (as a standby
        daemon has): takeover n1 -> n2 with a fresh JVM on n2 each time."""
        log(f"cold: first start in a fresh JVM on n2 ({runs} runs)")
        load = self.load_start()
        entry = {"set": "cold-takeover-v4", "family": "v4", "kind": "failover", "action": "start", "options": "",
                 "text": "takeover, the first start in a JVM that had only run 10 monitors", "word": WORD["v4"],
                 "runs": []}
        for i in range(runs):
            if i > 0:
                self.place("v4", "n1", "v4")
                self.start_driver("n2")
            d = self.drivers["n2"]
            for _ in range(10):
                r = d.act("monitor", "v4")
                if r["code"] not in (0, 7):
                    raise RuntimeError(f"monitor on n2: {r}")
            x = self.measure("v4", "failover", "start", "v4", "n2", "n1", self.args.max_window_ms)
            x["run"] = i + 1
            x["jvm_ready_s"] = round(d.ready_s, 2)
            self.save_window("cold-takeover-v4", i + 1, x.pop("_window"))
            entry["runs"].append(x)
            log(f"  cold run {i + 1}: agent {x['agent_ms']} ms, client reached the VIP after {x['reach_ms']} ms"
                + (f" ERROR {x['error']}" if x["error"] else ""))
            d.settle("v4")
        self.release("v4")
        entry.update(self.load_end(load))
        entry["noisy"] = entry["foreign_cores"] > NOISY_FOREIGN_CORES
        self.results["cold"] = entry

    def warm_up(self, cycles):
        """Unmeasured start/stop cycles of every agent on both nodes (the client is not involved)."""
        log(f"warm-up: {cycles} cycles of start / stop / start-handover / stop per agent and node")
        for node, d in self.drivers.items():
            for name, fam in sorted(d.agents.items()):
                self.release(fam)
                for c in range(cycles):
                    for action in ("start", "stop", "start-handover", "stop"):
                        r = d.act(action, name)
                        if r["code"] != 0:
                            raise RuntimeError(f"warm-up {action} {name} on {node}: {r}")
                    if c == 0 and name in VIP:  # once with the whole background burst
                        d.act("start", name)
                        d.settle(name)
                        d.act("stop", name)

    def main(self):
        started = datetime.datetime.now(datetime.timezone.utc)
        self.results["meta"] = self.meta(started)
        runs = self.args.runs or (3 if self.args.quick else 10)
        for n in NODES:
            self.start_driver(n)
        self.results["meta"]["jvm_cmdline"] = self.drivers["n1"].cmdline()
        self.place("v4", "n1", "v4")  # n1 only stops in the cold runs
        self.cold_runs(self.args.cold_runs or (1 if self.args.quick else 3))
        self.write()
        self.warm_up(self.args.warmup)
        only = [s for s in self.args.sets.split(",") if s]
        for name, fam, kind, action, options, text in SETS:
            if only and name not in only:
                continue
            self.run_set(name, fam, kind, action, options, text, runs)
            self.write()
        self.results["meta"]["finished"] = datetime.datetime.now(datetime.timezone.utc).isoformat()
        self.results["meta"]["loadavg_end"] = loadavg()
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
        return {"started": started.isoformat(), "quick": self.args.quick,
                "git": cmd(["git", "-C", self.repo, "describe", "--always", "--dirty"]),
                "jar": os.path.basename(self.jar), "java": cmd(["java", "-version"]),
                "kernel": platform.release(), "cpus": os.cpu_count(), "loadavg_start": loadavg(),
                "probe_interval_ms": self.args.probe_interval_ms, "warmup_cycles": self.args.warmup,
                "timer_check": timer_check()}

    @property
    def out_md(self):
        return os.path.join(self.here, "results-quick.md" if self.args.quick else "results.md")

    def write(self):
        with open(self.out_md.replace(".md", ".json"), "w") as f:
            json.dump(self.results, f, indent=1)
        with open(self.out_md, "w") as f:
            f.write(render(self.results))


def timer_check():
    """How long a 25 ms SO_RCVTIMEO wait and a 25 ms poll() really take here (jiffy rounding)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.bind(("127.0.0.1", 0))
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, struct.pack("ll", 0, 25000))
        rcv, pol = [], []
        for _ in range(3):
            t = time.perf_counter()
            try:
                s.recv(16)
            except OSError:
                pass
            rcv.append(round((time.perf_counter() - t) * 1000, 1))
            t = time.perf_counter()
            select.poll().poll(25)
            pol.append(round((time.perf_counter() - t) * 1000, 1))
        return {"so_rcvtimeo_25ms": rcv, "poll_25ms": pol}
    finally:
        s.close()


# ---------------------------------------------------------------------------------------------
# Output

COLUMNS = [("agent_ms", "agent action"), ("reach_ms", "**client reached the VIP**"),
           ("dad_probe_ms", "first probe at client"), ("announce_ms", "first announcement at client"),
           ("neigh_switch_ms", "client entry → new MAC (netlink)"), ("client_gap_ms", "client gap old → new")]


def set_row(s):
    rs = s["runs"]
    ok = [x for x in rs if not x["error"]]
    cells = [med_range([x.get(k) for x in ok], digits=1) if any(x.get(k) is not None for x in ok) else "-" for k, _ in COLUMNS]
    return (f"| {s['set']} | `{s['action']}`{' ' + s['options'] if s['options'] else ''} | {len(rs)} | "
            + " | ".join(cells) + f" | {len(rs) - len(ok)} | {' '.join(str(v) for v in s['loadavg_start'])} | "
            f"{s['foreign_cores']}{' (noisy)' if s['noisy'] else ''} |")


def render(r):
    m = r["meta"]
    out = [f"# VIP benchmark results{' (quick)' if m['quick'] else ''}", "",
           f"Written by `bench/vip/run.sh`{' --quick' if m['quick'] else ''}. Started {m['started']}, finished "
           f"{m.get('finished', '(incomplete)')}; commit {m['git']}, {m['jar']}, {m['java']}, kernel {m['kernel']}, "
           f"{m['cpus']} CPUs, load avg at start {m['loadavg_start']}, at end {m.get('loadavg_end', '-')}.", ""]
    if m.get("jvm_cmdline"):
        out += [f"Driver JVM (from /proc/PID/cmdline; flags read from bin/hactl's daemon case, plus "
                f"MALLOC_ARENA_MAX=2): `{' '.join(m['jvm_cmdline'])}`", ""]
    out += ["All times in ms after t0 = the wall clock just before the agent's action was called on the new node; "
            "median (min-max) over the runs without error. Client times are the kernel's receive timestamps in "
            f"the client namespace; the client sends an ICMP echo request to the VIP every {m['probe_interval_ms']} "
            "ms, so *client reached the VIP* (first echo reply from the new node's MAC) includes up to one probe "
            "interval of waiting. *client entry → new MAC* is when a netlink listener in the client saw its "
            "neighbour entry for the VIP change to the new MAC (a user-space time: an upper bound). "
            "*client gap* = last answer from the old node → first from the new one (includes the old node's "
            "stop). *entry age at announcement*: at most this long before the first announcement arrived, the "
            "client's entry had been set by the ping that made it REACHABLE (under Linux's 1 s `locktime`: the "
            "announcement was accepted inside it). `foreign` = CPU cores busy outside this benchmark during the set.", "",
            f"Warm: {m['warmup_cycles']} unmeasured start/stop cycles of every agent on both nodes before the sets. "
            "*GC pause in the action*: the driver JVM's GC log (-Xlog:gc, the only flag added to the daemon's) "
            "overlapping the action.",
            f"Timer check on this kernel: a 25 ms SO_RCVTIMEO wait took {m['timer_check']['so_rcvtimeo_25ms']} ms, "
            f"a 25 ms poll() {m['timer_check']['poll_25ms']} ms.", "",
            "## Summary", "",
            "| set | action | runs | " + " | ".join(c for _, c in COLUMNS) + " | errors | load avg at start | "
            "foreign cores |", "|---" * (len(COLUMNS) + 6) + "|"]
    for s in r["sets"]:
        out.append(set_row(s))
    if r.get("cold"):
        out += ["", "## First start in a fresh JVM (cold)", "",
                "The standby's JVM had created the agent and run 10 monitors (as a daemon does before it ever "
                "starts the VIP); then the takeover n1 → n2 as in takeover-v4.", "",
                "| set | action | runs | " + " | ".join(c for _, c in COLUMNS) + " | errors | load avg at start | "
                "foreign cores |", "|---" * (len(COLUMNS) + 6) + "|", set_row(r["cold"])]
    out += ["", "## Every run", ""]
    for s in ([r["cold"]] if r.get("cold") else []) + r["sets"]:
        out += [f"### {s['set']}: {s['text']}", "", f"Word: `{s['word']}`. CPU during the set: busy "
                f"{s['busy_cores']} cores, this benchmark {s['ours_cores']}, foreign {s['foreign_cores']}; load avg "
                f"{s['loadavg_start']} → {s['loadavg_end']}.", "",
                "| run | t0 (UTC) | move | agent | reached | probe sent | first DAD probe (n) | first announcement "
                "| entry → new MAC | old stop | stop→start | gap | client ARP/NS for the VIP before, after t0 | "
                "client entry before → after | entry age at announcement | GC pause in the action | error |",
                "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
        for x in s["runs"]:
            out.append(
                f"| {x['run']} | {x['t0_utc']} | {x['from'] or '-'}→{x['node']} | {x['agent_ms']} | {x['reach_ms']} | "
                f"{x.get('first_answered_probe_sent_ms', '-')} | {x['dad_probe_ms'] if x['dad_probes'] else '-'} "
                f"({x['dad_probes']}) | {x['announce_ms']} {x['announce_kind'] or ''} | {x['neigh_switch_ms']} | "
                f"{x.get('old_stop_ms', '-')} | {x.get('stop_to_start_ms', '-')} | {x.get('client_gap_ms', '-')} | "
                f"{x['client_solicits_before_t0']}, {x['client_solicits_after_t0']} | "
                f"{x['client_entry_before']} → {x['client_entry_after']} | {x.get('entry_age_at_announce_ms', '-')} | "
                f"{x.get('gc_pause_ms', '-')} | "
                f"{x['error']} |")
        out.append("")
    return "\n".join(out) + "\n"


def parse_args(argv):
    if argv and argv[0] == "probe":
        ap = argparse.ArgumentParser(prog="vipbench.py probe")
        ap.add_argument("probe")
        ap.add_argument("--interval-ms", type=float, default=1.0)
        ap.add_argument("--max-minutes", type=float, default=20)
        return ap.parse_args(argv)
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repo", required=True)
    ap.add_argument("--jar", required=True)
    ap.add_argument("--quick", action="store_true", help="3 runs per set, 1 cold run")
    ap.add_argument("--runs", type=int, default=0, help="runs per set (default 10, quick 3)")
    ap.add_argument("--cold-runs", type=int, default=0, help="first starts in a fresh JVM (default 3, quick 1)")
    ap.add_argument("--warmup", type=int, default=5, help="unmeasured start/stop cycles per agent and node")
    ap.add_argument("--sets", default="", help="comma-separated subset of: " + ", ".join(s[0] for s in SETS))
    ap.add_argument("--probe-interval-ms", type=float, default=1.0, help="client echo request interval")
    ap.add_argument("--pre-ms", type=float, default=20, help="client probing before the action")
    ap.add_argument("--linger-ms", type=float, default=20, help="client probing after the first answer")
    ap.add_argument("--max-window-ms", type=float, default=2500, help="longest client probing window per run")
    ap.add_argument("--max-minutes", type=float, default=20, help="hard limit for the whole benchmark")
    a = ap.parse_args(argv)
    a.probe = None
    if not 0.2 <= a.probe_interval_ms <= 100:
        ap.error("--probe-interval-ms must be 0.2-100")
    if not 100 <= a.max_window_ms <= 10000:
        ap.error("--max-window-ms must be 100-10000")
    return a


def main():
    args = parse_args(sys.argv[1:])
    if args.probe:
        return probe_main(args)
    bench = Bench(args)

    def on_signal(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")

    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, on_signal)
    rc = 0
    try:
        bench.prepare()
        bench.main()
    except KeyboardInterrupt as e:
        log(f"interrupted ({e}); cleaning up")
        rc = 130
    except RuntimeError as e:
        log(f"error: {e}; cleaning up")
        rc = 1
    finally:
        bench.cleanup()
        if bench.results.get("meta"):
            bench.write()
    return rc


if __name__ == "__main__":
    sys.exit(main())
