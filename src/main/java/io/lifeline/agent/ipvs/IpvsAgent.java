package io.lifeline.agent.ipvs;

import io.lifeline.agent.AgentDetails;
import io.lifeline.agent.AgentHints;
import io.lifeline.agent.AgentResult;
import io.lifeline.agent.OcfStatus;
import io.lifeline.agent.ResourceAgent;
import io.lifeline.agent.script.OcfMetaData;
import io.lifeline.process.ProcessRunner;
import io.lifeline.config.Diagnostics;
import io.lifeline.ipvs.check.CheckState;
import io.lifeline.ipvs.check.HealthCheck;
import io.lifeline.ipvs.check.HttpGetCheck;
import io.lifeline.ipvs.check.MiscScriptCheck;
import io.lifeline.ipvs.check.TcpConnectCheck;
import io.lifeline.ipvs.config.CheckSpec;
import io.lifeline.ipvs.config.IpvsConfig;
import io.lifeline.ipvs.config.IpvsConfigParser;
import io.lifeline.ipvs.config.RealServerSpec;
import io.lifeline.ipvs.config.VirtualServerSpec;
import io.lifeline.ipvs.kernel.IpvsCommand;
import io.lifeline.ipvs.kernel.IpvsDiff;
import io.lifeline.ipvs.kernel.IpvsException;
import io.lifeline.ipvs.kernel.IpvsKernel;
import io.lifeline.ipvs.kernel.IpvsTable;
import io.lifeline.ipvs.kernel.ServiceKey;
import io.lifeline.ipvs.kernel.VirtualService;
import io.lifeline.thread.NamedThreads;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code IPVS::FILE} resource: the virtual services a keepalived-style file declares,
 * installed in the kernel's IPVS table with the real servers that pass their health checks.
 *
 * <ul>
 *   <li><b>start</b> runs every check once (in parallel), installs the services and the real
 *       servers that passed, then keeps checking on the agent's own checker threads. Health
 *       changes are applied at once as the smallest set of ipvsadm commands.</li>
 *   <li><b>stop</b> ends the checks and deletes the file's virtual services, and nothing
 *       else: services it does not declare are never touched.</li>
 *   <li><b>monitor</b> compares the kernel with what the checks call for, repairs any drift
 *       (logged) and succeeds if the repair worked. Without running checks (e.g. after a
 *       daemon restart) it reports the file's services as not running, or as failed when
 *       they are still installed, so the manager cleans up and starts again.</li>
 * </ul>
 *
 * <p>The agent owns the services its file declares, identified by protocol, address and port.
 * One that already exists at start is taken over (with a warning).
 */
final class IpvsAgent implements ResourceAgent {

    private static final Logger log = LoggerFactory.getLogger(IpvsAgent.class);
    private static final int MAX_CHECK_THREADS = 8;
    private static final NamedThreads CHECK_THREADS = NamedThreads.daemon("ipvs-check");

    private final String instance;
    private final Path configFile;
    private final IpvsKernel kernel;
    private final ProcessRunner runner;
    /** Serialises every kernel read-diff-apply sequence: actions and health changes. */
    private final Object kernelLock = new Object();

    /** Set while started; guarded by kernelLock. */
    private Running running;
    private volatile AgentDetails details = AgentDetails.NONE;

    /** The checks and health of one start. */
    private record Running(IpvsConfig config, ScheduledThreadPoolExecutor executor, List<VirtualServerHealth> servers) {
        List<ServiceKey> owned() {
            return config.serviceKeys();
        }

        IpvsTable desired() {
            Map<ServiceKey, VirtualService> services = new LinkedHashMap<>();
            servers.forEach(s -> services.put(s.spec().key(), s.desired()));
            return new IpvsTable(services);
        }
    }

    IpvsAgent(String instance, Path configFile, IpvsKernel kernel, ProcessRunner runner) {
        this.instance = instance;
        this.configFile = configFile;
        this.kernel = kernel;
        this.runner = runner;
    }

