#!/usr/bin/env python3
"""Lifeline's Java proxy against HAProxy (issue 5): throughput/CPU and a backend-failure run.

Everything runs inside one network namespace (ll-hpbench), on its loopback. Standard library only.
See README.md for the method; run through run.sh, which builds the jar and cleans up.
"""
import argparse
import json
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request

# run.sh may name another namespace (LL_HPBENCH_NS), e.g. with a prefix a shared box assigns
NS = os.environ.get("LL_HPBENCH_NS", "ll-hpbench")
CLK_TCK = os.sysconf("SC_CLK_TCK")
BACKENDS = [9001, 9002]          # throughput: one nginx, two ports
FAIL_BACKENDS = [9101, 9102]     # failure: two nginx instances, so one can be stopped
SMALL = 100
BIG = 64 * 1024

started = []  # (Popen, what) of every process we started, ended by PID


def log(*a):
    print(time.strftime("%H:%M:%S"), *a, flush=True)


def ns_cmd(cmd):
    """run.sh starts this driver inside the namespace, so every child is in it already."""
    return cmd


def start(cmd, logfile, pids_file, env=None):
    out = open(logfile, "w")
    p = subprocess.Popen(ns_cmd(cmd), stdout=out, stderr=subprocess.STDOUT, env=env)
    started.append((p, " ".join(cmd)))
    with open(pids_file, "a") as f:
        f.write(f"{p.pid} {cmd[0]}\n")
    return p


def stop(p, grace=5.0):
    if p.poll() is not None:
        return
    p.send_signal(signal.SIGTERM)
    try:
        p.wait(grace)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait(5)


def stop_all():
    for p, _ in reversed(started):
        try:
            stop(p, 3.0)
        except Exception:  # best effort during cleanup
            pass


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def cpu_ticks(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime (fields 14, 15)


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def wait_port(port, timeout=30.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1.0).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"nothing listens on port {port} after {timeout}s")


# ----------------------------------------------------------------------------- configuration

def nginx_conf(work, name, ports):
    root = os.path.join(work, "www")
    os.makedirs(root, exist_ok=True)
    with open(os.path.join(root, "small"), "wb") as f:
        f.write(b"s" * (SMALL - 1) + b"\n")
    with open(os.path.join(root, "big"), "wb") as f:
        f.write(b"b" * (BIG - 1) + b"\n")
    d = os.path.join(work, name)
    os.makedirs(d, exist_ok=True)
    listens = "\n".join(f"        listen 127.0.0.1:{p} backlog=4096;" for p in ports)
    conf = f"""daemon off;
master_process on;
worker_processes 2;
pid {d}/nginx.pid;
error_log {d}/error.log warn;
events {{ worker_connections 8192; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 10000000;
    keepalive_timeout 120s;
    client_body_temp_path {d}/body;
    proxy_temp_path {d}/proxy;
    fastcgi_temp_path {d}/fastcgi;
    uwsgi_temp_path {d}/uwsgi;
    scgi_temp_path {d}/scgi;
    default_type application/octet-stream;
    server {{
{listens}
        root {root};
        location = /health {{ return 200 "ok\\n"; }}
    }}
}}
"""
    path = os.path.join(d, "nginx.conf")
    with open(path, "w") as f:
        f.write(conf)
    return path


def proxy_conf(threads, http_port, tcp_port, backends, extra_backend="", stats=""):
    servers = "\n".join(f"    server b{i + 1} 127.0.0.1:{p}{extra_backend}" for i, p in enumerate(backends))
    return f"""global
    maxconn 8000
    nbthread {threads}
{stats}
defaults
    timeout connect 5s
    timeout client 60s
    timeout server 60s

listen http
    bind 127.0.0.1:{http_port}
    mode http
    balance roundrobin
{servers}

listen tcp
    bind 127.0.0.1:{tcp_port}
    mode tcp
    balance roundrobin
{servers}
"""


# ----------------------------------------------------------------------------- wrk

UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def to_ms(s):
    m = re.match(r"([\d.]+)(us|ms|s|m)$", s)
    return float(m.group(1)) * UNITS[m.group(2)]


def wrk(url, conns, seconds, pid=None):
    """Runs wrk in the namespace; returns requests, req/s, p50/p99 ms, errors and the proxy's CPU ticks."""
    threads = 2
    before = cpu_ticks(pid) if pid else 0
    r = subprocess.run(ns_cmd(["wrk", f"-t{threads}", f"-c{conns}", f"-d{seconds}s", "--latency", "--timeout", "5s", url]),
                       capture_output=True, text=True, timeout=seconds + 60)
    after = cpu_ticks(pid) if pid else 0
    out = r.stdout
    if not re.search(r"(\d+) requests in", out) or not re.search(r"\s99%", out):
        raise RuntimeError(f"wrk {url} -c{conns}: unexpected output: {out.strip()} {r.stderr.strip()}")
    res = {"requests": int(re.search(r"(\d+) requests in", out).group(1)),
           "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
           "p50_ms": to_ms(re.search(r"\s50%\s+(\S+)", out).group(1)),
           "p99_ms": to_ms(re.search(r"\s99%\s+(\S+)", out).group(1)),
           "errors": 0, "non2xx": 0}
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if m:
        res["errors"] = sum(int(x) for x in m.groups())
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if m:
        res["non2xx"] = int(m.group(1))
    if pid:
        res["cpu_ticks"] = after - before
        res["cpu_us_per_req"] = (after - before) * 1e6 / CLK_TCK / max(1, res["requests"])
        res["rss_kib"] = rss_kib(pid)
    return res


# ----------------------------------------------------------------------------- throughput

def throughput(args, work, pids_file):
    nginx = start(["nginx", "-c", nginx_conf(work, "nginx-tp", BACKENDS)], os.path.join(work, "nginx-tp.log"), pids_file)
    for p in BACKENDS:
        wait_port(p)
    proxies = {}  # (kind, threads) -> dict(pid, http, tcp)
    for threads in args.threads:
        for kind, offset in (("haproxy", 0), ("java", 100)):
            http_port = 10000 + threads * 1000 + offset + 1
            tcp_port = http_port + 1
            cfg = os.path.join(work, f"{kind}-{threads}.cfg")
            with open(cfg, "w") as f:
                f.write(proxy_conf(threads, http_port, tcp_port, BACKENDS))
            if kind == "haproxy":
                p = start(["haproxy", "-f", cfg], os.path.join(work, f"{kind}-{threads}.log"), pids_file)
            else:
                p = start([os.path.join(args.repo, "bin", "hactl"), "proxy", "--config", cfg],
                          os.path.join(work, f"{kind}-{threads}.log"), pids_file,
                          env=dict(os.environ, LIFELINE_JAR=args.jar))
            proxies[(kind, threads)] = {"proc": p, "http": http_port, "tcp": tcp_port}
    for v in proxies.values():
        wait_port(v["http"])
        wait_port(v["tcp"])
        v["pid"] = v["proc"].pid  # ip netns exec and bin/hactl both exec: the PID is the proxy's
    for (kind, threads), v in proxies.items():
        with open(f"/proc/{v['pid']}/comm") as f:
            comm = f.read().strip()
        log(f"{kind} nbthread {threads}: pid {v['pid']} ({comm}), http :{v['http']}, tcp :{v['tcp']}")

    def url(port, size):
        return f"http://127.0.0.1:{port}/{size}"

    log(f"warm-up ({args.warmup}s per proxy, mode and size)")
    for (kind, threads), v in proxies.items():
        for mode in args.modes:
            for size in args.sizes:
                wrk(url(v[mode], size), 50, args.warmup, v["pid"])

    cells = [(t, mode, size, c) for t in args.threads for mode in args.modes for size in args.sizes
             for c in args.conns]
    runs = []
    t0 = time.time()
    for rep in range(args.reps):
        la = loadavg()
        log(f"repetition {rep + 1}/{args.reps}, load average {la}")
        order = cells[:]
        random.Random(rep).shuffle(order)
        for i, (t, mode, size, c) in enumerate(order):
            kinds = ["haproxy", "java"] if (rep + i) % 2 == 0 else ["java", "haproxy"]
            for kind in kinds:
                v = proxies[(kind, t)]
                r = wrk(url(v[mode], size), c, args.duration, v["pid"])
                r.update(rep=rep, kind=kind, threads=t, mode=mode, size=size, conns=c, load=la)
                runs.append(r)
        for size in args.sizes:
            for c in args.conns:
                r = wrk(url(BACKENDS[0], size), c, args.duration)
                r.update(rep=rep, kind="direct", threads=0, mode="direct", size=size, conns=c, load=la)
                runs.append(r)
        if time.time() - t0 > args.max_minutes * 60:
            log("time limit reached; stopping after this repetition")
            break
    final_rss = {f"{k}-{t}": rss_kib(v["pid"]) for (k, t), v in proxies.items()}
    for v in proxies.values():
        stop(v["proc"])
    stop(nginx)
    return runs, final_rss


