package io.lifeline.daemon;

import io.lifeline.agent.AgentDetails;
import io.lifeline.agent.AgentResult;
import io.lifeline.agent.HandoverAware;
import io.lifeline.agent.OcfStatus;
import io.lifeline.agent.ProbesAhead;
import io.lifeline.agent.Reannouncing;
import io.lifeline.agent.ResourceAgent;
import io.lifeline.process.ProcessRequest;
import io.lifeline.process.ProcessResult;
import io.lifeline.process.ProcessRunner;
import io.lifeline.cluster.ClusterEvent;
import io.lifeline.cluster.ClusterListener;
import io.lifeline.config.ResourceSpec;
import io.lifeline.manager.GroupScope;
import io.lifeline.manager.ManagerAction;
import io.lifeline.manager.ManagerEvent;
import io.lifeline.manager.ManagerInput;
import io.lifeline.manager.ManagerStatus;
import io.lifeline.manager.Now;
import io.lifeline.manager.OperatorCommand;
import io.lifeline.manager.ResourceManager;
import io.lifeline.manager.StateReport;
import io.lifeline.thread.NamedThreads;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.IntConsumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the resource manager inside the daemon. One thread owns the {@link ResourceManager} and
 * feeds it one input at a time; the actions it returns are carried out without blocking that
 * thread: agent actions on agent threads (their results come back as inputs), reports through
 * the cluster links on a sender thread (in order), notify hooks on their executor. This class
 * decides nothing: it translates cluster events, agent results, timers and operator commands
 * into manager inputs, and manager actions into work.
 */
