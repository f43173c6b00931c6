#!/usr/bin/env python3
"""hactl benchmark (issue 17 item 6): how long `hactl status` (and `events`) take as a whole
process, the way an admin or a script runs them: a lone Lifeline daemon in a network namespace
(PREFIX-solo), then RUNS timed runs of each command after one warm-up, wall time and the CPU
time of the process and its children (os.wait4's rusage). Quote medians: the box is shared.

  sudo python3 bench/hactl/hactl_bench.py [--runs 10] [--launcher bin/hactl] [--jar JAR]

--launcher/--jar measure another build (e.g. an older checkout's bin/hactl and jar). Every
process it started is killed by PID on exit, and its namespace is deleted. Standard library only.
"""

import argparse
import datetime
import json
import os
import signal
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import benchlib  # noqa: E402
from benchlib import log, nsexec, run  # noqa: E402


def timed(cmd, env):
    """(wall s, cpu s, exit code) of one run of cmd, its output thrown away."""
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.monotonic() - t0
    return wall, usage.ru_utime + usage.ru_stime, os.waitstatus_to_exitcode(status)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    repo = os.path.abspath(os.path.join(here, "..", ".."))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--prefix", default="ll-hb-")
    ap.add_argument("--launcher", default=os.path.join(repo, "bin", "hactl"))
    ap.add_argument("--jar", default="")
    ap.add_argument("--out", default=os.path.join(here, "results"))
    args = ap.parse_args()
    if os.geteuid() != 0:
        sys.exit("hactl_bench.py: run as root (it creates a network namespace)")
    if not 1 <= args.runs <= 100:
        sys.exit("hactl_bench.py: --runs must be 1..100")
    if not args.jar:
        jars = sorted(f for f in os.listdir(os.path.join(repo, "target")) if f.endswith("-all.jar"))
        if not jars:
            sys.exit("hactl_bench.py: no jar; build first: mvn -B -q package -DskipTests")
        args.jar = os.path.join(repo, "target", jars[-1])
    ns = args.prefix + "solo"
    work = os.path.join(here, "work")
    os.makedirs(work, exist_ok=True)
    registry = benchlib.Registry(os.path.join(work, "pids"), group_kinds=("lifeline",))
    env = dict(os.environ, LIFELINE_JAR=args.jar)
    env.pop("LIFELINE_JAVA_OPTS", None)
    results = {"runs": {}}
    try:
        run(["ip", "netns", "del", ns], check=False)
        run(["ip", "netns", "add", ns])
        nsexec(ns, ["sh", "-c", "ip link set lo up && ip link add eth0 type veth peer name eth0p && "
                                "ip addr add 198.51.100.61/24 brd + dev eth0 && ip link set eth0 up && "
                                "ip link set eth0p up"])
        with open(os.path.join(work, "ha.cf"), "w") as f:
            f.write("keepalive 1\ndeadtime 10\ninitdead 20\nbcast eth0\nnode n1 n2\n")
        with open(os.path.join(work, "haresources"), "w") as f:
            f.write("n1 IPaddr2::198.51.100.60/24/eth0\n")
        benchlib.write_authkeys(os.path.join(work, "authkeys"), "hactl-bench-secret")
        sock = os.path.join(work, "hactl.sock")
        daemon = registry.add(subprocess.Popen(
            ["ip", "netns", "exec", ns, args.launcher, "daemon", "--config", work, "--node", "n1",
             "--socket", sock, "--state-dir", os.path.join(work, "state")],
            stdout=open(os.path.join(work, "daemon.log"), "w"), stderr=subprocess.STDOUT, env=env,
            start_new_session=True), "lifeline-n1")
        end = time.monotonic() + 60
        while benchlib.control_status(sock) is None:
            if time.monotonic() > end or daemon.poll() is not None:
                raise RuntimeError("the daemon did not answer within 60 s (see work/daemon.log)")
            time.sleep(0.2)
        commands = {"status": ["status"], "status --json": ["status", "--json"], "events": ["events"]}
        java = os.environ.get("JAVA", "java")
        # the floor under every command: the JVM alone with the launcher's client flags (and the
        # JDK's own class-data archive), and hactl without the daemon (picocli's --version)
        floors = {"java -version (the JVM alone)": [java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                                                     "-XX:-UsePerfData", "-version"],
                  "--version (no socket)": [args.launcher, "--version"]}
        for name, cmd in floors.items():
            timed(cmd, env)
            rows = [timed(cmd, env) for _ in range(args.runs)]
            results["runs"][name] = [{"wall_s": round(w, 3), "cpu_s": round(c, 3), "rc": rc} for w, c, rc in rows]
            log(f"{name}: wall median {statistics.median(r[0] for r in rows):.3f} s, "
                f"CPU median {statistics.median(r[1] for r in rows):.3f} s")
        for name, words in commands.items():
            cmd = [args.launcher] + words + ["--socket", sock]
            timed(cmd, env)  # warm-up (and the command's class-data archive, if there is none yet)
            rows = [timed(cmd, env) for _ in range(args.runs)]
            results["runs"][name] = [{"wall_s": round(w, 3), "cpu_s": round(c, 3), "rc": rc} for w, c, rc in rows]
            log(f"{name}: wall median {statistics.median(r[0] for r in rows):.3f} s, "
                f"CPU median {statistics.median(r[1] for r in rows):.3f} s, exit codes {sorted({r[2] for r in rows})}")
    finally:
        registry.kill_all()
        run(["ip", "netns", "del", ns], check=False)
    meta = {"date": datetime.date.today().isoformat(),
            "commit": run(["git", "-C", repo, "rev-parse", "--short", "HEAD"], check=False).stdout.strip(),
            "launcher": args.launcher, "jar": args.jar, "load1": benchlib.loadavg()[0]}
    results["meta"] = meta
    with open(args.out + ".json", "w") as f:
        json.dump(results, f, indent=2)
    with open(args.out + ".md", "w") as f:
        f.write(f"# hactl as a whole process ({meta['date']}, {meta['commit']}, load {meta['load1']:.1f})\n\n")
        f.write(f"launcher `{args.launcher}`, jar `{args.jar}`, {args.runs} runs each after one warm-up\n\n")
        f.write("| command | wall s, median (min-max) | CPU s, median (min-max) |\n|---|---|---|\n")
        for name, rows in results["runs"].items():
            f.write(f"| {'' if name.startswith('java') else 'hactl '}{name} | {benchlib.med_range([r['wall_s'] for r in rows], 3)} | "
                    f"{benchlib.med_range([r['cpu_s'] for r in rows], 3)} |\n")
    log(f"wrote {args.out}.md/.json")


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(130))
    main()
