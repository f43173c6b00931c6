"""Lifeline reload benchmark (issue 17, item 1). Run it through run.sh.

Two nodes (ll-rl-n1, ll-rl-n2) run Lifeline with VIP groups; a client namespace (ll-rl-cl)
probes every VIP with an HTTP GET every 20 ms (a small web server on each node answers on every
address), and `ip monitor address` records every address change on both nodes. Then, on both
nodes, the configuration is reloaded (`hactl reload`'s control command, or SIGHUP on alternate
rounds) with (a) no change, (b) one group added, (c) one group's resources changed, (d) a broken
file, (e) the added group removed again. Per scenario: failed probes per VIP, VIP deletions seen
by `ip monitor`, how long the reload took, and for (d) the problems reported (file:line).
See README.md.
"""

import argparse
import datetime
import json
import os
import platform
import selectors
import signal
import socket
import subprocess
import sys
import time
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from benchlib import log, run, nsexec, loadavg, Registry, run_driver  # noqa: E402  (bench/benchlib.py)
import benchlib  # noqa: E402

HUB, CLIENT = "ll-rl-hub", "ll-rl-cl"
NODES = {"n1": "ll-rl-n1", "n2": "ll-rl-n2"}
ADDR = {"n1": "198.51.100.11/24", "n2": "198.51.100.12/24"}
CLIENT_ADDR = "198.51.100.50/24"
VIPS = {"g1": "198.51.100.101", "g2": "198.51.100.102", "g3": "198.51.100.103"}
SECRET = "bench-reload-0123456789abcdef0123"
PROBE_INTERVAL_MS = 20
PROBE_TIMEOUT_MS = 500
HA_CF = """keepalive 100ms
deadtime 1s
warntime 500ms
initdead 4s
udpport 694
bcast eth0
node n1 n2
auto_failback on
resource_defaults interval=2s timeout=10s threshold=3 window=1min
"""


def now_ms():
    return time.time_ns() / 1e6


def group(key):
    return f"IPaddr2::{VIPS[key]}/24/eth0"


# ---------------------------------------------------------------------------------------------
# The prober: runs inside the client namespace as `reload.py probe`.

def probe_main(args):
    """Every 20 ms, a GET to each VIP (each with its own 500 ms timeout) until SIGTERM or
    --max-seconds; one line per probe: vip start_ms end_ms ok reason."""
    stop = [False]
    signal.signal(signal.SIGTERM, lambda *_: stop.__setitem__(0, True))
    vips = args.vips.split(",")
    sel = selectors.DefaultSelector()
    pending = {}
    out = open(args.out, "w", buffering=1)
    t_end = time.monotonic() + args.max_seconds
    next_start = time.monotonic()

    def finish(sock, ok, reason):
        st = pending.pop(sock)
        try:
            sel.unregister(sock)
        except (KeyError, ValueError):
            pass
        sock.close()
        out.write(f"{st['vip']} {st['t']:.1f} {now_ms():.1f} {1 if ok else 0} {reason.replace(' ', '_')}\n")

    while not stop[0] and time.monotonic() < t_end:
        mono = time.monotonic()
        if mono >= next_start:
            next_start += PROBE_INTERVAL_MS / 1000
            if next_start < mono:  # fell behind (loaded box): do not burst
                next_start = mono + PROBE_INTERVAL_MS / 1000
            for vip in vips:
                s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                s.setblocking(False)
                pending[s] = {"vip": vip, "t": now_ms(), "deadline": mono + PROBE_TIMEOUT_MS / 1000,
                              "buf": b"", "sent": False}
                err = s.connect_ex((vip, 80))
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
                    s.send(f"GET / HTTP/1.0\r\nHost: {st['vip']}\r\n\r\n".encode())
                    st["sent"] = True
                    sel.modify(s, selectors.EVENT_READ)
                else:
                    chunk = s.recv(4096)
                    if chunk:
                        st["buf"] += chunk
                    else:
                        ok = st["buf"].startswith(b"HTTP/1.0 200") or st["buf"].startswith(b"HTTP/1.1 200")
                        finish(s, ok, "ok" if ok else "bad answer")
            except OSError as e:
                finish(s, False, f"{type(e).__name__} {e.errno}")
        mono = time.monotonic()
        for s, st in list(pending.items()):
            if mono > st["deadline"]:
                finish(s, False, "timeout")
    for s in list(pending):
        finish(s, False, "stopped")
    out.close()
    return 0


