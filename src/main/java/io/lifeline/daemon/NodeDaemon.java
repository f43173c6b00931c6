package io.lifeline.daemon;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lifeline.agent.AgentRegistry;
import io.lifeline.agent.ResourceAgent;
import io.lifeline.agent.ip.IpAddrAgent;
import io.lifeline.agent.ip.VipLease;
import io.lifeline.process.ProcessRunner;
import io.lifeline.Version;
import io.lifeline.cluster.Cluster;
import io.lifeline.cluster.ClusterStartException;
import io.lifeline.cluster.HeartbeatPriority;
import io.lifeline.cluster.IncarnationFloor;
import io.lifeline.cluster.StackWarmup;
import io.lifeline.cluster.TimerSettings;
import io.lifeline.config.ClusterConfig;
import io.lifeline.config.ConfigLoader;
import io.lifeline.config.ConfigProblem;
import io.lifeline.config.Diagnostics;
import io.lifeline.config.GroupErrors;
import io.lifeline.config.ResourceGroup;
import io.lifeline.config.ResourceSpec;
import io.lifeline.control.ControlException;
import io.lifeline.control.ControlProtocol;
import io.lifeline.control.ControlServer;
import io.lifeline.config.ConfigDigest;
import io.lifeline.config.GroupNames;
import io.lifeline.cluster.ClusterEvent;
import io.lifeline.control.ManagerStatusJson;
import io.lifeline.control.StatusReport;
import io.lifeline.manager.ManagerConfig;
import io.lifeline.manager.ManagerDirectives;
import io.lifeline.manager.ManagerEvent;
import io.lifeline.manager.ManagerSettings;
import io.lifeline.manager.ResourceManager;
import io.lifeline.metrics.MetricsEndpoint;
import io.lifeline.metrics.StatusCollector;
import io.lifeline.metrics.OperatorActions;
import io.lifeline.metrics.StatusPage;
import io.lifeline.thread.NamedThreads;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code hactl daemon}: loads ha.d, joins the cluster on every link, serves the control socket
 * and runs until SIGTERM/SIGINT, when it leaves the cluster cleanly (peers log a leave, not a
 * death) and removes its socket.
 */
public final class NodeDaemon {

    /** Exit codes: OCF-like, so scripts can tell a configuration problem from a runtime one. */
    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILED = 1;
    public static final int EXIT_NOT_CONFIGURED = 6;

    private static final Logger LOG = LoggerFactory.getLogger(NodeDaemon.class);

    /**
     * Command-line settings of the daemon.
     *
     * @param inputJournalSize how many of the manager's latest inputs the input journal keeps
     * @param arbiter          started as {@code hactl arbiter}: ha.cf must name this node an arbiter
     */
    public record Options(Path configDir, String nodeName, Path socket, Path stateDir, int inputJournalSize,
                          boolean arbiter) {

        public Options(Path configDir, String nodeName, Path socket, Path stateDir, int inputJournalSize) {
            this(configDir, nodeName, socket, stateDir, inputJournalSize, false);
        }
    }

    private final Options options;
    private final PrintStream err;
    private final CountDownLatch stopped = new CountDownLatch(1);

    public NodeDaemon(Options options, PrintStream err) {
        this.options = options;
        this.err = err;
    }