public final class ManagerRuntime implements ClusterListener, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ManagerRuntime.class);
    /** Extra time a query or command may wait for the manager thread beyond its own work. */
    private static final Duration QUERY_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration WARMUP_TIMEOUT = Duration.ofSeconds(2);
    private static final long SHUTDOWN_POLL_MS = 20;
    private static final int DUMPS_KEPT = 20;
    /** After a manager failure, how long agent actions in flight may take to end once interrupted. */
    private static final Duration IN_FLIGHT_WAIT = Duration.ofSeconds(10);
    private static final DateTimeFormatter DUMP_STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss.SSS", java.util.Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private final ResourceManager manager;
    /** By haresources word; a reload adds the agents of new words (never replaces one: it may hold state). */
    private volatile Map<String, ResourceAgent> agents;
    private volatile Duration probeAheadValidity = Duration.ZERO;
    /** Per late node, when its last probe ahead began (monotonic ms); the cluster events thread only. */
    private final Map<String, Long> probedAheadAtMs = new HashMap<>();
    private final Consumer<byte[]> broadcaster;
    private final NotifyExecutor notifier;
    private final ProcessRunner runner;
    private final LongSupplier monotonicMs;
    private final Clock wall;
    private final InputJournal journal;
    private final Path dumpDir;
    private final ManagerStep step;
    private final IntConsumer exitProcess;
    private final ReportCodec codec = new ReportCodec();
    /**
     * Resource starts wait on this (holdStarts, allowStarts): the daemon starts the manager while
     * its links join, before its shutdown hook exists, and a start carried out then would be left
     * running by a SIGTERM that came before the hook. Open unless holdStarts was called.
     */
    private volatile CountDownLatch startsGate = new CountDownLatch(0);

    private final LinkedBlockingDeque<Runnable> inbox = new LinkedBlockingDeque<>();
    private final Thread thread;
    private final ExecutorService agentThreads = Executors.newCachedThreadPool(NamedThreads.daemon("agent"));
    private final ExecutorService sender = Executors.newSingleThreadExecutor(NamedThreads.daemon("report-sender"));
    private final ExecutorService fencer = Executors.newSingleThreadExecutor(NamedThreads.daemon("fence"));
    /** Manager thread only. */
    private final Map<Long, CompletableFuture<ManagerAction.AnswerCommand>> pendingCommands = new HashMap<>();
    /** Cluster-events thread only: InitdeadElapsed was handed on (once, with the first snapshot after initdead). */
    private boolean initdeadForwarded;
    private final Map<String, AtomicLong> badReports = new ConcurrentHashMap<>();
    /** Per peer, the newest report not yet handed to the manager (at most one queued task each). */
    private final PendingReports pendingReports = new PendingReports();
    /** Agent threads: the words whose agent has warmed up. */
    private final Set<String> warmedUp = ConcurrentHashMap.newKeySet();
    private volatile ActionListener actionListener = (group, resource, action, result, nanos) -> { };
    /** This node's configuration digest, sent beside every state report (docs/propagate.md); null: none. */
    private volatile io.lifeline.config.ConfigDigest advertisedConfig;
    /** Told each peer's advertised configuration digest as its reports arrive (cluster-events thread). */
    private volatile java.util.function.BiConsumer<String, java.util.Optional<io.lifeline.config.ConfigDigest>>
            peerConfigListener = (node, digest) -> { };
    private long nextRequestId = 1;
    private volatile boolean running = true;
    /** Written by the manager thread after every input, read by the quorum-lease timer. */
    private volatile long stopBudgetMs;
    /** Told when the stop budget grew ({@link #onStopBudgetRise}); set before the runtime starts. */
    private volatile Runnable stopBudgetRise = () -> { };
    /** The lease timer's newest word not yet fed to the manager ({@link #onLease}). */
    private final java.util.concurrent.atomic.AtomicReference<ManagerInput.QuorumLeaseChanged> pendingLease =
            new java.util.concurrent.atomic.AtomicReference<>();
    private volatile io.lifeline.manager.ManagerConfig config;
    /** Set once the manager threw: its state cannot be trusted, the daemon is releasing and exiting. */
    private volatile boolean failed;

    /** Exit status after a manager failure (sysexits EX_SOFTWARE); systemd's Restart=on-failure restarts the daemon. */
    public static final int EXIT_MANAGER_FAILED = 70;

    /** One step of the manager ({@link ResourceManager#handle}); a separate seam so tests can make it fail. */
    @FunctionalInterface
    interface ManagerStep {
        List<ManagerAction> handle(Now now, ManagerInput input);
    }

    /**
     * @param agents       the resolved agent of every haresources word
     * @param broadcaster  sends a payload to every peer on every link
     * @param monotonicMs  the clock timers run on (never jumps)
     * @param journal      keeps the manager's inputs (every one goes through it)
     * @param dumpDir      where journal dumps are written (the daemon's state directory)
     * @param exitProcess  ends the process with the given status after a manager failure (called
     *                     once the groups are released and the journal is dumped)
     */
    public ManagerRuntime(ResourceManager manager, Map<String, ResourceAgent> agents,
                          Consumer<byte[]> broadcaster, NotifyExecutor notifier, ProcessRunner runner,
                          LongSupplier monotonicMs, Clock wall, InputJournal journal, Path dumpDir,
                          IntConsumer exitProcess) {
        this(manager, agents, broadcaster, notifier, runner, monotonicMs, wall, journal, dumpDir, exitProcess,
                manager::handle);
    }

    ManagerRuntime(ResourceManager manager, Map<String, ResourceAgent> agents,
                   Consumer<byte[]> broadcaster, NotifyExecutor notifier, ProcessRunner runner,
                   LongSupplier monotonicMs, Clock wall, InputJournal journal, Path dumpDir,
                   IntConsumer exitProcess, ManagerStep step) {
        this.manager = manager;
        this.config = manager.config();
        this.step = step;
        this.exitProcess = exitProcess;
        this.journal = journal;
        this.dumpDir = dumpDir;
        this.agents = Map.copyOf(agents);
        this.broadcaster = broadcaster;
        this.notifier = notifier;
        this.runner = runner;
        this.monotonicMs = monotonicMs;
        this.wall = wall;
        this.thread = NamedThreads.daemon("manager").newThread(this::loop);
    }

    /** Told when an agent action ends, with how long it took (for metrics); must not block. */
    @FunctionalInterface
    public interface ActionListener {
        void actionDone(String group, String resource, String action, OcfStatus result, long nanos);
    }

    /** Sets who is told about every agent action's result and duration (one listener). */
    public void onActionDone(ActionListener listener) {
        this.actionListener = listener;
    }

    /** Sends {@code digest} beside every state report from now on (docs/propagate.md). */
    public void advertiseConfig(io.lifeline.config.ConfigDigest digest) {
        this.advertisedConfig = digest;
    }

    /** Sets who is told the configuration digest (or its absence) of every peer's report (one listener). */
    public void onPeerConfig(java.util.function.BiConsumer<String, java.util.Optional<io.lifeline.config.ConfigDigest>> l) {
        this.peerConfigListener = l;
    }

    /** Records an event about the configuration across nodes (kind CONFIG); decides nothing. */
    public void configNotice(boolean warning, String message) {
        submit(new ManagerInput.ConfigNotice(warning, message));
    }

    /** Boots the manager (probes every resource) and starts feeding it, on the manager thread. */
    public void start() {
        thread.start();
    }

    /** Before {@link #start()}: resource starts wait until {@link #allowStarts()} (probes and stops do not). */
    public void holdStarts() {
        startsGate = new CountDownLatch(1);
    }

    /** Lets starts held by {@link #holdStarts()} go ahead, and every later one at once. */
    public void allowStarts() {
        startsGate.countDown();
    }

    /** Agent thread: false if the wait for allowStarts was interrupted (the runtime is closing). */
    private boolean awaitStartsAllowed() {
        try {
            startsGate.await();
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    // ---- inputs -------------------------------------------------------------------------

    /**
     * Cluster events arrive here, in order, on the cluster's event thread. Membership is the
     * cluster layer's snapshot, forwarded as it is: this class keeps no membership of its own.
     */
    @Override
    public void onEvent(ClusterEvent event) {
        if (event instanceof ClusterEvent.MembershipSnapshot m) {
            Map<String, String> causes = new HashMap<>();
            m.deathCauses().forEach((node, cause) -> causes.put(node, cause.name().toLowerCase(java.util.Locale.ROOT)));
            submit(new ManagerInput.MembershipChanged(m.alive(), m.merge(), m.epoch(), causes));
            if (m.initdeadOver() && !initdeadForwarded) {
                initdeadForwarded = true;
                submit(new ManagerInput.InitdeadElapsed());
            }
        } else if (event instanceof ClusterEvent.PeerSuspected p) {
            probeAhead(p.node());
        } else if (event instanceof ClusterEvent.PeerPayload p) {
            try {
                ReportCodec.Decoded d = codec.decodeWithConfig(p.data(), p.node());
                peerConfigListener.accept(p.node(), d.config());
                submitReport(d.report());
            } catch (ReportCodec.BadReport e) {
                long n = badReports.computeIfAbsent(p.node(), k -> new AtomicLong()).incrementAndGet();
                if (Long.bitCount(n) == 1) { // 1st, 2nd, 4th, 8th ... so a broken peer cannot flood the log
                    LOG.warn("state report from node {} (link {}) dropped: {} [{} dropped so far]", p.node(), p.link(),
                            e.getMessage(), n);
                }
            }
        }
    }

    /**
     * This node's failure detector suspects a peer (silent for its timeout; declared dead after the
     * verification unless it answers): every agent that checks for a live owner before it starts
     * runs that check now, on an agent thread, so a takeover that follows need not (docs/vip.md,
     * "Probing ahead"). Observation only: nothing is decided, the manager is not involved, and a
     * peer that is only late costs a probe (two ARP frames per address not held here).
     */
    private void probeAhead(String lateNode) {
        Duration validFor = probeAheadValidity;
        if (validFor.isZero() || !running) {
            return;
        }
        // once per node and validity: the detector suspects a silent peer again on every link, and
        // a newer check would only make the takeover wait for it
        long now = monotonicMs.getAsLong();
        Long last = probedAheadAtMs.get(lateNode);
        if (last != null && now - last < validFor.toMillis()) {
            return;
        }
        probedAheadAtMs.put(lateNode, now);
        List<String> probing = new ArrayList<>();
        agents.forEach((word, agent) -> {
            if (agent instanceof ProbesAhead p) {
                probing.add(word);
                try {
                    agentThreads.execute(() -> p.probeAhead(validFor));
                } catch (java.util.concurrent.RejectedExecutionException e) {
                    LOG.debug("shutting down: no probe ahead for {} (late: {})", word, lateNode);
                }
            }
        });
        if (!probing.isEmpty()) {
            LOG.info("node {} is suspected: probing ahead for the addresses among {} not held here", lateNode, probing);
        }
    }

    /**
     * How long a clean check run ahead (while a peer was suspected) may stand in for a takeover's
     * own, from its end: the daemon gives the verification time plus two keepalives. Zero (the
     * default) runs no checks ahead.
     */
    public void probeAheadValidFor(Duration validity) {
        this.probeAheadValidity = validity;
    }

    /**
     * The stall watchdog's report, put in front of everything queued meanwhile: a node frozen
     * past deadtime must release its groups before it acts on stale inputs.
     *
     * @param membershipEpoch the cluster layer's latest snapshot epoch when the stall was seen
     */
    public void onStall(long frozenMs, long membershipEpoch) {
        if (running) {
            inbox.offerFirst(() -> feed(new ManagerInput.StallDetected(frozenMs, membershipEpoch)));
        }
    }

    /** The number of ping targets this node reaches changed. */
    public void onConnectivity(int score) {
        submit(new ManagerInput.ConnectivityChanged(score));
    }

    private void submit(ManagerInput input) {
        if (running) {
            inbox.offerLast(() -> feed(input));
        }
    }

    /**
     * A peer's state report. Reports are full snapshots, so while one from the same peer still
     * waits in the inbox the newer one takes its place, and the inbox holds at most one report per
     * peer whatever a peer sends or however long the manager is busy (a storm of reports once
     * queued 9,357 on one node and spent most of its CPU in GC). The one thing a snapshot does not
     * repeat, the groups released since the sender's previous report, is carried over into the
     * report that replaces it, as long as both come from the same incarnation.
     */
    private void submitReport(StateReport report) {
        if (!running) {
            return;
        }
        StateReport before = pendingReports.getAndMerge(report.node(), report, ManagerRuntime::newerReport);
        if (before == null) {
            inbox.offerLast(() -> {
                StateReport newest = pendingReports.take(report.node());
                if (newest != null) {
                    feed(new ManagerInput.PeerReport(newest));
                }
            });
        }
    }

    /** Which of two reports from one peer the manager gets: the newer, with the older one's releases. */
    static StateReport newerReport(StateReport queued, StateReport arrived) {
        boolean sameIncarnation = queued.incarnation().equals(arrived.incarnation());
        if (sameIncarnation && arrived.seq() < queued.seq()) {
            return queued.withReleased(arrived.released()); // reordered on the way: keep the newer
        }
        return sameIncarnation ? arrived.withReleased(queued.released()) : arrived;
    }

    /** Manager thread: the one way an input reaches the manager, through the journal first. */
    private void feed(ManagerInput input) {
        Now t = now();
        journal.record(t, input);
        carryOut(step.handle(t, input));
        long budgetBefore = stopBudgetMs;
        stopBudgetMs = manager.stopBudgetMs();
        config = manager.config();
        if (stopBudgetMs > budgetBefore) {
            stopBudgetRise.run();
        }
    }

    /**
     * The quorum-lease timer's word (docs/leases.md). A lease that ends goes in front of everything
     * queued, like a stall: the stops must begin now, not after a backlog of reports.
     */
    public void onLease(ManagerInput.QuorumLeaseChanged lease) {
        if (!running) {
            return;
        }
        // Only the newest word counts: a "held" still queued behind a backlog when "not held"
        // jumps the queue must not be fed after it (the timer never repeats itself).
        pendingLease.set(lease);
        Runnable feedNewest = () -> {
            ManagerInput.QuorumLeaseChanged newest = pendingLease.getAndSet(null);
            if (newest != null) {
                feed(newest);
            }
        };
        if (lease.held()) {
            inbox.offerLast(feedNewest);
        } else {
            inbox.offerFirst(feedNewest);
        }
    }

    /**
     * Called on the manager thread whenever the stop budget grew (a group started or is being
     * started here): the lease timer looks again at once, since its last "held" was worked out
     * with the smaller budget.
     */
    public void onStopBudgetRise(Runnable listener) {
        stopBudgetRise = listener;
    }

    /** The manager's stop budget after the last input (any thread): see {@link ResourceManager#stopBudgetMs}. */
    public long stopBudgetMs() {
        return stopBudgetMs;
    }

    /** The configuration in force after the last input (any thread; a reload replaces it). */
    public io.lifeline.manager.ManagerConfig config() {
        return config;
    }

    // ---- queries and commands (control threads) ------------------------------------------

    /** Runs {@code f} on the manager thread and waits for its result. */
    public <T> T query(Function<ResourceManager, T> f) throws TimeoutException {
        refuseIfFailed();
        CompletableFuture<T> result = new CompletableFuture<>();
        inbox.offerLast(() -> {
            try {
                result.complete(f.apply(manager));
            } catch (Throwable e) {
                result.completeExceptionally(e); // a read: the caller gets the error, the manager is unchanged
            }
        });
        return await(result, QUERY_TIMEOUT);
    }

    public ManagerStatus status() throws TimeoutException {
        return query(m -> m.status(now()));
    }

    public List<ManagerEvent> events() throws TimeoutException {
        return query(ResourceManager::events);
    }

    /** Live agent details per haresources word, for resources whose agent has any. */
    public Map<String, AgentDetails> agentDetails() {
        Map<String, AgentDetails> out = new LinkedHashMap<>();
        agents.forEach((word, agent) -> {
            try {
                AgentDetails d = agent.details();
                if (d != null && !d.isEmpty()) {
                    out.put(word, d);
                }
            } catch (Throwable e) {
                LOG.debug("details of {} unavailable: {}", word, e.toString());
            }
        });
        return out;
    }

    /**
     * Agents for the words a reload brings; a word already known keeps its agent (the same word
     * is the same resource, and its agent may be serving it, e.g. a proxy). Old words stay, so
     * the groups a reload removes can still be stopped. Call before {@link #reload}.
     */
    public synchronized void addAgents(Map<String, ResourceAgent> more) {
        Map<String, ResourceAgent> merged = new LinkedHashMap<>(agents);
        more.forEach(merged::putIfAbsent);
        agents = Map.copyOf(merged);
    }

    /** The agent in use for a haresources word (null if none). */
    public ResourceAgent agent(String word) {
        return agents.get(word);
    }

    /** Hands a reloaded configuration to the manager and waits for its answer (what it changed). */
    public ManagerAction.AnswerCommand reload(io.lifeline.manager.ManagerConfig config) throws TimeoutException {
        return reload(config, Map.of());
    }

    /**
     * As {@link #reload(io.lifeline.manager.ManagerConfig)}, with what the agents reload in place:
     * per resource word, the parameters its agent's reload applies (from its meta-data).
     */
    public ManagerAction.AnswerCommand reload(io.lifeline.manager.ManagerConfig config,
                                              Map<String, java.util.Set<String>> reloadable) throws TimeoutException {
        refuseIfFailed();
        CompletableFuture<ManagerAction.AnswerCommand> answer = new CompletableFuture<>();
        inbox.offerLast(() -> {
            long id = nextRequestId++;
            pendingCommands.put(id, answer);
            feed(new ManagerInput.ConfigReloaded(id, config, reloadable));
            if (pendingCommands.remove(id) != null) {
                answer.complete(new ManagerAction.AnswerCommand(id, false, "the manager gave no answer"));
            }
        });
        return await(answer, QUERY_TIMEOUT);
    }

    /** Records a refused reload in the manager's event log (hactl events) without changing anything. */
    public void reloadRefused(String trigger, List<String> problems) {
        submit(new ManagerInput.ConfigRejected(trigger, problems));
    }

    /** Hands an operator command to the manager and waits for its answer. */
    public ManagerAction.AnswerCommand command(OperatorCommand command) throws TimeoutException {
        refuseIfFailed();
        CompletableFuture<ManagerAction.AnswerCommand> answer = new CompletableFuture<>();
        inbox.offerLast(() -> {
            long id = nextRequestId++;
            pendingCommands.put(id, answer);
            feed(new ManagerInput.Command(id, command));
            if (pendingCommands.remove(id) != null) {
                answer.complete(new ManagerAction.AnswerCommand(id, false, "the manager gave no answer"));
            }
        });
        return await(answer, QUERY_TIMEOUT);
    }

    private void refuseIfFailed() throws TimeoutException {
        if (failed) {
            throw new TimeoutException("the resource manager failed; the daemon is releasing its groups and exiting");
        }
    }

    private static <T> T await(CompletableFuture<T> f, Duration timeout) throws TimeoutException {
        try {
            return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TimeoutException("interrupted");
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        }
    }

    // ---- the loop -----------------------------------------------------------------------

    private Now now() {
        return new Now(monotonicMs.getAsLong(), wall.instant());
    }

    private void loop() {
        // Boot first, outside the inbox: a stall reported right after the start jumps ahead of
        // everything queued (onStall) and must not reach a manager that has not booted.
        try {
            Now t = now();
            journal.booted(t);
            carryOut(manager.boot(t));
        } catch (Throwable e) {
            failFast(e);
            return;
        }
        while (running) {
            try {
                long nowMs = monotonicMs.getAsLong();
                long due = manager.nextTimerAtMs();
                Runnable next = inbox.pollFirst(Math.max(0, due - nowMs), TimeUnit.MILLISECONDS);
                if (next != null) {
                    next.run();
                }
                if (!running) {
                    break;
                }
                nowMs = monotonicMs.getAsLong();
                if (nowMs >= manager.nextTimerAtMs()) {
                    feed(new ManagerInput.Tick());
                }
            } catch (InterruptedException e) {
                break;
            } catch (Throwable e) {
                // The manager mutates as it goes (issue() marks an action in flight before returning
                // it), so after a throw its state is half-applied and nothing it says can be trusted.
                // Fail fast: release everything without it, leave, and let systemd restart a clean
                // daemon while the peers take over.
                failFast(e);
                return;
            }
        }
    }

    /** Manager thread, once: the manager threw. Dump, release, exit. */
    private void failFast(Throwable e) {
        failed = true;
        running = false;
        List<InputJournal.Entry> last = journal.entries();
        String input = last.isEmpty() ? "boot" : "input #" + last.get(last.size() - 1).seq() + " ("
                + last.get(last.size() - 1).input().getClass().getSimpleName() + ", the last one handed in)";
        String dump;
        try {
            dump = dumpInputs("manager failed on " + input + ": " + e).toString();
        } catch (Throwable io) {
            dump = "not written: " + io;
        }
        LOG.error("resource manager failed on {}: {} at {}; input journal {}; releasing every group without it,"
                + " then exiting with status {} for a restart", input, e, topFrames(e), dump, EXIT_MANAGER_FAILED);
        pendingCommands.forEach((id, f) -> f.complete(new ManagerAction.AnswerCommand(id, false,
                "the resource manager failed; this daemon is releasing its groups and exiting")));
        pendingCommands.clear();
        try {
            // Actions in flight first: a start finishing after the release would leave its resource up.
            // Interrupting kills a script's process group (ProcessRunner); built-in agents end quickly.
            agentThreads.shutdownNow();
            if (!agentThreads.awaitTermination(IN_FLIGHT_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.error("agent actions still running {} s after the manager failure; releasing anyway",
                        IN_FLIGHT_WAIT.toSeconds());
            }
            List<String> notStopped = EmergencyRelease.run(manager.config(), manager.groupsThatMayRunHere(), agents);
            if (notStopped.isEmpty()) {
                LOG.warn("every group released after the manager failure");
            } else {
                LOG.error("after the manager failure, still held here (check by hand): {}", notStopped);
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        } finally {
            exitProcess.accept(EXIT_MANAGER_FAILED);
        }
    }

    /** Where the error happened, in one line: a StackOverflowError's trace is thousands of equal frames. */
    private static String topFrames(Throwable e) {
        StackTraceElement[] trace = e.getStackTrace();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(4, trace.length); i++) {
            sb.append(i == 0 ? "" : " < ").append(trace[i]);
        }
        return sb.length() == 0 ? "(no stack trace)" : sb.toString();
    }

    /** True once the manager failed: the daemon is releasing its groups itself and exiting. */
    public boolean failed() {
        return failed;
    }

    private void carryOut(List<ManagerAction> actions) {
        for (ManagerAction a : actions) {
            try {
                carryOut(a);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                if (running) {
                    LOG.error("could not carry out '{}': {}", a.describe(), e.toString(), e);
                } else {
                    // close() shut the executors while this step was running (SIGTERM): nothing
                    // more is carried out, and the release that follows does not need it
                    LOG.debug("shutting down: '{}' not carried out", a.describe());
                }
            } catch (RuntimeException e) {
                LOG.error("could not carry out '{}': {}", a.describe(), e.toString(), e);
            }
        }
    }

    private void carryOut(ManagerAction a) {
        if (a instanceof ManagerAction.StartResource s) {
            runAgent(s.opId(), s.group(), s.resource(), "start", agent -> {
                if (!awaitStartsAllowed()) {
                    return AgentResult.failed(OcfStatus.ERR_GENERIC, "not started: the daemon is stopping");
                }
                return s.handover() && agent instanceof HandoverAware h ? h.startAfterHandover(s.timeout())
                        : s.mayUseProbeAhead() && agent instanceof ProbesAhead p ? p.startUsingProbeAhead(s.timeout())
                        : agent.start(s.timeout());
            });
        } else if (a instanceof ManagerAction.StopResource s) {
            runAgent(s.opId(), s.group(), s.resource(), "stop", agent -> agent.stop(s.timeout()));
        } else if (a instanceof ManagerAction.ReloadResource r) {
            runAgent(r.opId(), r.group(), r.resource(), "reload", agent -> agent.reload(r.timeout()));
        } else if (a instanceof ManagerAction.MonitorResource m) {
            runAgent(m.opId(), m.group(), m.resource(), m.probe() ? "probe" : "monitor",
                    agent -> m.probe() ? agent.probe(m.timeout()) : agent.monitor(m.timeout()));
        } else if (a instanceof ManagerAction.BroadcastReport r) {
            byte[] payload = codec.encode(r.report(), advertisedConfig);
            sender.execute(() -> broadcaster.accept(payload));
        } else if (a instanceof ManagerAction.Reannounce r) {
            reannounce(r);
        } else if (a instanceof ManagerAction.RunNotify n) {
            notifier.submit(n.notification());
        } else if (a instanceof ManagerAction.RunFenceHook f) {
            fencer.execute(() -> runFenceHook(f));
        } else if (a instanceof ManagerAction.RunPeerFence f) {
            fencer.execute(() -> submit(runPeerFence(f)));
        } else if (a instanceof ManagerAction.LogEvent e) {
            log(e.event());
        } else if (a instanceof ManagerAction.AnswerCommand c) {
            CompletableFuture<ManagerAction.AnswerCommand> f = pendingCommands.remove(c.requestId());
            if (f != null) {
                f.complete(c);
            }
        } else {
            LOG.error("unknown manager action {}", a.describe());
        }
    }

    private interface AgentCall {
        AgentResult call(ResourceAgent agent);
    }

    private void runAgent(long opId, String group, ResourceSpec spec, String action, AgentCall call) {
        ResourceAgent agent = agents.get(spec.word());
        if (agent == null) {
            submit(new ManagerInput.ActionCompleted(opId, OcfStatus.ERR_CONFIGURED,
                    "no agent for " + spec.word() + " (it did not resolve at start-up)", 0));
            return;
        }
        agentThreads.execute(() -> {
            if (action.equals("probe")) {
                warmUpOnce(spec.word(), agent);
            }
            long t0 = System.nanoTime();
            AgentResult r;
            try {
                r = call.call(agent);
            } catch (Throwable e) {
                // An agent bug is the resource's failure, reported like any other, not the daemon's.
                // Any Throwable: a StackOverflowError (a parser fed 20,000 nested braces), an
                // OutOfMemoryError or a LinkageError would otherwise end this thread silently and
                // the manager would wait for the action's whole timeout.
                r = agentFailed(action + " " + spec.word() + " of group " + group, e);
            }
            long nanos = System.nanoTime() - t0;
            long ms = TimeUnit.NANOSECONDS.toMillis(nanos);
            actionListener.actionDone(group, spec.word(), action, r.status(), nanos);
            // The manager logs every outcome as an event; the agent's own message (which address,
            // which pid) is worth a line of its own only when there is one or the action failed.
            if (!r.isSuccess() || !r.message().isEmpty() && !action.equals("monitor")) {
                LOG.info("{} {} ({}): {} in {} ms", action, spec.word(), group, r, ms);
            } else {
                LOG.debug("{} {} ({}): {} in {} ms", action, spec.word(), group, r, ms);
            }
            submit(ManagerInput.ActionCompleted.of(opId, r, ms)); // with the agent's conflict flag
        });
    }

    /** Logs an agent's Throwable once (without a stack trace for errors the message explains) as a failed result. */
    private static AgentResult agentFailed(String what, Throwable e) {
        if (e instanceof RuntimeException) {
            LOG.error("{}: agent failed: {}", what, e.toString(), e);
        } else {
            // a stack trace of a StackOverflowError is thousands of lines of the same frame
            LOG.error("{}: agent failed: {}", what, e.toString());
        }
        return AgentResult.failed(OcfStatus.ERR_GENERIC, "agent failed: " + e);
    }

    /** Before a resource's first probe: its agent's start path runs once without effect (ResourceAgent.warmUp). */
    private void warmUpOnce(String word, ResourceAgent agent) {
        if (!warmedUp.add(word)) {
            return;
        }
        long t0 = System.nanoTime();
        try {
            agent.warmUp(WARMUP_TIMEOUT);
        } catch (Throwable e) {
            LOG.debug("warm-up of {} failed: {}", word, e.toString());
        }
        LOG.debug("warmed up {} in {} us", word, TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - t0));
    }

    /**
     * A re-announcement is an action like a start: one agent task announces every resource of the
     * group that can, in order, and its result goes back to the manager. A start or stop does not
     * wait for it (docs/manager.md); the VIP agent sends nothing for an address stopped after it
     * looked for it (Announcements' generation), so gratuitous ARPs never follow a stop.
     */
    private void reannounce(ManagerAction.Reannounce r) {
        agentThreads.execute(() -> {
            long t0 = System.nanoTime();
            AgentResult first = null;
            for (ResourceSpec spec : r.resources()) {
                if (agents.get(spec.word()) instanceof Reannouncing ra) {
                    AgentResult res;
                    try {
                        res = ra.reannounce(r.timeout());
                    } catch (Throwable e) {
                        res = agentFailed("re-announcing " + spec.word(), e);
                    }
                    if (res.isSuccess()) {
                        LOG.info("re-announced {} ({}): {}", spec.word(), r.reason(), res.message());
                    } else {
                        LOG.warn("re-announcing {} failed: {}", spec.word(), res);
                        if (first == null) {
                            first = res;
                        }
                    }
                }
            }
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            submit(ManagerInput.ActionCompleted.of(r.opId(), first == null ? AgentResult.ok("re-announced") : first, ms));
        });
    }

    private void runFenceHook(ManagerAction.RunFenceHook f) {
        ProcessResult res = runner.run(new ProcessRequest("fence_hook", List.of(f.hook().toString(), f.group(),
                f.resource()), Map.of("LIFELINE_GROUP", f.group(), "LIFELINE_RESOURCE", f.resource(),
                "LIFELINE_REASON", f.reason(), "LIFELINE_NODE", manager.localNode()),
                manager.config().settings().fencing().timeout(),
                org.slf4j.event.Level.INFO));
        if (res.exited() && res.exitCode() == 0) {
            LOG.warn("fence hook {} for {}/{} succeeded", f.hook(), f.group(), f.resource());
        } else {
            LOG.error("fence hook {} for {}/{} failed: {}", f.hook(), f.group(), f.resource(),
                    res.exited() ? "exit status " + res.exitCode() : res.outcome() + " " + res.error());
        }
    }

    /**
     * Runs the fence hook against a peer, in the ClusterLabs fence-agent convention: no arguments,
     * {@code action=reboot}, {@code port=NODE} and {@code nodename=NODE}, then the options from
     * ha.cf's fence_peers line, one {@code name=value} per line on stdin (so a fence agent such as
     * fence_ipmilan can be the hook itself); a script gets the same in LIFELINE_* variables.
     * Exit status 0 means the peer is fenced.
     */
    ManagerInput.FenceCompleted runPeerFence(ManagerAction.RunPeerFence f) {
        StringBuilder stdin = new StringBuilder()
                .append("action=reboot\n").append("port=").append(f.node()).append('\n')
                .append("nodename=").append(f.node()).append('\n');
        f.options().forEach((k, v) -> stdin.append(k).append('=').append(v).append('\n'));
        Map<String, String> env = Map.of("LIFELINE_FENCE_NODE", f.node(), "LIFELINE_FENCE_ACTION", "reboot",
                "LIFELINE_GROUPS", String.join(",", f.groups()), "LIFELINE_REASON", f.reason(),
                "LIFELINE_NODE", manager.localNode(), "PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        LOG.warn("fencing {}: running {} (timeout {} s)", f.node(), f.hook(), f.timeout().toSeconds());
        ProcessResult res = runner.run(new ProcessRequest("fence " + f.node(), List.of(f.hook().toString()), env,
                f.timeout(), org.slf4j.event.Level.INFO, stdin.toString()));
        long ms = res.elapsed().toMillis();
        if (res.exited() && res.exitCode() == 0) {
            return new ManagerInput.FenceCompleted(f.fenceId(), true, 0, "", ms);
        }
        String detail = firstLine(res.stderr());
        if (!res.exited()) {
            detail = res.outcome().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + ": " + res.error()
                    + (detail.isEmpty() ? "" : "; stderr: " + detail);
        }
        return new ManagerInput.FenceCompleted(f.fenceId(), false, res.exited() ? res.exitCode() : -1, detail, ms);
    }

    /** The first non-blank line of a hook's stderr, at most 200 characters. */
    static String firstLine(String text) {
        for (String line : text.split("\n")) {
            String t = line.strip();
            if (!t.isEmpty()) {
                return t.length() > 200 ? t.substring(0, 200) + "..." : t;
            }
        }
        return "";
    }

    private static void log(ManagerEvent e) {
        String text = e.group() == null ? e.message() : "[" + e.group() + "] " + e.message();
        switch (e.level()) {
            case ERROR -> LOG.error("{}", text);
            case WARN -> LOG.warn("{}", text);
            default -> LOG.info("{}", text);
        }
    }

    // ---- shutdown -----------------------------------------------------------------------

    /**
     * A clean stop, as Heartbeat does it: this node goes into standby for every group, so peers
     * take them over with the usual handover (this node stops them, says so, then the new
     * owner starts them), and waits until nothing is held here or {@code max} passes. The
     * cluster must still be up meanwhile: the peers' claims need this node's confirmation.
     *
     * @return true when everything was released in time
     */
    public boolean releaseEverything(Duration max) {
        if (failed) {
            return false; // the failure path released what it could and said so
        }
        long deadline = System.nanoTime() + max.toNanos();
        try {
            ManagerAction.AnswerCommand a = command(new OperatorCommand.Standby(GroupScope.ALL));
            LOG.info("shutting down: {}", a.message());
            while (System.nanoTime() < deadline) {
                if (query(ResourceManager::settledForShutdown)) {
                    return true;
                }
                Thread.sleep(SHUTDOWN_POLL_MS);
            }
        } catch (TimeoutException e) {
            LOG.error("shutting down: the resource manager did not answer");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    /** Stops the loop after the reports already queued have been sent. */
    @Override
    public void close() {
        running = false;
        thread.interrupt();
        sender.shutdown();
        try {
            sender.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        agentThreads.shutdownNow();
        fencer.shutdownNow();
        notifier.close();
    }

    /**
     * Writes the input journal to a new file in the dump directory ({@code hactl debug inputs},
     * and a manager failure) and returns it.
     */
    public Path dumpInputs(String reason) throws IOException {
        Files.createDirectories(dumpDir);
        String prefix = "inputs-" + manager.localNode() + "-";
        Path file = dumpDir.resolve(prefix + DUMP_STAMP.format(wall.instant()) + ".jsonl");
        journal.write(file, manager.bootConfig(), manager.incarnation(), reason, wall.instant());
        pruneDumps(prefix);
        return file;
    }

    /** Keeps the newest {@link #DUMPS_KEPT} dumps (names sort by time), so a restart loop cannot fill the disk. */
    private void pruneDumps(String prefix) throws IOException {
        List<Path> dumps;
        try (var files = Files.list(dumpDir)) {
            dumps = files.filter(f -> f.getFileName().toString().startsWith(prefix)
                    && f.getFileName().toString().endsWith(".jsonl")).sorted().toList();
        }
        for (int i = 0; i < dumps.size() - DUMPS_KEPT; i++) {
            Files.deleteIfExists(dumps.get(i));
        }
    }

    public InputJournal journal() {
        return journal;
    }

    /** Dropped reports per peer, for status. */
    public Map<String, Long> badReports() {
        Map<String, Long> out = new LinkedHashMap<>();
        badReports.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }
}