# ---------------------------------------------------------------------------------------------
# The web server behind the VIPs: runs in each node namespace as `reload.py serve`.

def serve_main(args):
    """Answers every connection on port 80 (every address) with a fixed HTTP 200, on one asyncio
    loop with a 1024-deep accept queue: Python's http.server keeps 5, and on a loaded box a
    full queue drops SYNs, which the client sees as 1 s timeouts that have nothing to do with
    the VIP."""
    import asyncio
    body = f"served by {args.name}\n".encode()
    answer = b"HTTP/1.0 200 OK\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body

    async def handle(reader, writer):
        try:
            await reader.readuntil(b"\r\n\r\n")
            writer.write(answer)
            await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
            pass
        finally:
            writer.close()

    async def main():
        server = await asyncio.start_server(handle, host="0.0.0.0", port=80, backlog=1024, reuse_address=True)
        async with server:
            await server.serve_forever()

    asyncio.run(main())
    return 0


# ---------------------------------------------------------------------------------------------
# The bench

class Bench:
    def __init__(self, args):
        self.args = args
        self.repo = args.repo
        self.jar = args.jar
        self.work = os.path.join(os.path.dirname(os.path.abspath(__file__)), "work")
        self.registry = Registry(os.path.join(self.work, "pids"), group_kinds=("lifeline", "web"))
        self.created = []
        self.procs = {}
        self.results = {"meta": {}, "runs": []}
        self.probe_file = os.path.join(self.work, "probes.txt")
        self.files = {}  # node -> {"ha.cf": text, "haresources": text}

    # ---- lab
    def prepare(self):
        if os.path.isdir(self.work):
            subprocess.run(["rm", "-rf", self.work], check=True)
        os.makedirs(self.work)
        for ns in (HUB, NODES["n1"], NODES["n2"], CLIENT):
            run(["ip", "netns", "add", ns])
            self.created.append(ns)
            nsexec(ns, ["ip", "link", "set", "lo", "up"])
        nsexec(HUB, ["sh", "-c", "ip link add br0 type bridge mcast_snooping 0 && ip link set br0 up"])
        for node, ns in NODES.items():
            self.attach(ns, f"v-{node}", ADDR[node])
        self.attach(CLIENT, "v-cl", CLIENT_ADDR)
        self.results["meta"] = {
            "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "commit": run(["git", "-C", self.repo, "rev-parse", "--short", "HEAD"], check=False).stdout.strip(),
            "host": platform.node(), "cpus": os.cpu_count(), "load_before": loadavg(),
            "rounds": self.args.rounds, "ha.cf": HA_CF}

    @staticmethod
    def attach(ns, hub_side, cidr):
        run(["ip", "link", "add", "llrltmp", "netns", ns, "type", "veth", "peer", "name", hub_side, "netns", HUB])
        nsexec(ns, ["ip", "link", "set", "llrltmp", "name", "eth0"])
        nsexec(HUB, ["sh", "-c", f"ip link set {hub_side} master br0 && ip link set {hub_side} up"])
        nsexec(ns, ["sh", "-c", f"ip addr add {cidr} brd + dev eth0 && ip link set eth0 up"])

    def cleanup(self):
        for node in NODES:
            p = self.procs.get(node)
            if p and p.poll() is None:
                p.terminate()
                try:
                    p.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    pass
        self.registry.kill_all()
        for ns in reversed(self.created):
            run(["ip", "netns", "del", ns], check=False)
        self.created.clear()

    def dir(self, node):
        return os.path.join(self.work, node)

    def haresources(self, node, with_g3=False, dummy="d2"):
        lines = [f"n1 {group('g1')}",
                 f"n2 {group('g2')} ocf:heartbeat:Dummy::state={os.path.join(self.dir(node), dummy + '.state')}"]
        if with_g3:
            lines.append(f"n1 {group('g3')}")
        return "\n".join(lines) + "\n"

    def start(self):
        for node, ns in NODES.items():
            d = self.dir(node)
            os.makedirs(d, exist_ok=True)
            self.write(node, self.haresources(node))
            benchlib.write_authkeys(os.path.join(d, "authkeys"), SECRET)
            self.registry.add(subprocess.Popen(
                ["ip", "netns", "exec", ns, sys.executable, os.path.abspath(__file__), "serve", "--name", node],
                stdout=open(os.path.join(d, "web.log"), "w"), stderr=subprocess.STDOUT,
                start_new_session=True), f"web-{node}")
            self.registry.add(subprocess.Popen(
                ["ip", "netns", "exec", ns, "ip", "-o", "-ts", "monitor", "address"],
                stdout=open(os.path.join(d, "ip-monitor.log"), "w"), stderr=subprocess.STDOUT), f"monitor-{node}")
            cmd = ["ip", "netns", "exec", ns, os.path.join(self.repo, "bin", "hactl"), "daemon",
                   "--config", d, "--node", node, "--socket", os.path.join(d, "hactl.sock"),
                   "--state-dir", os.path.join(d, "state")]
            env = dict(os.environ, LIFELINE_JAR=self.jar)
            env.pop("LIFELINE_JAVA_OPTS", None)
            self.procs[node] = self.registry.add(subprocess.Popen(
                cmd, stdout=open(os.path.join(d, "daemon.log"), "w"), stderr=subprocess.STDOUT, env=env,
                start_new_session=True), f"lifeline-{node}")

    def call(self, node, command, args=None, timeout=3.0):
        return benchlib.control_call(os.path.join(self.dir(node), "hactl.sock"), command, args, timeout)

    def group_state(self, node, key):
        st = benchlib.control_status(os.path.join(self.dir(node), "hactl.sock"))
        if not st:
            return None
        for g in st.get("groups", []):
            if g["name"] == group(key):
                return g["phase"], g["owners"]
        return "absent", []

    def await_until(self, what, cond, within=60):
        end = time.monotonic() + within
        while time.monotonic() < end:
            if cond():
                return True
            time.sleep(0.1)
        raise RuntimeError(f"timed out waiting for {what}")

    def running_on(self, key, owner):
        return all(self.group_state(n, key) == ("running", [owner]) for n in NODES)

    def config_events(self, node):
        r = self.call(node, "events", {}, timeout=5)
        events = (r or {}).get("result", {}).get("events", [])
        return sum(1 for e in events if e.get("kind") == "config" and e.get("group") in (None, ""))

    # ---- one reload on one node
    def reload(self, node, via):
        t0 = time.monotonic()
        if via == "hactl":
            r = self.call(node, "reload", {}, timeout=120)
            result = r.get("result", {}) if r and r.get("ok") else {"applied": False, "message": str(r)}
        else:
            before = self.config_events(node)
            os.kill(self.procs[node].pid, signal.SIGHUP)
            self.await_until(f"SIGHUP reload on {node}", lambda: self.config_events(node) > before, within=120)
            r = self.call(node, "events", {"limit": 100}, timeout=5)
            # the reload's own event (no group); retire() adds group events of kind config after it
            last = [e for e in r["result"]["events"] if e.get("kind") == "config" and not e.get("group")][-1]
            result = {"applied": "configuration reloaded" in last["message"], "message": last["message"]}
        if self.procs[node].poll() is not None:
            raise RuntimeError(f"the daemon on {node} exited during a reload ({via})")
        result["ms"] = round((time.monotonic() - t0) * 1000)
        return result

    # ---- analysis
    def probes(self):
        rows = []
        with open(self.probe_file) as f:
            for line in f:
                parts = line.split()
                if len(parts) == 5:
                    rows.append((parts[0], float(parts[1]), float(parts[2]), parts[3] == "1", parts[4]))
        return rows

    @staticmethod
    def deletions(node_dir, vip, t0, t1):
        """`ip monitor` lines deleting VIP between wall-clock t0 and t1 (ms)."""
        n = 0
        with open(os.path.join(node_dir, "ip-monitor.log")) as f:
            for line in f:
                if "Deleted" not in line or f" {vip}/" not in line or not line.startswith("["):
                    continue
                stamp = line[1:line.index("]")]
                t = datetime.datetime.fromisoformat(stamp).timestamp() * 1000
                if t0 <= t <= t1:
                    n += 1
        return n

    def scenario(self, name, via, files, expect_applied, settle, untouched, g3_up):
        """Writes FILES (node -> haresources, ha.cf), reloads n1 then n2, waits for SETTLE; counts the
        failed probes and VIP deletions from 1 s before to 1 s after."""
        time.sleep(1.0)
        t0 = now_ms()
        if files is None:  # the control: the same window with no reload, to see what the loaded box costs
            time.sleep(0.5)
            results = {node: {"applied": True, "ms": 0, "message": "(no reload)"} for node in NODES}
        else:
            for node, (res, cf) in files.items():
                self.write(node, res, cf)
            results = {node: self.reload(node, via) for node in NODES}
        if settle:
            self.await_until(f"{name} settled", settle, within=60)
        t_settled = now_ms()
        time.sleep(1.0)
        t1 = now_ms()
        rows = [r for r in self.probes() if t0 - 1000 <= r[1] <= t1]
        per_vip = {}
        for key, vip in VIPS.items():
            mine = [r for r in rows if r[0] == vip]
            reasons = {}
            for r in mine:
                if not r[3]:
                    reasons[r[4]] = reasons.get(r[4], 0) + 1
            per_vip[key] = {"probes": len(mine), "failed": sum(1 for r in mine if not r[3]), "reasons": reasons,
                            "deleted": sum(self.deletions(self.dir(n), vip, t0 - 1000, t1) for n in NODES)}
        run_ = {"scenario": name, "via": via, "applied": {n: r["applied"] for n, r in results.items()},
                "reload_ms": {n: r["ms"] for n, r in results.items()},
                "settled_ms": round(t_settled - t0), "vips": per_vip, "untouched": untouched, "load": loadavg()[0],
                "messages": {n: r.get("message") for n, r in results.items()},
                "problems": {n: r.get("problems", []) for n, r in results.items()}}
        if g3_up == "added":
            first_ok = min((r[2] for r in rows if r[0] == VIPS["g3"] and r[3]), default=None)
            run_["g3_first_answer_ms"] = round(first_ok - t0) if first_ok else None
        ok = all(r["applied"] == expect_applied for r in results.values())
        run_["as_expected"] = ok and all(per_vip[k]["failed"] == 0 and per_vip[k]["deleted"] == 0 for k in untouched)
        log(f"{name:10s} via {via:6s}: applied {run_['applied']}, reload {run_['reload_ms']} ms, settled "
            f"{run_['settled_ms']} ms, failed/deleted " + ", ".join(
                f"{k} {v['failed']}/{v['deleted']}" for k, v in per_vip.items() if k in untouched or k == "g3"))
        self.results["runs"].append(run_)
        return run_

    def main(self):
        self.start()
        log("waiting for the cluster: g1 on n1, g2 on n2")
        self.await_until("g1 on n1 and g2 on n2", lambda: self.running_on("g1", "n1") and self.running_on("g2", "n2"),
                         within=90)
        self.registry.add(subprocess.Popen(
            ["ip", "netns", "exec", CLIENT, sys.executable, os.path.abspath(__file__), "probe", "--out",
             self.probe_file, "--vips", ",".join(VIPS.values()), "--max-seconds", "3600"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL), "probe")
        time.sleep(2)
        base = {n: (self.haresources(n), HA_CF) for n in NODES}
        broken_cf = HA_CF + "deadtime banana\n"
        for rnd in range(self.args.rounds):
            via = "hactl" if rnd % 2 == 0 else "SIGHUP"
            dummy = "d2b" if rnd % 2 == 0 else "d2"
            old_dummy = "d2" if rnd % 2 == 0 else "d2b"
            self.scenario("0-idle", via, None, True, None, ["g1", "g2"], None)
            self.scenario("a-nochange", via, {n: (self.haresources(n, dummy=old_dummy), HA_CF) for n in NODES},
                          True, None, ["g1", "g2"], None)
            self.scenario("b-add", via, {n: (self.haresources(n, True, old_dummy), HA_CF) for n in NODES}, True,
                          lambda: self.running_on("g3", "n1"), ["g1", "g2"], "added")
            self.scenario("c-change", via, {n: (self.haresources(n, True, dummy), HA_CF) for n in NODES}, True,
                          lambda: self.running_on("g2", "n2") and os.path.exists(
                              os.path.join(self.dir("n2"), dummy + ".state")), ["g1", "g2", "g3"], None)
            good = {n: (self.haresources(n, True, dummy), HA_CF) for n in NODES}
            broken = {n: (good[n][0] + f"n1 {group('g3')}\nn1 IPaddr2::198.51.100.109/24/eth0 nosuchagent\n",
                          broken_cf) for n in NODES}
            r = self.scenario("d-broken", via, broken, False, None, ["g1", "g2", "g3"], None)
            if rnd == 0:
                cli = run(["ip", "netns", "exec", NODES["n1"], os.path.join(self.repo, "bin", "hactl"), "reload",
                           "--socket", os.path.join(self.dir("n1"), "hactl.sock")], check=False, timeout=120)
                r["cli_exit"] = cli.returncode
                r["cli_output"] = (cli.stdout + cli.stderr).strip()
            for n in NODES:
                self.write(n, *good[n])
            self.scenario("e-remove", via, {n: (self.haresources(n, False, dummy), HA_CF) for n in NODES}, True,
                          lambda: all(self.group_state(n, "g3") == ("absent", []) for n in NODES), ["g1", "g2"],
                          None)
        self.results["meta"]["load_after"] = loadavg()

    def write(self, node=None, haresources=None, ha_cf=HA_CF):
        if node is not None:
            with open(os.path.join(self.dir(node), "haresources"), "w") as f:
                f.write(haresources)
            with open(os.path.join(self.dir(node), "ha.cf"), "w") as f:
                f.write(ha_cf)
            return
        out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results.json")
        with open(out, "w") as f:
            json.dump(self.results, f, indent=1)
        log(f"results in {out}")


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd")
    pr = sub.add_parser("probe")
    pr.add_argument("--out", required=True)
    pr.add_argument("--vips", required=True)
    pr.add_argument("--max-seconds", type=float, default=600)
    sv = sub.add_parser("serve")
    sv.add_argument("--name", required=True)
    p.add_argument("--repo")
    p.add_argument("--jar")
    p.add_argument("--rounds", type=int, default=4, help="rounds of the five scenarios; odd rounds use SIGHUP")
    return p.parse_args(argv)


def main():
    args = parse_args(sys.argv[1:])
    if args.cmd == "probe":
        return probe_main(args)
    if args.cmd == "serve":
        return serve_main(args)
    return run_driver(Bench(args))


if __name__ == "__main__":
    sys.exit(main())