    /** Runs until the JVM is asked to stop; returns the exit code for start-up failures. */
    public int run() {
        StackWarmup.begin();
        // SIGHUP reloads (ConfigReload, wired below); until then it must not stop the node either.
        java.util.concurrent.atomic.AtomicReference<ConfigReload> reloader = new java.util.concurrent.atomic.AtomicReference<>();
        HangupSignal.onHangup(() -> {
            ConfigReload r = reloader.get();
            if (r == null) {
                LOG.warn("SIGHUP during start-up: ignored; reload once the daemon runs");
            } else {
                r.reload("SIGHUP");
            }
        });
        // A bad haresources line costs only its group (reported below), not every group of the node.
        ConfigLoader.Result loaded = ConfigLoader.checkSkippingBadGroups(options.configDir(), true);
        if (loaded.config().isEmpty()) {
            err.println("hactl daemon: configuration in " + options.configDir() + " is not usable:");
            for (ConfigProblem p : loaded.diagnostics().errors()) {
                err.println("  " + p);
            }
            return EXIT_NOT_CONFIGURED;
        }
        ClusterConfig config = loaded.config().get();
        List<ConfigProblem> skipped = new ArrayList<>(loaded.diagnostics().errors());
        String node = options.nodeName() != null ? options.nodeName() : LocalNodeName.get();
        if (!config.haCf().hasNode(node)) {
            err.println("hactl daemon: this node's name '" + node + "' is not a node in " + config.haCf().file()
                    + " (nodes: " + String.join(", ", config.haCf().nodes()) + "); fix ha.cf or pass --node NAME");
            return EXIT_NOT_CONFIGURED;
        }
        LoggingSetup.apply(config.haCf()).forEach(LOG::warn);
        LOG.info("Lifeline {} starting as node {} (config {}, pid {})", Version.current(), node,
                options.configDir(), ProcessHandle.current().pid());

        RunMarker marker;
        try {
            marker = new RunMarker(options.stateDir());
            if (marker.previousShutdown().equals("unclean")) {
                LOG.warn("the previous daemon run did not stop cleanly ({}); resources may still be held",
                        marker.previousRun());
            }
        } catch (IOException e) {
            err.println("hactl daemon: cannot use state directory " + options.stateDir() + ": " + e.getMessage());
            return EXIT_FAILED;
        }
        Diagnostics diagnostics = new Diagnostics();
        ManagerSettings settings = ManagerDirectives.parse(config.haCf(), config.haresources(), diagnostics);
        boolean arbiter = settings.isArbiter(node);
        if (options.arbiter() && !arbiter) {
            err.println("hactl arbiter: " + config.haCf().file() + " does not name this node (" + node
                    + ") in an 'arbiter' line; add 'arbiter " + node + "' to ha.cf on every node");
            return EXIT_NOT_CONFIGURED;
        }
        Map<String, ResourceAgent> agents = agentsFor(arbiter, config.haresources(), diagnostics);
        RespawnedChildren respawned = RespawnedChildren.plan(config.haCf(), RespawnPolicy.HEARTBEAT, diagnostics);
        diagnostics.warnings().forEach(w -> LOG.warn("{}", w));
        if (diagnostics.hasErrors() && GroupErrors.onlyOnGroupLines(diagnostics.errors(), config.haresources().file())) {
            skipped.addAll(diagnostics.errors()); // e.g. a resource word no agent answers to
            config = new ClusterConfig(config.directory(), config.haCf(),
                    GroupErrors.withoutBadLines(config.haresources(), diagnostics.errors()), config.authkeys());
            Diagnostics rest = new Diagnostics();
            settings = ManagerDirectives.parse(config.haCf(), config.haresources(), rest);
            agents = agentsFor(arbiter, config.haresources(), rest);
            diagnostics = rest;
        }
        for (ConfigProblem p : skipped) {
            LOG.error("{} (the group on this line is skipped; the other groups run)", p);
            err.println("hactl daemon: " + p + " (the group on this line is skipped; the other groups run)");
        }
        if (diagnostics.hasErrors()) {
            err.println("hactl daemon: configuration in " + options.configDir() + " is not usable:");
            diagnostics.errors().forEach(p -> err.println("  " + p));
            diagnostics.errors().forEach(p -> LOG.error("{}", p));
            return EXIT_NOT_CONFIGURED;
        }
        if (arbiter) {
            LOG.info("this node is an arbiter ({}): it votes and runs no resources", config.haCf().file());
        }
        if (config.haCf().realtime()) {
            Realtime.apply(config.haCf().rtprio());
        }
        // The built-in VIPs live on a lease this daemon renews: a killed or frozen daemon's VIP
        // expires by itself (VipLease), instead of staying up beside the peer that takes over.
        VipLease vipLease = VipLease.forDeadtime(config.haCf().deadtime(), HeartbeatPriority::enterCurrentThread);
        agents.values().forEach(a -> {
            if (a instanceof IpAddrAgent ip) {
                ip.useLease(vipLease);
            }
        });
        LOG.info("built-in VIPs are held on a {} s lease, renewed every {} ms", vipLease.length().toSeconds(),
                vipLease.renewEveryMillis());

        long incarnationStart;
        try {
            incarnationStart = IncarnationFloor.advance(options.stateDir(), Clock.systemUTC());
        } catch (IOException e) {
            err.println("hactl daemon: cannot record this run's incarnation in " + options.stateDir() + ": "
                    + e.getMessage());
            return EXIT_FAILED;
        }
        Cluster cluster = new Cluster(config, node, Clock.systemUTC(), incarnationStart);
        // from deadtime less one keepalive: a freeze that long may already have cost membership
        settings = settings.withDefaultStallThreshold(cluster.stallBound());
        ManagerConfig managerConfig = ManagerConfig.from(config.haCf(), config.haresources(), cluster.localNode(),
                settings);
        ResourceManager manager = new ResourceManager(managerConfig, newIncarnation());
        ManagerRuntime runtime = new ManagerRuntime(manager, agents, cluster::broadcast,
                new NotifyExecutor(settings.notifyHooks()), new ProcessRunner(),
                () -> System.nanoTime() / 1_000_000L, Clock.systemUTC(),
                new InputJournal(options.inputJournalSize()), options.stateDir(),
                // after a manager failure (groups released, journal dumped): exit for systemd to restart
                // us; on another thread, since exit runs the shutdown hook, which stops the manager's
                status -> NamedThreads.keepingJvmAlive("exit").start(() -> System.exit(status)));
        // a probe run when a peer is suspected is used by the takeover that follows its verification:
        // valid for the verification and two keepalives of slack (the manager's claim, a busy host)
        TimerSettings timers = cluster.timers();
        runtime.probeAheadValidFor(Duration.ofMillis(timers.verifySuspectMs() + 2 * timers.fdIntervalMs()));
        // Configuration across nodes (docs/propagate.md): this node's digest goes beside every
        // report; the peers' digests and propagated files are taken out of the payloads here.
        // (the manager's event log also logs it)
        ConfigAgreement agreement = new ConfigAgreement(node, ConfigDigest.of(config), runtime::configNotice);
        runtime.advertiseConfig(agreement.local());
        runtime.onPeerConfig(agreement::peer);
        java.util.concurrent.atomic.AtomicReference<Propagation> propagation = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicReference<Set<String>> alivePeers = new java.util.concurrent.atomic.AtomicReference<>(Set.of());
        cluster.addListener(event -> {
            if (event instanceof ClusterEvent.PeerPayload p && PropagationMessage.isPropagation(p.data())) {
                Propagation pr = propagation.get();
                if (pr != null) {
                    pr.onPayload(p.node(), p.link(), p.data());
                }
                return;
            }
            if (event instanceof ClusterEvent.MembershipSnapshot m) {
                agreement.alive(Set.copyOf(m.alive()));
                Set<String> peers = new java.util.HashSet<>(m.alive());
                peers.remove(cluster.localNode());
                alivePeers.set(Set.copyOf(peers));
            }
            runtime.onEvent(event);
        });
        cluster.addStallListener(gap -> runtime.onStall(gap, cluster.membershipEpoch()));
        StatusReport.DaemonInfo info = new StatusReport.DaemonInfo(Version.current(), ProcessHandle.current().pid(),
                marker.previousShutdown());
        // the groups' short names (ha.cf group_name, or derived): in status rows and every command
        java.util.concurrent.atomic.AtomicReference<GroupNames> groupNames = new java.util.concurrent.atomic.AtomicReference<>(
                GroupNames.of(config.haCf(), config.haresources(), new Diagnostics()));
        // the one status document, for hactl status (control socket) and the web page (http_listen)
        StatusPage.JsonSource statusJson = () -> {
            ObjectNode status = StatusReport.build(cluster.status(), info);
            ManagerStatusJson.addTo(status, runtime.status(), runtime.agentDetails());
            status.set("respawn", respawned.statusJson());
            status.set("config", agreement.json());
            GroupNames names = groupNames.get();
            status.path("groups").forEach(g -> ((ObjectNode) g).put("short_name", names.shortName(g.path("name").asText())));
            return status;
        };
        StatusPage.JsonSource eventsJson = () -> {
            List<ManagerEvent> events = runtime.events();
            return ManagerStatusJson.events(events.subList(Math.max(0, events.size() - StatusPage.EVENTS), events.size()));
        };
        OperatorHandlers operatorHandlers = new OperatorHandlers(runtime, groupNames::get);
        java.util.Optional<io.lifeline.config.HttpUsers> httpUsers = httpUsers(config.haCf());
        MetricsEndpoint metrics = MetricsEndpoint.of(config.haCf().httpListen(),
                () -> new StatusCollector(Version.current(), cluster::status, runtime::status, runtime::agentDetails),
                () -> new StatusPage(statusJson, eventsJson, new OperatorActions(httpUsers,
                        (command, args) -> {
                            ObjectNode a = ControlProtocol.json().createObjectNode();
                            args.forEach(a::put);
                            try {
                                return operatorHandlers.call(command, a).path("message").asText();
                            } catch (ControlException e) {
                                throw new OperatorActions.Refused(e.code(), e.getMessage());
                            }
                        }, () -> System.nanoTime() / 1_000_000L)));
        runtime.onActionDone(metrics::actionDone);

        ControlServer control = new ControlServer(options.socket());
        control.register("status", args -> {
            try {
                return statusJson.json();
            } catch (TimeoutException e) {
                throw new ControlException("busy", "the daemon did not answer in time");
            }
        });
        operatorHandlers.registerOn(control);
        ConfigReload reload = new ConfigReload(options.configDir(), config, settings, cluster, runtime, vipLease,
                applied -> {
                    ConfigDigest digest = ConfigDigest.of(applied);
                    runtime.advertiseConfig(digest);
                    agreement.local(digest);
                    groupNames.set(GroupNames.of(applied.haCf(), applied.haresources(), new Diagnostics()));
                });
        control.register("reload", args -> reload.reload("hactl reload").json());
        propagation.set(new Propagation(options.configDir(), cluster.localNode(), reload, agreement::local,
                cluster::broadcast, alivePeers::get, runtime::configNotice,
                () -> System.nanoTime() / 1_000_000L));
        control.register("propagate", args -> propagation.get().propagate());
        control.register("debug_inputs", args -> {
            try {
                Path file = runtime.dumpInputs("hactl debug inputs");
                ObjectNode result = ControlProtocol.json().createObjectNode();
                result.put("file", file.toString());
                result.put("inputs", runtime.journal().entries().size());
                result.put("dropped", runtime.journal().dropped());
                return result;
            } catch (IOException e) {
                throw new ControlException("failed", "cannot write the input journal to " + options.stateDir() + ": "
                        + e.getMessage());
            }
        });
        // The quorum lease (docs/leases.md): against the manager's own quorum rule (a majority, or
        // the tie-breaker's half), told to the manager before any membership reaches it.
        cluster.useQuorumRule(nodes -> runtime.config().hasQuorum(nodes));
        cluster.enforceQuorumLease(() -> runtime.config().quorumLeaseEnforced());
        Duration keepalive = config.haCf().keepalive();
        QuorumLeaseGuard leaseGuard = new QuorumLeaseGuard(cluster::lease, runtime::stopBudgetMs, runtime::onLease,
                System::nanoTime, keepalive.toMillis(), leaseMs -> TimerSettings.deadtimeForLeaseMs(keepalive, leaseMs),
                HeartbeatPriority::enterCurrentThread);
        runtime.onStopBudgetRise(leaseGuard::budgetRose);
        leaseGuard.start();
        // The manager starts before the links: its boot (each agent's warm-up, the first probe of
        // every resource) runs while the links join, instead of after. It places no group before
        // the cluster's first membership reaches it, and cluster events queue for it meanwhile.
        // Its resource starts wait until the shutdown hook below exists: a SIGTERM before that
        // ends the JVM without a release, and must not leave a started resource behind.
        runtime.holdStarts();
        runtime.start();
        try {
            cluster.start();
        } catch (ClusterStartException e) {
            LOG.error("cannot start: {}", e.getMessage());
            err.println("hactl daemon: " + e.getMessage());
            runtime.close();
            leaseGuard.close();
            cluster.close();
            vipLease.close();
            return EXIT_FAILED;
        }
        PingMonitor pings = null;
        if (!config.haCf().pingTargets().isEmpty()) {
            Duration deadping = config.haCf().deadping() != null ? config.haCf().deadping() : config.haCf().deadtime();
            pings = new PingMonitor(config.haCf().pingTargets(),
                    PingMonitor.interval(config.haCf().keepalive(), deadping), deadping, runtime::onConnectivity,
                    () -> System.nanoTime() / 1_000_000L);
            pings.start();
        }
        PingMonitor pingMonitor = pings;
        // ha.cf http_listen, before the control socket: once hactl status answers, the page does
        // too (the manager may already have placed groups by then). A port it cannot bind is
        // logged, not fatal.
        metrics.start();
        try {
            control.start();
        } catch (IOException e) {
            LOG.error("cannot open the control socket {}: {}", options.socket(), e.getMessage());
            err.println("hactl daemon: cannot open the control socket " + options.socket() + ": " + e.getMessage());
            metrics.close();
            runtime.close();
            leaseGuard.close();
            vipLease.close();
            cluster.close();
            return EXIT_FAILED;
        }
        respawned.start(); // ha.cf respawn programs, once the cluster is up (Heartbeat starts them then too)
        // Type=notify: ready once the links are up; the watchdog kills a daemon frozen past deadtime
        SystemdNotifier systemd = SystemdNotifier.fromEnvironment(System.getenv(), ProcessHandle.current().pid(),
                Duration.ofMillis(cluster.timers().expectedDetectionMs()));
        systemd.ready("node " + cluster.localNode() + ": links up, placing groups");
        Duration startReleaseTime = releaseTime(managerConfig);
        Runtime.getRuntime().addShutdownHook(NamedThreads.keepingJvmAlive("shutdown").newThread(() -> {
            systemd.stopping("node " + cluster.localNode() + ": releasing every group");
            boolean managerFailed = runtime.failed();
            Duration releaseWithin = startReleaseTime;
            if (!managerFailed) {
                try { // a reload may have added groups or slower stops since the start
                    releaseWithin = runtime.query(m -> releaseTime(m.groupsThatMayRunHere(), m.config()).plusSeconds(5));
                } catch (TimeoutException | RuntimeException e) {
                    LOG.warn("cannot ask the manager how long the release may take ({}); allowing {} s", e.getMessage(),
                            startReleaseTime.toSeconds());
                }
            }
            if (managerFailed) {
                LOG.info("stopping after the resource manager failure: leaving the cluster");
            } else {
                LOG.info("stopping (signal received): releasing every group (at most {} s)", releaseWithin.toSeconds());
                if (!runtime.releaseEverything(releaseWithin)) {
                    LOG.error("not every group was released within {} s; leaving anyway: peers will take over what"
                            + " they can, check this node's resources by hand", releaseWithin.toSeconds());
                }
            }
            metrics.close();
            control.close();
            respawned.close();
            if (pingMonitor != null) {
                pingMonitor.close();
            }
            propagation.get().close();
            runtime.close();
            leaseGuard.close();
            vipLease.close();
            cluster.close();
            if (!managerFailed) {
                marker.stoppedCleanly(); // after a failure the next start is told the previous run was unclean
            }
            systemd.close();
            LOG.info("stopped");
            stopped.countDown();
        }));
        runtime.allowStarts();
        reloader.set(reload);
        LOG.info("running; control socket {}", options.socket());
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return EXIT_OK;
    }

