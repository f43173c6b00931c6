package io.lifeline.agent.haproxy;

import io.lifeline.agent.AgentDetails;
import io.lifeline.agent.AgentHints;
import io.lifeline.agent.AgentResult;
import io.lifeline.agent.OcfStatus;
import io.lifeline.agent.ResourceAgent;
import io.lifeline.process.ProcessRequest;
import io.lifeline.process.ProcessResult;
import io.lifeline.process.ProcessRunner;
import io.lifeline.process.ScriptEnvironment;
import io.lifeline.config.ConfigFileReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Runs the real HAProxy as a resource: {@code HAProxy::/etc/haproxy/haproxy.cfg}.
 *
 * <p>haproxy runs in <b>master-worker mode</b> ({@code -W -D}), with the pid file
 * ({@code -p}, the master's pid) and a master CLI socket ({@code -S}) in the instance's run
 * directory. Master-worker rather than the old daemon mode because the master does the
 * hand-over itself: a reload is one SIGUSR2 to a process whose pid never changes, the master
 * keeps the listening sockets open across it (no refused connections, no {@code -sf}/{@code -x}
 * choreography with pid lists), old workers finish their connections, a configuration that
 * fails at reload leaves the old workers serving, and the master CLI's {@code show proc} tells
 * whether the new worker came up. The master also takes its workers down with it, and exits
 * when its worker dies, so a crash of either is visible through the pid file.
 *
 * <ul>
 *   <li><b>validate</b>, and before every start and reload: {@code haproxy -c -f FILE}; a bad
 *       file is {@link OcfStatus#ERR_CONFIGURED} with haproxy's own alerts ({@code file:line:
 *       message}), and a running haproxy keeps its configuration.</li>
 *   <li><b>monitor</b>: the pid file's master is alive, and the runtime API answers
 *       {@code show info} (and {@code show stat}, kept for {@link #details}): on the
 *       configuration's {@code stats socket} when it declares one, else through the master CLI
 *       ({@code @1 show info}, forwarded to the current worker). It only observes: when the file
 *       changed since haproxy loaded it (and {@code autoreload=no} is not set), it answers
 *       {@link AgentResult#runningWithChangedConfig}, and the manager issues the reload.</li>
 *   <li><b>reload</b>: validate, SIGUSR2 to the master, then wait until {@code show proc}
 *       lists a new worker, or the master reports a failed reload. A file that fails validation
 *       is refused ({@link OcfStatus#ERR_CONFIGURED}), haproxy keeps its running configuration,
 *       and the monitor does not report that version of the file again.</li>
 *   <li><b>stop</b>: SIGUSR1 (soft stop: listeners closed, connections finish), then SIGTERM
 *       and SIGKILL to every process of the instance once the time runs out.</li>
 * </ul>
 */
final class HaproxyAgent implements ResourceAgent {

    private static final Logger log = LoggerFactory.getLogger(HaproxyAgent.class);
    private static final Duration POLL = Duration.ofMillis(50);
    /** Time kept back from stop's timeout for SIGTERM and SIGKILL after the soft stop. */
    private static final Duration FORCE_BUDGET = Duration.ofSeconds(2);

    private final String instance;
    private final HaproxySettings settings;
    private final ProcessRunner runner;
    private final InstanceProcesses processes;

    /** Hash of the file haproxy runs with, when this agent started or reloaded it. */
    private byte[] loadedHash;
    /** Hash of a changed file that a reload refused, so the monitor does not report it again. */
    private byte[] rejectedHash;
    /** The runtime API socket of the configuration haproxy runs with; empty = use the master CLI. */
    private Optional<RuntimeApi.Endpoint> runningSocket;
    private volatile HaproxySnapshot snapshot;

    HaproxyAgent(String instance, HaproxySettings settings, ProcessRunner runner) {
        this.instance = instance;
        this.settings = settings;
        this.runner = runner;
        this.processes = new InstanceProcesses(settings.pidFile());
    }

    @Override
    public String type() {
        return "HAProxy";
    }

    @Override
    public String instance() {
        return instance;
    }

    HaproxySettings settings() {
        return settings;
    }

    // ---------------------------------------------------------------- actions

    @Override
    public synchronized AgentResult start(Duration timeout) {
        long deadline = deadline(timeout);
        if (!Files.isExecutable(settings.binary())) {
            return AgentResult.failed(OcfStatus.ERR_INSTALLED, "haproxy is not installed (" + settings.binary() + ")");
        }
        Health before = health(deadline);
        if (before.status == OcfStatus.SUCCESS) {
            return AgentResult.ok("already running: " + before.message);
        }
        List<Long> leftovers = processes.all();
        if (!leftovers.isEmpty()) {
            log.warn("{}: ending leftover haproxy processes {} before starting ({})", instance, leftovers, before.message);
            leftovers.forEach(pid -> PosixSignals.send(pid, PosixSignals.SIGKILL));
            waitUntil(() -> processes.all().isEmpty(), deadline);
        }
        byte[] hash = hashOfConfig();
        AgentResult valid = check(deadline);
        if (!valid.isSuccess()) {
            return valid;
        }
        try {
            Files.createDirectories(settings.runDir(),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-x---")));
            Files.deleteIfExists(settings.pidFile());
        } catch (IOException e) {
            return AgentResult.failed(OcfStatus.ERR_PERM, "cannot prepare run directory " + settings.runDir() + ": " + e);
        }
        ProcessResult launched = run("start", List.of(settings.binary().toString(), "-W", "-D",
                "-f", settings.config().toString(), "-p", settings.pidFile().toString(),
                "-S", settings.masterSocket() + ",mode,600"), deadline, Level.INFO);
        if (!launched.exited() || launched.exitCode() != 0) {
            return AgentResult.failed(OcfStatus.ERR_GENERIC, "haproxy did not start: " + describe(launched));
        }
        runningSocket = socketOf(settings.config());
        Health after = awaitHealthy(deadline);
        if (after.status != OcfStatus.SUCCESS) {
            List<Long> started = processes.all();
            started.forEach(pid -> PosixSignals.send(pid, PosixSignals.SIGKILL));
            return AgentResult.failed(OcfStatus.ERR_GENERIC, "haproxy started but is not healthy within "
                    + timeout.toMillis() + " ms (" + after.message + "); killed " + started);
        }
        loadedHash = hash;
        rejectedHash = null;
        log.info("{}: started: {}", instance, after.message);
        return AgentResult.ok(after.message);
    }

    @Override
    public synchronized AgentResult stop(Duration timeout) {
        long deadline = deadline(timeout);
        long softDeadline = deadline - Math.min(FORCE_BUDGET.toNanos(), timeout.toNanos() / 4);
        OptionalLong master = processes.masterFromPidFile();
        List<Long> pids = processes.all();
        snapshot = null;
        if (pids.isEmpty()) {
            cleanRunFiles();
            return AgentResult.ok("not running");
        }
        if (master.isPresent() && pids.contains(master.getAsLong())) {
            PosixSignals.send(master.getAsLong(), PosixSignals.SIGUSR1);
        } else {
            pids.forEach(pid -> PosixSignals.send(pid, PosixSignals.SIGUSR1)); // orphaned workers soft-stop too
        }
        String how = "soft stop";
        if (!waitUntil(() -> processes.all().isEmpty(), softDeadline)) {
            List<Long> left = processes.all();
            log.warn("{}: haproxy processes {} still running after the soft stop; sending SIGTERM", instance, left);
            left.forEach(pid -> PosixSignals.send(pid, PosixSignals.SIGTERM));
            how = "SIGTERM";
            long termDeadline = System.nanoTime() + (deadline - System.nanoTime()) / 2;
            if (!waitUntil(() -> processes.all().isEmpty(), termDeadline)) {
                left = processes.all();
                log.warn("{}: haproxy processes {} survived SIGTERM; sending SIGKILL", instance, left);
                left.forEach(pid -> PosixSignals.send(pid, PosixSignals.SIGKILL));
                how = "SIGKILL";
                waitUntil(() -> processes.all().isEmpty(), deadline);
            }
        }
        List<Long> survivors = processes.all();
        if (!survivors.isEmpty()) {
            return AgentResult.failed(OcfStatus.ERR_GENERIC, "haproxy processes " + survivors + " survived SIGKILL");
        }
        cleanRunFiles();
        String message = "stopped haproxy (processes " + pids + ", " + how + ")";
        log.info("{}: {}", instance, message);
        return AgentResult.ok(message);
    }

    @Override
    public synchronized AgentResult monitor(Duration timeout) {
        return monitor(timeout, settings.autoReload());
    }

    /** The one-off check: "not installed" is simply "not running here", and no change is reported. */
    @Override
    public synchronized AgentResult probe(Duration timeout) {
        if (!Files.isExecutable(settings.binary()) && processes.all().isEmpty()) {
            return AgentResult.notRunning("haproxy is not installed (" + settings.binary() + ")");
        }
        return monitor(timeout, false);
    }

    /**
     * Looks, and changes nothing: the health of the instance, and with {@code reportChanges}
     * whether the file differs from the one haproxy loaded (the manager then asks for a reload).
     */
    private AgentResult monitor(Duration timeout, boolean reportChanges) {
        long deadline = deadline(timeout);
        Health h = health(deadline);
        if (h.status == OcfStatus.NOT_RUNNING && !Files.isExecutable(settings.binary())) {
            return AgentResult.notRunning("haproxy is not installed (" + settings.binary() + ")");
        }
        if (h.status != OcfStatus.SUCCESS || !reportChanges) {
            return new AgentResult(h.status, h.message);
        }
        byte[] now = hashOfConfig();
        if (loadedHash == null || now == null || Arrays.equals(now, loadedHash) || Arrays.equals(now, rejectedHash)) {
            return new AgentResult(h.status, h.message);
        }
        return AgentResult.runningWithChangedConfig(h.message + "; " + settings.config() + " changed since haproxy loaded it");
    }

    @Override
    public synchronized AgentResult validate(Duration timeout) {
        if (!Files.isExecutable(settings.binary())) {
            return AgentResult.failed(OcfStatus.ERR_INSTALLED, "haproxy is not installed (" + settings.binary() + ")");
        }
        AgentResult r = check(deadline(timeout));
        return r.isSuccess() ? AgentResult.ok(settings.config() + " is valid") : r;
    }

    @Override
    public synchronized AgentResult reload(Duration timeout) {
        long deadline = deadline(timeout);
        Health h = health(deadline);
        if (h.status != OcfStatus.SUCCESS) {
            return new AgentResult(h.status, "cannot reload: " + h.message);
        }
        return reloadRunning(h, deadline);
    }

    private AgentResult reloadRunning(Health running, long deadline) {
        byte[] hash = hashOfConfig();
        AgentResult valid = check(deadline);
        if (!valid.isSuccess()) {
            if (valid.status() == OcfStatus.ERR_CONFIGURED) {
                rejectedHash = hash; // the monitor reports this version as changed no more
                log.warn("{}: {} is not valid; haproxy keeps running its previous configuration: {}",
                        instance, settings.config(), valid.message());
            }
            return AgentResult.failed(valid.status(), "reload refused, haproxy keeps its running configuration: "
                    + valid.message());
        }
        ShowProc before;
        try {
            before = ShowProc.parse(RuntimeApi.query(masterCli(), "show proc", remaining(deadline)));
        } catch (IOException e) {
            return AgentResult.failed(OcfStatus.ERR_GENERIC, "cannot reload: the master CLI " + masterCli()
                    + " does not answer: " + e.getMessage());
        }
        Set<Long> oldWorkers = new HashSet<>(before.workers());
        oldWorkers.addAll(before.oldWorkers());
        if (!PosixSignals.send(running.master, PosixSignals.SIGUSR2)) {
            return AgentResult.failed(OcfStatus.ERR_GENERIC, "cannot signal haproxy master " + running.master);
        }
        ShowProc after = null;
        String lastError = "no answer yet";
        while (System.nanoTime() < deadline) {
            LockSupport.parkNanos(POLL.toNanos());
            try {
                // the master re-executes itself on SIGUSR2: its CLI is briefly unavailable
                ShowProc p = ShowProc.parse(RuntimeApi.query(masterCli(), "show proc", remaining(deadline)));
                if (p.failedReloads() > before.failedReloads()) {
                    return AgentResult.failed(OcfStatus.ERR_GENERIC, "haproxy could not load the new configuration; "
                            + "the previous workers " + before.workers() + " keep serving (see haproxy's log)");
                }
                if (p.workers().stream().anyMatch(w -> !oldWorkers.contains(w))) {
                    after = p;
                    break;
                }
            } catch (IOException e) {
                lastError = e.getMessage();
            }
        }
        if (after == null) {
            return AgentResult.failed(OcfStatus.ERR_GENERIC, "haproxy did not start a new worker after SIGUSR2 ("
                    + lastError + ")");
        }
        loadedHash = hash;
        rejectedHash = null;
        runningSocket = socketOf(settings.config());
        Health h = awaitHealthy(deadline);
        String message = "reloaded " + settings.config() + ": workers " + before.workers() + " -> " + after.workers();
        log.info("{}: {}", instance, message);
        return new AgentResult(h.status, h.status == OcfStatus.SUCCESS ? message : message + ", but " + h.message);
    }

    @Override
    public AgentDetails details() {
        HaproxySnapshot s = snapshot;
        return s == null ? AgentDetails.NONE : s.details(Instant.now());
    }

    @Override
    public AgentHints hints() {
        return new AgentHints(List.of(
                new AgentHints.ActionHint("start", Optional.of(Duration.ofSeconds(20)), Optional.empty(), 0),
                new AgentHints.ActionHint("stop", Optional.of(Duration.ofSeconds(30)), Optional.empty(), 0),
                new AgentHints.ActionHint("reload", Optional.of(Duration.ofSeconds(20)), Optional.empty(), 0),
                new AgentHints.ActionHint("monitor", Optional.of(Duration.ofSeconds(10)),
                        Optional.of(Duration.ofSeconds(10)), 0)));
    }

    // ---------------------------------------------------------------- health

    /** The state found by one look: status, a message, the master's pid when known. */
    private record Health(OcfStatus status, String message, long master) {
    }

    private Health health(long deadline) {
        OptionalLong m = processes.masterFromPidFile();
        if (m.isEmpty() || !processes.isInstanceProcess(m.getAsLong())) {
            List<Long> left = processes.all();
            if (!left.isEmpty()) {
                return new Health(OcfStatus.ERR_GENERIC, "haproxy master "
                        + (m.isPresent() ? "(pid " + m.getAsLong() + ") " : "") + "is gone but processes " + left
                        + " of this instance still run", -1);
            }
            return new Health(OcfStatus.NOT_RUNNING, m.isPresent()
                    ? "haproxy is not running (stale pid file " + settings.pidFile() + " names " + m.getAsLong() + ")"
                    : "haproxy is not running", -1);
        }
        long master = m.getAsLong();
        // the master must answer too: it is the one that reloads and stops, and right after
        // start its CLI comes up a little after the worker's stats socket
        ShowProc proc;
        try {
            proc = ShowProc.parse(RuntimeApi.query(masterCli(), "show proc", remaining(deadline)));
        } catch (IOException | RuntimeException e) {
            return new Health(OcfStatus.ERR_GENERIC, "haproxy master " + master + " runs but its master CLI "
                    + masterCli() + " does not answer: " + e.getMessage(), master);
        }
        if (proc.workers().isEmpty()) {
            return new Health(OcfStatus.ERR_GENERIC, "haproxy master " + master + " has no current worker", master);
        }
        if (runningSocket == null) {
            runningSocket = socketOf(settings.config()); // e.g. after a daemon restart found it running
        }
        RuntimeApi.Endpoint endpoint = runningSocket.orElse(masterCli());
        String prefix = runningSocket.isPresent() ? "" : "@1 ";
        String source = runningSocket.isPresent() ? "stats socket " + endpoint : "master CLI " + endpoint;
        try {
            ShowInfo info = ShowInfo.parse(RuntimeApi.query(endpoint, prefix + "show info", remaining(deadline)));
            ShowStat stat = ShowStat.parse(RuntimeApi.query(endpoint, prefix + "show stat", remaining(deadline)));
            snapshot = new HaproxySnapshot(info, stat, Instant.now(), master, source);
            return new Health(OcfStatus.SUCCESS, "haproxy " + info.version() + " (master " + master + ", worker "
                    + info.pid() + ") is running", master);
        } catch (IOException | RuntimeException e) {
            return new Health(OcfStatus.ERR_GENERIC, "haproxy (master " + master + ") runs but its " + source
                    + " does not answer: " + e.getMessage(), master);
        }
    }

    private Health awaitHealthy(long deadline) {
        Health h = health(deadline);
        while (h.status != OcfStatus.SUCCESS && System.nanoTime() < deadline) {
            LockSupport.parkNanos(POLL.toNanos());
            h = health(deadline);
        }
        return h;
    }

    private RuntimeApi.Endpoint masterCli() {
        return RuntimeApi.Endpoint.unix(settings.masterSocket());
    }

    private Optional<RuntimeApi.Endpoint> socketOf(Path config) {
        try {
            return StatsSocketScan.find(config);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    // ---------------------------------------------------------------- helpers

    /** {@code haproxy -c -f FILE}: success, or ERR_CONFIGURED with haproxy's alerts. */
    private AgentResult check(long deadline) {
        if (!Files.isRegularFile(settings.config())) {
            return AgentResult.failed(OcfStatus.ERR_CONFIGURED, settings.config() + " does not exist");
        }
        ProcessResult r = run("check", List.of(settings.binary().toString(), "-c", "-f",
                settings.config().toString()), deadline, Level.DEBUG);
        if (r.exited() && r.exitCode() == 0) {
            return AgentResult.ok();
        }
        if (!r.exited()) {
            return AgentResult.failed(OcfStatus.ERR_GENERIC, "haproxy -c: " + r.error());
        }
        return AgentResult.failed(OcfStatus.ERR_CONFIGURED, HaproxyMessages.alertSummary(r.stderr() + "\n" + r.stdout()));
    }

    private ProcessResult run(String action, List<String> command, long deadline, Level level) {
        return runner.run(new ProcessRequest(instance + " " + action, command, ScriptEnvironment.base(),
                remaining(deadline), level));
    }

    private static String describe(ProcessResult r) {
        if (!r.exited()) {
            return r.error();
        }
        return "exit code " + r.exitCode() + ": " + HaproxyMessages.alertSummary(r.stderr() + "\n" + r.stdout());
    }

    private byte[] hashOfConfig() {
        try {
            return MessageDigest.getInstance("SHA-256").digest(ConfigFileReader.bytes(settings.config()));
        } catch (IOException e) {
            return null;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }

    private void cleanRunFiles() {
        try {
            Files.deleteIfExists(settings.pidFile());
        } catch (IOException e) {
            log.warn("{}: cannot remove {}: {}", instance, settings.pidFile(), e.toString());
        }
    }

    private static long deadline(Duration timeout) {
        return System.nanoTime() + timeout.toNanos();
    }

    /** What is left until the deadline, at least 1 ms (a request needs a positive timeout). */
    private static Duration remaining(long deadline) {
        return Duration.ofNanos(Math.max(Duration.ofMillis(1).toNanos(), deadline - System.nanoTime()));
    }

    private static boolean waitUntil(BooleanSupplier condition, long deadline) {
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() >= deadline) {
                return false;
            }
            LockSupport.parkNanos(POLL.toNanos());
        }
        return true;
    }

    @Override
    public String metaData() {
        return """
                <?xml version="1.0"?>
                <!DOCTYPE resource-agent SYSTEM "ra-api-1.dtd">
                <resource-agent name="HAProxy" version="1.0">
                  <version>1.0</version>
                  <longdesc lang="en">Runs HAProxy in master-worker mode with a pid file and a master CLI socket in
                the run directory. Validates with haproxy -c, monitors the process and its runtime API, reloads
                without dropping connections (SIGUSR2 to the master), stops gracefully (SIGUSR1).</longdesc>
                  <shortdesc lang="en">HAProxy load balancer</shortdesc>
                  <parameters>
                    <parameter name="config" unique="1" required="1">
                      <longdesc lang="en">Path of haproxy's configuration file.</longdesc>
                      <shortdesc lang="en">Configuration file</shortdesc>
                      <content type="string" default="/etc/haproxy/haproxy.cfg"/>
                    </parameter>
                    <parameter name="binary">
                      <longdesc lang="en">The haproxy executable.</longdesc>
                      <shortdesc lang="en">haproxy binary</shortdesc>
                      <content type="string" default="/usr/sbin/haproxy"/>
                    </parameter>
                    <parameter name="rundir">
                      <longdesc lang="en">Directory for the pid file and the master CLI socket.</longdesc>
                      <shortdesc lang="en">Run directory</shortdesc>
                      <content type="string" default="/run/lifeline/haproxy/ID"/>
                    </parameter>
                    <parameter name="autoreload">
                      <longdesc lang="en">Whether a monitor that finds the configuration file changed reports it, so that the cluster manager reloads haproxy.</longdesc>
                      <shortdesc lang="en">Reload on change</shortdesc>
                      <content type="boolean" default="yes"/>
                    </parameter>
                  </parameters>
                  <actions>
                    <action name="start" timeout="20s"/>
                    <action name="stop" timeout="30s"/>
                    <action name="monitor" timeout="10s" interval="10s"/>
                    <action name="validate-all" timeout="10s"/>
                    <action name="reload" timeout="20s"/>
                    <action name="meta-data" timeout="5s"/>
                  </actions>
                </resource-agent>
                """;
    }
}
