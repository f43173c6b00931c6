"""What the benchmark drivers under bench/ share: logging, commands (also inside a network
namespace), CPU and load readings from /proc, median summaries and the registry of started
processes that cleanup ends by PID. Standard library only, like the drivers."""

import datetime
import json
import os
import signal
import socket
import statistics
import subprocess

# Default timeout of run()/nsexec(); a driver whose commands are slower may raise it.
RUN_TIMEOUT_S = 20


def log(msg):
    print(f"[{datetime.datetime.now().strftime('%H:%M:%S')}] {msg}", flush=True)


def run(cmd, check=True, timeout=None, input_text=None):
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout or RUN_TIMEOUT_S, input=input_text)
    if check and p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({p.returncode}): {p.stderr.strip()}")
    return p


def nsexec(ns, cmd, **kw):
    return run(["ip", "netns", "exec", ns] + cmd, **kw)


def loadavg():
    with open("/proc/loadavg") as f:
        return [float(x) for x in f.read().split()[:3]]


def cpu_busy_jiffies():
    """Jiffies all CPUs spent not idle (user to steal), from /proc/stat."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    return sum(fields[:8]) - fields[3] - fields[4]


def proc_cpu_jiffies(pid, with_children=False):
    """utime+stime (+cutime+cstime) of a live process, None if it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            rest = f.read().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return None
    total = int(rest[11]) + int(rest[12])
    if with_children:
        total += int(rest[13]) + int(rest[14])
    return total


def thread_cpu(pid):
    """{tid: (thread name, utime, stime)} of a live process's threads (jiffies), {} if it is gone."""
    out = {}
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except (FileNotFoundError, ProcessLookupError):
        return out
    for tid in tids:
        try:
            with open(f"/proc/{pid}/task/{tid}/stat") as f:
                raw = f.read()
        except (FileNotFoundError, ProcessLookupError):
            continue
        name, rest = raw[raw.index("(") + 1:raw.rindex(")")], raw[raw.rindex(")") + 2:].split()
        out[tid] = (name, int(rest[11]), int(rest[12]))
    return out


def write_authkeys(path, secret):
    """A fresh authkeys with one sha256 key, created with mode 600 (the daemon refuses others)."""
    if os.path.exists(path):
        os.unlink(path)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(f"auth 1\n1 sha256 {secret}\n")


def control_call(socket_path, command, args=None, timeout=3.0):
    """One request on a daemon's control socket (the JSON-lines protocol of io.lifeline.control):
    the reply object, or None if the daemon is not answering."""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(timeout)
            s.connect(socket_path)
            s.sendall((json.dumps({"v": 1, "command": command, "args": args or {}}) + "\n").encode())
            buf = b""
            while not buf.endswith(b"\n") and len(buf) < 1 << 22:
                chunk = s.recv(65536)
                if not chunk:
                    break
                buf += chunk
        return json.loads(buf)
    except (OSError, ValueError):
        return None


def control_status(socket_path, timeout=2.0):
    """The daemon's `status` result (what `hactl status --json` prints), or None if not answering."""
    reply = control_call(socket_path, "status", timeout=timeout)
    return reply.get("result") if reply and reply.get("ok") else None


def med_range(xs, digits=0):
    """'median (min-max)' of the values that are not None, or '-'."""
    xs = [x for x in xs if x is not None]
    if not xs:
        return "-"
    f = f"{{:.{digits}f}}"
    return f"{f.format(statistics.median(xs))} ({f.format(min(xs))}-{f.format(max(xs))})"


class Registry:
    """Every process this benchmark started, so cleanup can end exactly those (by PID).

    Processes whose kind (the `what` up to its first '-') is in `group_kinds` were started in
    their own session: kill_all kills their whole process group, which holds their helpers."""

    def __init__(self, pidfile, group_kinds=()):
        self.pidfile = pidfile
        self.group_kinds = tuple(group_kinds)
        self.procs = []
        self.extra = []  # PIDs of processes our children daemonized (for run.sh's cleanup)

    def add(self, p, what):
        self.procs.append((p, what))
        self._note(p.pid, what)
        return p

    def add_pid(self, pid, what):
        self.extra.append(pid)
        self._note(pid, what)

    def _note(self, pid, what):
        with open(self.pidfile, "a") as f:
            f.write(f"{pid} {what}\n")

    def kill_all(self):
        for p, what in self.procs:
            if what.split("-")[0] in self.group_kinds:
                try:
                    os.killpg(p.pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
            if p.poll() is None:
                try:
                    p.send_signal(signal.SIGKILL)
                except ProcessLookupError:
                    pass
        for p, _ in self.procs:
            try:
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
        self.procs.clear()


def run_driver(bench):
    """Runs a driver object (prepare(), main(), cleanup(), write(), results) to the end: SIGINT,
    SIGTERM and SIGHUP interrupt it, and cleanup and a last write happen whatever stopped it.
    Returns the exit code."""

    def on_signal(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")

    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, on_signal)
    try:
        bench.prepare()
        bench.main()
    except KeyboardInterrupt as e:
        log(f"interrupted ({e}); cleaning up")
        return 130
    finally:
        bench.cleanup()
        if bench.results.get("meta"):
            bench.write()
    return 0