    /**
     * The status page's users (ha.cf http_auth), read at start. A bad or missing file does not
     * stop the node (high availability must not hang on a web page): its problems are logged with
     * file:line and the page stays read-only.
     */
    private static java.util.Optional<io.lifeline.config.HttpUsers> httpUsers(io.lifeline.config.HaCf haCf) {
        if (haCf.httpAuth().isEmpty() || haCf.httpListen().isEmpty()) {
            return java.util.Optional.empty();
        }
        Diagnostics diag = new Diagnostics();
        java.util.Optional<io.lifeline.config.HttpUsers> users =
                io.lifeline.config.HttpUsers.read(haCf.httpAuth().get(), true, diag);
        for (ConfigProblem p : diag.errors()) {
            LOG.error("{}: the status page stays read-only", p);
        }
        users.ifPresent(u -> LOG.info("status page: operator actions on for {} user(s) of {}", u.users().size(),
                u.file()));
        return users;
    }

    /** The agents of this node's resources: an arbiter's stand-ins, which resolve nothing, or the real ones. */
    private Map<String, ResourceAgent> agentsFor(boolean arbiter, io.lifeline.config.Haresources haresources,
                                                 Diagnostics diagnostics) {
        return arbiter ? io.lifeline.agent.AbsentResource.forEvery(haresources)
                : AgentRegistry.forConfig(options.configDir()).resolveAll(haresources, diagnostics);
    }

    /**
     * How long a clean stop may take to release the groups: the slowest group's stop actions
     * one after another (groups stop in parallel), plus a margin for reports and the peers'
     * confirmation. systemd's TimeoutStopSec must be longer.
     */
    static Duration releaseTime(ManagerConfig cfg) {
        return releaseTime(cfg.groups(), cfg).plusSeconds(5);
    }

    /** The slowest of {@code groups}' stop actions one after another, without the margin. */
    static Duration releaseTime(List<ResourceGroup> groups, ManagerConfig cfg) {
        Duration slowest = Duration.ZERO;
        for (ResourceGroup g : groups) {
            Duration sum = Duration.ZERO;
            for (ResourceSpec r : g.resources()) {
                sum = sum.plus(cfg.settings().policyFor(r.word()).stopTimeout());
            }
            slowest = sum.compareTo(slowest) > 0 ? sum : slowest;
        }
        return slowest;
    }

    /** A fresh id per daemon start: peers tell a restarted node from a late report of its former self. */
    private static String newIncarnation() {
        return Long.toString(System.currentTimeMillis(), 36) + "-"
                + Long.toString(java.util.concurrent.ThreadLocalRandom.current().nextLong(1L << 40), 36);
    }
}