    @Override
    public String type() {
        return "IPVS";
    }

    @Override
    public String instance() {
        return instance;
    }

    /** The parsed file, or the errors as a failed result. */
    private record Loaded(IpvsConfig config, AgentResult failure) {
    }

    private Loaded load() {
        Diagnostics d = new Diagnostics();
        IpvsConfig config = IpvsConfigParser.parse(configFile, d);
        d.warnings().forEach(w -> log.warn("{}: {}", instance, w));
        if (config == null) {
            return new Loaded(null, AgentResult.failed(OcfStatus.ERR_CONFIGURED, IpvsConfigParser.summary(d)));
        }
        return new Loaded(config, null);
    }

    @Override
    public AgentResult start(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (kernelLock) {
            if (running != null) {
                return AgentResult.ok("already running");
            }
        }
        Loaded loaded = load();
        if (loaded.failure != null) {
            return loaded.failure;
        }
        IpvsConfig config = loaded.config;
        IpvsTable before;
        try {
            before = kernel.read(); // fails early and clearly when ipvsadm or IPVS is missing
        } catch (IpvsException e) {
            return AgentResult.failed(status(e), e.getMessage());
        }

        int checks = config.virtualServers().stream()
                .flatMap(v -> v.realServers().stream()).mapToInt(r -> r.checks().size()).sum();
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(
                Math.max(1, Math.min(MAX_CHECK_THREADS, checks)), CHECK_THREADS);
        executor.setRemoveOnCancelPolicy(true);
        CountDownLatch firstResults = new CountDownLatch(checks);
        List<VirtualServerHealth> servers = new ArrayList<>();
        List<CheckLoop> loops = new ArrayList<>();
        Running r = new Running(config, executor, servers);
        for (VirtualServerSpec vs : config.virtualServers()) {
            List<RealServerHealth> reals = new ArrayList<>();
            for (RealServerSpec rs : vs.realServers()) {
                List<CheckLoop> rsLoops = new ArrayList<>();
                String owner = instance + ": " + vs.key() + " real server " + rs.endpoint();
                for (CheckSpec spec : rs.checks()) {
                    CheckLoop loop = new CheckLoop(owner, healthCheck(spec), new CheckState(spec.timing()), executor,
                            changed -> onHealthChange(r), firstResults);
                    rsLoops.add(loop);
                }
                loops.addAll(rsLoops);
                reals.add(new RealServerHealth(rs, rsLoops));
            }
            servers.add(new VirtualServerHealth(vs, reals));
        }
        loops.forEach(CheckLoop::start);

        // most of the action's time may go to the first round of checks; keep some for ipvsadm
        long waitNanos = Math.max(0, (deadline - System.nanoTime()) * 3 / 4);
        try {
            if (!firstResults.await(waitNanos, TimeUnit.NANOSECONDS)) {
                log.warn("{}: {} of {} checks had not answered within {} ms of start; those real servers are added"
                        + " when their checks pass", instance, firstResults.getCount(), checks,
                        TimeUnit.NANOSECONDS.toMillis(waitNanos));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            shutdown(executor, loops);
            return AgentResult.failed(OcfStatus.ERR_GENERIC, "interrupted while running the first checks");
        }

        synchronized (kernelLock) {
            for (ServiceKey key : config.serviceKeys()) {
                if (before.service(key) != null) {
                    log.warn("{}: virtual service {} already exists in the kernel; taking it over", instance, key);
                }
            }
            running = r;
            try {
                reconcile(r, "start");
            } catch (IpvsException e) {
                running = null;
                shutdown(executor, loops);
                return AgentResult.failed(status(e), e.getMessage());
            }
        }
        return AgentResult.ok(summary(r));
    }

    private HealthCheck healthCheck(CheckSpec spec) {
        if (spec instanceof CheckSpec.Tcp t) {
            return new TcpConnectCheck(t);
        }
        if (spec instanceof CheckSpec.HttpGet h) {
            return new HttpGetCheck(h);
        }
        return new MiscScriptCheck((CheckSpec.Misc) spec, runner, instance);
    }

    /** A checker changed a real server's health: apply what that changes, on the checker's thread. */
    @SuppressWarnings("ReferenceEquality") // this start's Running, not an equal one
    private void onHealthChange(Running r) {
        synchronized (kernelLock) {
            if (running != r) {
                return; // stopped, or start has not installed anything yet (it will read the health)
            }
            try {
                reconcile(r, "health change");
            } catch (IpvsException e) {
                log.error("{}: cannot apply a health change to the kernel: {} (the next monitor retries)",
                        instance, e.getMessage());
            }
        }
    }

    /** Reads the kernel, applies the difference to what the checks call for. Caller holds kernelLock. */
    private List<IpvsCommand> reconcile(Running r, String why) throws IpvsException {
        IpvsTable desired = r.desired();
        details = IpvsDetails.of(r.servers());
        IpvsTable actual = kernel.read();
        List<IpvsCommand> commands = IpvsDiff.between(desired, actual, r.owned());
        for (IpvsCommand c : commands) {
            log.info("{}: {}: {}", instance, why, c.commandLine());
            kernel.apply(c);
        }
        return commands;
    }

    @Override
    public AgentResult stop(Duration timeout) {
        Running r;
        synchronized (kernelLock) {
            r = running;
            running = null;
        }
        List<ServiceKey> owned;
        if (r != null) {
            shutdown(r.executor(), List.of());
            r.servers().forEach(s -> s.realServers().forEach(rs -> rs.loops().forEach(CheckLoop::cancel)));
            owned = r.owned();
        } else {
            Loaded loaded = load();
            if (loaded.failure != null) {
                return AgentResult.failed(OcfStatus.ERR_CONFIGURED,
                        "cannot tell which virtual services to remove: " + loaded.failure.message());
            }
            owned = loaded.config.serviceKeys();
        }
        synchronized (kernelLock) {
            details = AgentDetails.NONE;
            IpvsTable actual;
            try {
                actual = kernel.read();
            } catch (IpvsException e) {
                if (e.kind() == IpvsException.Kind.NOT_INSTALLED) {
                    return AgentResult.ok("nothing to remove: " + e.getMessage());
                }
                return AgentResult.failed(status(e), e.getMessage());
            }
            List<IpvsCommand> commands = IpvsDiff.between(IpvsTable.EMPTY, actual, owned);
            try {
                for (IpvsCommand c : commands) {
                    log.info("{}: stop: {}", instance, c.commandLine());
                    kernel.apply(c);
                }
            } catch (IpvsException e) {
                return AgentResult.failed(status(e), e.getMessage());
            }
            return AgentResult.ok(commands.isEmpty() ? "no virtual service was installed"
                    : "removed " + commands.stream().map(c -> c.service().toString()).collect(Collectors.joining(", ")));
        }
    }

    @Override
    public AgentResult monitor(Duration timeout) {
        synchronized (kernelLock) {
            Running r = running;
            if (r == null) {
                return monitorUnmanaged();
            }
            IpvsTable desired = r.desired();
            details = IpvsDetails.of(r.servers());
            try {
                IpvsTable actual = kernel.read();
                List<IpvsCommand> repairs = IpvsDiff.between(desired, actual, r.owned());
                if (repairs.isEmpty()) {
                    return AgentResult.ok(summary(r));
                }
                String what = repairs.stream().map(IpvsCommand::commandLine).collect(Collectors.joining("; "));
                log.warn("{}: the kernel's IPVS table differs from the checked state; repairing: {}", instance, what);
                for (IpvsCommand c : repairs) {
                    kernel.apply(c);
                }
                return AgentResult.ok("repaired drift: " + what);
            } catch (IpvsException e) {
                return AgentResult.failed(e.kind() == IpvsException.Kind.NOT_INSTALLED ? OcfStatus.ERR_GENERIC : status(e),
                        "cannot check or repair the IPVS table: " + e.getMessage());
            }
        }
    }

    /** Monitor with no checks running in this JVM. Caller holds kernelLock. */
    private AgentResult monitorUnmanaged() {
        Loaded loaded = load();
        if (loaded.failure != null) {
            return loaded.failure;
        }
        IpvsTable actual;
        try {
            actual = kernel.read();
        } catch (IpvsException e) {
            if (e.kind() == IpvsException.Kind.NOT_INSTALLED) {
                return AgentResult.notRunning(e.getMessage());
            }
            return AgentResult.failed(status(e), e.getMessage());
        }
        List<String> present = loaded.config.serviceKeys().stream()
                .filter(k -> actual.service(k) != null).map(ServiceKey::toString).toList();
        if (present.isEmpty()) {
            return AgentResult.notRunning("no virtual service of " + configFile + " is installed");
        }
        return AgentResult.failed(OcfStatus.ERR_GENERIC, "virtual services " + present
                + " are installed but no health checks run for them in this daemon (left from an earlier run)");
    }

    @Override
    public AgentResult validate(Duration timeout) {
        Loaded l = load();
        return l.failure != null ? l.failure : AgentResult.ok(configFile + " is valid");
    }

    @Override
    public AgentHints hints() {
        return OcfMetaData.parse(metaData()).hints();
    }

    @Override
    public AgentDetails details() {
        return details;
    }

    private static String summary(Running r) {
        long serving = r.servers().stream().mapToLong(VirtualServerHealth::serving).sum();
        long total = r.servers().stream().mapToLong(s -> s.realServers().size()).sum();
        long sorry = r.servers().stream().filter(VirtualServerHealth::sorryServerActive).count();
        return r.servers().size() + " virtual service" + (r.servers().size() == 1 ? "" : "s") + ", " + serving + " of "
                + total + " real servers serving" + (sorry > 0 ? ", " + sorry + " on the sorry server" : "");
    }

    private void shutdown(ScheduledThreadPoolExecutor executor, List<CheckLoop> loops) {
        loops.forEach(CheckLoop::cancel);
        executor.shutdownNow(); // interrupts a running MISC_CHECK, whose process group is then killed
        try {
            if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                log.warn("{}: health checks still running 5 s after stop; they are abandoned", instance);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String metaData() {
        return """
                <?xml version="1.0"?>
                <!DOCTYPE resource-agent SYSTEM "ra-api-1.dtd">
                <resource-agent name="IPVS" version="1.0">
                  <version>1.0</version>
                  <longdesc lang="en">IPVS (LVS) virtual services with keepalived-style health checks of their real
                servers, declared in a file that uses keepalived's virtual_server syntax (see docs/ipvs.md).
                The kernel is driven through ipvsadm.</longdesc>
                  <shortdesc lang="en">IPVS virtual services with real-server health checks</shortdesc>
                  <parameters>
                    <parameter name="config" unique="1" required="1">
                      <longdesc lang="en">Path of the file with the virtual_server blocks.</longdesc>
                      <shortdesc lang="en">Configuration file</shortdesc>
                      <content type="string" default="/etc/ha.d/ipvs.conf"/>
                    </parameter>
                  </parameters>
                  <actions>
                    <action name="start" timeout="30s"/>
                    <action name="stop" timeout="20s"/>
                    <action name="monitor" timeout="20s" interval="10s"/>
                    <action name="validate-all" timeout="10s"/>
                    <action name="meta-data" timeout="5s"/>
                  </actions>
                </resource-agent>
                """;
    }

    /** The OCF status of a kernel or ipvsadm failure. */
    static OcfStatus status(IpvsException e) {
        return switch (e.kind()) {
            case FAILED -> OcfStatus.ERR_GENERIC;
            case NOT_INSTALLED -> OcfStatus.ERR_INSTALLED;
            case NOT_CONFIGURED -> OcfStatus.ERR_CONFIGURED;
            case NOT_PERMITTED -> OcfStatus.ERR_PERM;
        };
    }
}