def summarize_throughput(runs):
    def med(xs):
        return statistics.median(xs) if xs else float("nan")

    rows = []
    keys = sorted({(r["threads"], r["mode"], r["size"], r["conns"]) for r in runs if r["kind"] != "direct"})
    for t, mode, size, c in keys:
        def sel(kind):
            return {r["rep"]: r for r in runs if r["kind"] == kind and (r["threads"], r["mode"], r["size"], r["conns"])
                    == (t, mode, size, c)}
        hp, jv = sel("haproxy"), sel("java")
        direct = {r["rep"]: r for r in runs if r["kind"] == "direct" and r["size"] == size and r["conns"] == c}
        reps = sorted(set(hp) & set(jv))

        def ratio(field):
            return med([jv[k][field] / hp[k][field] for k in reps if hp[k][field] > 0])

        rows.append({
            "threads": t, "mode": mode, "size": size, "conns": c, "n": len(reps),
            "hap_cpu_us": med([hp[k]["cpu_us_per_req"] for k in reps]),
            "java_cpu_us": med([jv[k]["cpu_us_per_req"] for k in reps]),
            "cpu_ratio": ratio("cpu_us_per_req"),
            "hap_rps": med([hp[k]["rps"] for k in reps]),
            "java_rps": med([jv[k]["rps"] for k in reps]),
            "rps_ratio": ratio("rps"),
            "p50_ratio": ratio("p50_ms"), "p99_ratio": ratio("p99_ms"),
            "hap_p99_ms": med([hp[k]["p99_ms"] for k in reps]), "java_p99_ms": med([jv[k]["p99_ms"] for k in reps]),
            "rss_ratio": ratio("rss_kib"),
            "hap_rss_mib": max(hp[k]["rss_kib"] for k in reps) / 1024, "java_rss_mib": max(jv[k]["rss_kib"] for k in reps) / 1024,
            "hap_vs_direct": med([hp[k]["rps"] / direct[k]["rps"] for k in reps if k in direct]),
            "java_vs_direct": med([jv[k]["rps"] / direct[k]["rps"] for k in reps if k in direct]),
            "direct_rps": med([direct[k]["rps"] for k in reps if k in direct]),
            "errors": sum(hp[k]["errors"] + jv[k]["errors"] + hp[k]["non2xx"] + jv[k]["non2xx"] for k in reps),
        })
    return rows


# ----------------------------------------------------------------------------- failure

class LoadClient:
    """Keep-alive HTTP/1.1 clients, one thread per connection, recording every outcome with its time."""

    def __init__(self, port, conns, seconds, t0):
        self.port, self.conns, self.seconds, self.t0 = port, conns, seconds, t0
        self.ok = []        # completion times of 2xx responses
        self.status = {}    # other statuses -> count
        self.errors = {}    # socket error kind -> count
        self.lock = threading.Lock()

    def run(self):
        threads = [threading.Thread(target=self.worker, daemon=True) for _ in range(self.conns)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(self.seconds + 30)

    def count(self, table, key):
        with self.lock:
            table[key] = table.get(key, 0) + 1

    def worker(self):
        end = self.t0 + self.seconds
        request = b"GET /small HTTP/1.1\r\nHost: bench\r\n\r\n"
        sock = None
        buf = b""
        while time.time() < end:
            try:
                if sock is None:
                    sock = socket.create_connection(("127.0.0.1", self.port), timeout=10.0)
                    buf = b""
                sock.sendall(request)
                while b"\r\n\r\n" not in buf:
                    d = sock.recv(65536)
                    if not d:
                        raise ConnectionError("closed before response")
                    buf += d
                head, _, buf = buf.partition(b"\r\n\r\n")
                lines = head.split(b"\r\n")
                status = int(lines[0].split()[1])
                length = 0
                close = False
                for h in lines[1:]:
                    k, _, v = h.partition(b":")
                    if k.strip().lower() == b"content-length":
                        length = int(v.strip())
                    elif k.strip().lower() == b"connection" and v.strip().lower() == b"close":
                        close = True
                while len(buf) < length:
                    d = sock.recv(65536)
                    if not d:
                        raise ConnectionError("closed mid-body")
                    buf += d
                buf = buf[length:]
                if 200 <= status < 300:
                    with self.lock:
                        self.ok.append(time.time())
                else:
                    self.count(self.status, status)
                if close:
                    sock.close()
                    sock = None
            except socket.timeout:
                self.count(self.errors, "timeout")
                sock = self.reset(sock)
            except ConnectionRefusedError:
                self.count(self.errors, "connect refused")
                sock = self.reset(sock)
                time.sleep(0.01)
            except (ConnectionError, OSError) as e:
                self.count(self.errors, type(e).__name__ if not str(e).startswith("closed") else str(e))
                sock = self.reset(sock)

    @staticmethod
    def reset(sock):
        if sock is not None:
            try:
                sock.close()
            except OSError:
                pass
        return None


def poll_status(kind, endpoint, server, t0, seconds, out):
    """Every 100 ms: the backend's server status, from haproxy's stats socket or the Java proxy's CSV page."""
    end = t0 + seconds
    while time.time() < end:
        try:
            if kind == "haproxy":
                s = socket.socket(socket.AF_UNIX)
                s.settimeout(1.0)
                s.connect(endpoint)
                s.sendall(b"show stat\n")
                s.shutdown(socket.SHUT_WR)
                data = b""
                while True:
                    d = s.recv(65536)
                    if not d:
                        break
                    data += d
                s.close()
                text = data.decode()
            else:
                text = urllib.request.urlopen(endpoint, timeout=1.0).read().decode()
            header = text.splitlines()[0].lstrip("# ").split(",")
            for line in text.splitlines()[1:]:
                f = line.split(",")
                if len(f) > 2 and f[0] == "http" and f[1] == server:
                    out.append((time.time() - t0, f[header.index("status")]))
        except Exception as e:  # a missed poll is a gap in the record, not a failure of the run
            out.append((time.time() - t0, "poll error: " + type(e).__name__))
        time.sleep(0.1)


def failure(args, work, pids_file):
    ngx = {}
    for i, port in enumerate(FAIL_BACKENDS):
        conf = nginx_conf(work, f"nginx-f{i + 1}", [port])
        ngx[port] = (conf, start(["nginx", "-c", conf], os.path.join(work, f"nginx-f{i + 1}.log"), pids_file))
        wait_port(port)
    victim = FAIL_BACKENDS[1]
    check = " check inter 1s rise 2 fall 3"
    scenarios = [("java", "default", ""), ("java", "redispatch", "    option redispatch\n"),
                 ("haproxy", "default", ""), ("haproxy", "redispatch", "    option redispatch\n")]
    results = []
    for rep in range(args.failure_reps):
        for kind, name, option in scenarios:
            port = 12001
            stats_port = 12003
            sock = os.path.join(work, "hap-stats.sock")
            if kind == "haproxy":
                stats = f"    stats socket {sock} mode 600 level admin"
            else:
                stats = ""
            cfg = proxy_conf(1, port, port + 1, FAIL_BACKENDS, check, stats)
            cfg = cfg.replace("    timeout connect 5s\n", "    timeout connect 1s\n    retries 3\n" + option)
            if kind == "java":
                cfg += f"\nlisten stats\n    bind 127.0.0.1:{stats_port}\n    mode http\n    stats uri /stats\n"
            path = os.path.join(work, f"fail-{kind}-{name}.cfg")
            with open(path, "w") as f:
                f.write(cfg)
            if kind == "haproxy":
                proc = start(["haproxy", "-f", path], os.path.join(work, f"fail-{kind}-{name}.log"), pids_file)
            else:
                proc = start([os.path.join(args.repo, "bin", "hactl"), "proxy", "--config", path],
                             os.path.join(work, f"fail-{kind}-{name}.log"), pids_file,
                             env=dict(os.environ, LIFELINE_JAR=args.jar))
            wait_port(port)
            # the Java proxy's JIT warms up; haproxy gets the same prelude
            subprocess.run(ns_cmd(["wrk", "-t1", "-c16", "-d3s", f"http://127.0.0.1:{port}/small"]), capture_output=True)
            time.sleep(1.5)  # let both servers settle UP
            la = loadavg()
            t0 = time.time() + 0.2
            total = args.stop_at + args.down_for + args.after
            client = LoadClient(port, args.failure_conns, total, t0)
            statuses = []
            endpoint = sock if kind == "haproxy" else f"http://127.0.0.1:{stats_port}/stats;csv"
            poller = threading.Thread(target=poll_status, args=(kind, endpoint, "b2", t0, total, statuses), daemon=True)
            ct = threading.Thread(target=client.run, daemon=True)
            poller.start()
            ct.start()
            time.sleep(max(0, t0 + args.stop_at - time.time()))
            conf, victim_proc = ngx[victim]
            stop(victim_proc)          # nginx fast shutdown (SIGTERM): connections closed, port refuses
            t_stop = time.time() - t0
            time.sleep(max(0, t0 + args.stop_at + args.down_for - time.time()))
            ngx[victim] = (conf, start(["nginx", "-c", conf], os.path.join(work, "nginx-f2.log"), pids_file))
            t_start = time.time() - t0
            ct.join(total + 40)
            poller.join(5)
            stop(proc)
            results.append(failure_summary(kind, name, rep, client, statuses, t_stop, t_start, t0, la))
            log(f"failure {kind} {name}: {results[-1]['summary']}")
            wait_port(victim)
    for conf, p in ngx.values():
        stop(p)
    return results


def failure_summary(kind, name, rep, client, statuses, t_stop, t_start, t0, la):
    buckets = {}
    for t in client.ok:
        b = int((t - t0) * 10)
        buckets[b] = buckets.get(b, 0) + 1
    n = int(max(buckets) + 1) if buckets else 0
    series = [buckets.get(i, 0) for i in range(n)]
    steady = statistics.median(series[5:int(t_stop * 10)]) if int(t_stop * 10) > 6 else max(series or [0])
    low = [i for i, v in enumerate(series[:n - 2]) if v < 0.2 * steady]  # last 0.2 s: clients stopping
    longest, run = 0, 0
    prev = None
    for i in low:
        run = run + 1 if prev is not None and i == prev + 1 else 1
        longest = max(longest, run)
        prev = i
    down_at = next((t for t, s in statuses if t >= t_stop and s.startswith("DOWN")), None)
    up_at = next((t for t, s in statuses if t >= t_start and s.startswith("UP")), None)
    five = sum(v for k, v in client.status.items() if 500 <= k < 600)
    errs = sum(client.errors.values())
    res = {"kind": kind, "config": name, "rep": rep, "load": la, "requests_ok": len(client.ok),
           "http_5xx": five, "other_status": {str(k): v for k, v in client.status.items() if not 500 <= k < 600},
           "socket_errors": errs, "error_kinds": client.errors,
           "steady_per_100ms": steady, "low_buckets": len(low), "longest_stall_ms": longest * 100,
           "down_after_s": None if down_at is None else round(down_at - t_stop, 2),
           "up_after_s": None if up_at is None else round(up_at - t_start, 2),
           "series": series}
    res["summary"] = (f"{five} 5xx, {errs} socket errors {client.errors}, longest stall {longest * 100} ms, "
                      f"down after {res['down_after_s']} s, up after {res['up_after_s']} s, {len(client.ok)} ok")
    return res


# ----------------------------------------------------------------------------- report

def write_report(path, args, tp_rows, final_rss, fail, meta):
    L = []
    L.append(f"# Java proxy vs HAProxy: results{' (--quick)' if args.quick else ''}\n")
    L.append(f"Run {meta['date']}, {meta['haproxy']}, {meta['java']}, {meta['cpus']} CPUs shared with other work; "
             f"load average at start {meta['load_start']}, at end {meta['load_end']}; "
             f"{meta['duration_min']:.1f} minutes.\n")
    if tp_rows:
        L.append(f"## Throughput ({args.reps} repetitions x {args.duration}s per cell, wrk -t2, both proxies running at once)\n")
        L.append("Ratios are Java proxy / HAProxy with the same `nbthread`, computed per repetition (the two "
                 "runs of a pair are back to back) and then the median. CPU = utime+stime of the proxy process "
                 "per request. `x direct` = req/s relative to wrk straight at the backend.\n")
        L.append("| threads | mode | size | conns | CPU us/req HAProxy | CPU us/req Java | CPU ratio | req/s HAProxy | req/s Java | req/s ratio | p50 ratio | p99 ratio | p99 ms H / J | HAProxy x direct | Java x direct | errors |")
        L.append("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
        for r in tp_rows:
            L.append(f"| {r['threads']} | {r['mode']} | {r['size']} | {r['conns']} | {r['hap_cpu_us']:.1f} | {r['java_cpu_us']:.1f} | "
                     f"**{r['cpu_ratio']:.2f}** | {r['hap_rps']:.0f} | {r['java_rps']:.0f} | **{r['rps_ratio']:.2f}** | "
                     f"{r['p50_ratio']:.2f} | {r['p99_ratio']:.2f} | {r['hap_p99_ms']:.2f} / {r['java_p99_ms']:.2f} | "
                     f"{r['hap_vs_direct']:.2f} | {r['java_vs_direct']:.2f} | {r['errors']} |")
        L.append("")
        L.append("Resident memory (VmRSS) at the end of the run, MiB: " +
                 ", ".join(f"{k} {v / 1024:.1f}" for k, v in sorted(final_rss.items())) + "; ratio Java / HAProxy: " +
                 ", ".join(f"nbthread {t}: {final_rss[f'java-{t}'] / final_rss[f'haproxy-{t}']:.1f}"
                           for t in args.threads if final_rss.get(f"haproxy-{t}")) + ".\n")
        L.append("Load average (1, 5, 15 min) at the start of each repetition: " + "; ".join(meta["rep_loads"]) + ".\n")
    if fail:
        L.append(f"## Backend failure ({args.failure_reps} runs per configuration)\n")
        L.append(f"{args.failure_conns} keep-alive clients (`GET /small`) through a proxy with two servers "
                 f"(`check inter 1s rise 2 fall 3`, `retries 3`, `timeout connect 1s`, nbthread 1); "
                 f"server b2's nginx is stopped (SIGTERM, fast shutdown) at {args.stop_at}s and started again "
                 f"{args.down_for}s later; the run lasts {args.stop_at + args.down_for + args.after}s. A stall is a "
                 f"100 ms interval with less than 20% of the median completions before the failure. Down/up: "
                 f"seconds from the stop/restart until the proxy's stats show b2 DOWN/UP (polled every 100 ms; "
                 f"target: down within fall x inter = 3 s).\n")
        L.append("| proxy | config | run | 5xx | socket errors | longest stall ms | low 100ms buckets | down after s | up after s | ok requests | load |")
        L.append("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
        for r in fail:
            kinds = ", ".join(f"{k} {v}" for k, v in sorted(r["error_kinds"].items()))
            L.append(f"| {r['kind']} | {r['config']} | {r['rep'] + 1} | {r['http_5xx']} | {r['socket_errors']}"
                     f"{' (' + kinds + ')' if kinds else ''} | {r['longest_stall_ms']} | {r['low_buckets']} | "
                     f"{r['down_after_s']} | {r['up_after_s']} | {r['requests_ok']} | {r['load']} |")
        L.append("")
    with open(path, "w") as f:
        f.write("\n".join(L))


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repo", required=True)
    ap.add_argument("--jar", required=True)
    ap.add_argument("--quick", action="store_true", help="2 repetitions, 1 s runs, one failure run each")
    ap.add_argument("--only", choices=["throughput", "failure"], help="run one part only")
    ap.add_argument("--reps", type=int, default=8)
    ap.add_argument("--duration", type=int, default=2, help="seconds per wrk run (whole seconds)")
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--conns", type=int, nargs="+", default=[50, 200])
    ap.add_argument("--sizes", nargs="+", default=["small", "big"])
    ap.add_argument("--modes", nargs="+", choices=["http", "tcp"], default=["http", "tcp"])
    ap.add_argument("--out", default=None,
                    help="results file name without extension (default results, or results-quick with --quick)")
    ap.add_argument("--failure-reps", type=int, default=3)
    ap.add_argument("--failure-conns", type=int, default=16)
    ap.add_argument("--stop-at", type=float, default=3.0)
    ap.add_argument("--down-for", type=float, default=6.0)
    ap.add_argument("--after", type=float, default=4.0)
    ap.add_argument("--max-minutes", type=float, default=25.0, help="stop starting repetitions after this")
    args = ap.parse_args()
    if "LL_HPBENCH_NS" not in os.environ:
        sys.exit("proxybench.py must run inside its namespace; use run.sh")
    if args.quick:
        args.reps, args.duration, args.warmup, args.failure_reps = 2, 1, 2, 1
    here = os.path.dirname(os.path.abspath(__file__))
    work = os.path.join(here, "work")
    os.makedirs(work, exist_ok=True)
    pids_file = os.path.join(work, "pids")
    open(pids_file, "w").close()
    meta = {"date": time.strftime("%Y-%m-%d %H:%M"), "load_start": loadavg(), "cpus": os.cpu_count(),
            "haproxy": subprocess.run(["haproxy", "-v"], capture_output=True, text=True).stdout.splitlines()[0],
            "java": subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()[0]}
    t0 = time.time()
    tp_rows, final_rss, fail, runs = [], {}, [], []
    try:
        if args.only in (None, "throughput"):
            runs, final_rss = throughput(args, work, pids_file)
            tp_rows = summarize_throughput(runs)
            meta["rep_loads"] = [next(r["load"] for r in runs if r["rep"] == k) for k in sorted({r["rep"] for r in runs})]
        if args.only in (None, "failure"):
            fail = failure(args, work, pids_file)
    finally:
        stop_all()
    meta["load_end"] = loadavg()
    meta["duration_min"] = (time.time() - t0) / 60
    name = args.out or ("results-quick" if args.quick else "results")
    write_report(os.path.join(here, f"{name}.md"), args, tp_rows, final_rss, fail, meta)
    with open(os.path.join(here, f"{name}.json"), "w") as f:
        json.dump({"meta": meta, "throughput": tp_rows, "rss_kib": final_rss, "runs": runs, "failure": fail}, f, indent=1)
    log(f"done in {meta['duration_min']:.1f} min: {os.path.join(here, name + '.md')}")


if __name__ == "__main__":
    main()
