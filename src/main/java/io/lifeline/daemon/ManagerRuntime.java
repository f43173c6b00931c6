package io.lifeline.daemon;

import io.lifeline.agent.AgentDetails;
import io.lifeline.agent.AgentResult;
import io.lifeline.agent.HandoverAware;
import io.lifeline.agent.OcfStatus;
import io.lifeline.agent.Reannouncing;
import io.lifeline.agent.ResourceAgent;
import io.lifeline.agent.script.ProcessRequest;
import io.lifeline.agent.script.ProcessResult;
import io.lifeline.agent.script.ProcessRunner;
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
import io.lifeline.manager.notify.NotifyExecutor;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
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
    private static final Duration REANNOUNCE_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration FENCE_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration WARMUP_TIMEOUT = Duration.ofSeconds(2);
    private static final long SHUTDOWN_POLL_MS = 20;

    private final ResourceManager manager;
    private final List<String> nodes;
    private final Map<String, ResourceAgent> agents;
    private final Consumer<byte[]> broadcaster;
    private final NotifyExecutor notifier;
    private final ProcessRunner runner;
    private final LongSupplier monotonicMs;
    private final Clock wall;
    private final long initdeadAtMs;
    private final ReportCodec codec = new ReportCodec();

    private final LinkedBlockingDeque<Runnable> inbox = new LinkedBlockingDeque<>();
    private final Thread thread;
    private final ExecutorService agentThreads = Executors.newCachedThreadPool(daemonThreads("lifeline-agent"));
    private final ExecutorService sender = Executors.newSingleThreadExecutor(daemonThreads("lifeline-report-sender"));
    private final ExecutorService fencer = Executors.newSingleThreadExecutor(daemonThreads("lifeline-fence"));
    /** Manager thread only. */
    private final Map<Long, CompletableFuture<ManagerAction.AnswerCommand>> pendingCommands = new HashMap<>();
    /** Cluster-events thread only: nodes heard on some link. */
    private final Set<String> alive = new LinkedHashSet<>();
    /** Cluster-events thread only: nodes declared dead, and those of them that came back since. */
    private final Set<String> declaredDead = new java.util.HashSet<>();
    private final Set<String> rejoined = new java.util.HashSet<>();
    private final Map<String, AtomicLong> badReports = new ConcurrentHashMap<>();
    /** Agent threads: the words whose agent has warmed up. */
    private final Set<String> warmedUp = ConcurrentHashMap.newKeySet();
    private volatile ActionListener actionListener = (group, resource, action, result, nanos) -> { };
    private long nextRequestId = 1;
    private boolean initdeadSent;
    private volatile boolean running = true;

    /**
     * @param agents       the resolved agent of every haresources word
     * @param broadcaster  sends a payload to every peer on every link
     * @param monotonicMs  the clock timers run on (never jumps)
     * @param initdead     ha.cf initdead, counted from now
     */
    public ManagerRuntime(ResourceManager manager, List<String> nodes, Map<String, ResourceAgent> agents,
                          Consumer<byte[]> broadcaster, NotifyExecutor notifier, ProcessRunner runner,
                          LongSupplier monotonicMs, Clock wall, Duration initdead) {
        this.manager = manager;
        this.nodes = nodes.stream().map(n -> n.toLowerCase(Locale.ROOT)).toList();
        this.agents = Map.copyOf(agents);
        this.broadcaster = broadcaster;
        this.notifier = notifier;
        this.runner = runner;
        this.monotonicMs = monotonicMs;
        this.wall = wall;
        this.initdeadAtMs = monotonicMs.getAsLong() + initdead.toMillis();
        this.thread = new Thread(this::loop, "lifeline-manager");
        this.thread.setDaemon(true);
        alive.add(manager.localNode());
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

    /** Boots the manager (probes every resource) and starts feeding it. */
    public void start() {
        inbox.offerFirst(() -> carryOut(manager.boot(now())));
        thread.start();
    }

    // ---- inputs -------------------------------------------------------------------------

    /** Cluster events arrive here, in order, on the cluster's event thread. */
    @Override
    public void onEvent(ClusterEvent event) {
        if (!(event instanceof ClusterEvent.NodeUp || event instanceof ClusterEvent.LinkUp
                || event instanceof ClusterEvent.PartitionMerged)) {
            // a merge comes in the same batch as the node-up events it explains; later ones are
            // link-level only
            rejoined.clear();
        }
        if (event instanceof ClusterEvent.NodeUp u) {
            String node = u.node().toLowerCase(Locale.ROOT);
            if (declaredDead.remove(node)) {
                rejoined.add(node);
            }
            if (alive.add(node)) {
                submit(new ManagerInput.MembershipChanged(members(), false));
            }
        } else if (event instanceof ClusterEvent.NodeDead d) {
            declaredDead.add(d.node().toLowerCase(Locale.ROOT));
            if (alive.remove(d.node().toLowerCase(Locale.ROOT))) {
                submit(new ManagerInput.MembershipChanged(members(), false));
            }
        } else if (event instanceof ClusterEvent.PartitionMerged m) {
            // A merge on one link while the nodes still heard each other on another is no
            // partition at node level: tell the manager only about merges that rejoin nodes.
            boolean rejoins = m.subgroups().stream().flatMap(java.util.Set::stream)
                    .map(n -> n.toLowerCase(Locale.ROOT)).anyMatch(rejoined::remove);
            if (rejoins) {
                submit(new ManagerInput.MembershipChanged(members(), true));
            }
        } else if (event instanceof ClusterEvent.PeerPayload p) {
            try {
                StateReport r = codec.decode(p.data(), p.node());
                submit(new ManagerInput.PeerReport(r));
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
     * The stall watchdog's report, put in front of everything queued meanwhile: a node frozen
     * past deadtime must release its groups before it acts on stale inputs.
     */
    public void onStall(long frozenMs) {
        if (running) {
            inbox.offerFirst(() -> carryOut(manager.handle(now(), new ManagerInput.StallDetected(frozenMs))));
        }
    }

    /** The number of ping targets this node reaches changed. */
    public void onConnectivity(int score) {
        submit(new ManagerInput.ConnectivityChanged(score));
    }

    private List<String> members() {
        return nodes.stream().filter(alive::contains).toList();
    }

    private void submit(ManagerInput input) {
        if (running) {
            inbox.offerLast(() -> carryOut(manager.handle(now(), input)));
        }
    }

    // ---- queries and commands (control threads) ------------------------------------------

    /** Runs {@code f} on the manager thread and waits for its result. */
    public <T> T query(Function<ResourceManager, T> f) throws TimeoutException {
        CompletableFuture<T> result = new CompletableFuture<>();
        inbox.offerLast(() -> {
            try {
                result.complete(f.apply(manager));
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
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
            } catch (RuntimeException e) {
                LOG.debug("details of {} unavailable: {}", word, e.toString());
            }
        });
        return out;
    }

    /** Hands an operator command to the manager and waits for its answer. */
    public ManagerAction.AnswerCommand command(OperatorCommand command) throws TimeoutException {
        CompletableFuture<ManagerAction.AnswerCommand> answer = new CompletableFuture<>();
        inbox.offerLast(() -> {
            long id = nextRequestId++;
            pendingCommands.put(id, answer);
            carryOut(manager.handle(now(), new ManagerInput.Command(id, command)));
            if (pendingCommands.remove(id) != null) {
                answer.complete(new ManagerAction.AnswerCommand(id, false, "the manager gave no answer"));
            }
        });
        return await(answer, QUERY_TIMEOUT);
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
        while (running) {
            try {
                long nowMs = monotonicMs.getAsLong();
                long due = manager.nextTimerAtMs();
                if (!initdeadSent) {
                    due = Math.min(due, initdeadAtMs);
                }
                Runnable next = inbox.pollFirst(Math.max(0, due - nowMs), TimeUnit.MILLISECONDS);
                if (next != null) {
                    next.run();
                }
                if (!running) {
                    break;
                }
                nowMs = monotonicMs.getAsLong();
                if (!initdeadSent && nowMs >= initdeadAtMs) {
                    initdeadSent = true;
                    carryOut(manager.handle(now(), new ManagerInput.InitdeadElapsed()));
                }
                if (nowMs >= manager.nextTimerAtMs()) {
                    carryOut(manager.handle(now(), new ManagerInput.Tick()));
                }
            } catch (InterruptedException e) {
                break;
            } catch (RuntimeException e) {
                // A bug in the manager must not silently stop management: log it loudly and go on
                // with the next input (the manager's state is unchanged by a failed handle()).
                LOG.error("resource manager failed on an input: {}", e.toString(), e);
            }
        }
    }

    private void carryOut(List<ManagerAction> actions) {
        for (ManagerAction a : actions) {
            try {
                carryOut(a);
            } catch (RuntimeException e) {
                LOG.error("could not carry out '{}': {}", a.describe(), e.toString(), e);
            }
        }
    }

    private void carryOut(ManagerAction a) {
        if (a instanceof ManagerAction.StartResource s) {
            runAgent(s.opId(), s.group(), s.resource(), "start", s.timeout(),
                    agent -> s.handover() && agent instanceof HandoverAware h ? h.startAfterHandover(s.timeout())
                            : agent.start(s.timeout()));
        } else if (a instanceof ManagerAction.StopResource s) {
            runAgent(s.opId(), s.group(), s.resource(), "stop", s.timeout(), agent -> agent.stop(s.timeout()));
        } else if (a instanceof ManagerAction.MonitorResource m) {
            runAgent(m.opId(), m.group(), m.resource(), m.probe() ? "probe" : "monitor", m.timeout(),
                    agent -> m.probe() ? agent.probe(m.timeout()) : agent.monitor(m.timeout()));
        } else if (a instanceof ManagerAction.BroadcastReport r) {
            byte[] payload = codec.encode(r.report());
            sender.execute(() -> broadcaster.accept(payload));
        } else if (a instanceof ManagerAction.Reannounce r) {
            reannounce(r);
        } else if (a instanceof ManagerAction.RunNotify n) {
            notifier.submit(n.notification());
        } else if (a instanceof ManagerAction.RunFenceHook f) {
            fencer.execute(() -> runFenceHook(f));
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

    private void runAgent(long opId, String group, ResourceSpec spec, String action, Duration timeout, AgentCall call) {
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
            } catch (RuntimeException e) {
                // An agent bug is the resource's failure, reported like any other, not the daemon's.
                LOG.error("{} {} of group {}: agent failed: {}", action, spec.word(), group, e.toString(), e);
                r = AgentResult.failed(OcfStatus.ERR_GENERIC, "agent failed: " + e);
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
            submit(new ManagerInput.ActionCompleted(opId, r.status(), r.message(), ms));
        });
    }

    /** Before a resource's first probe: its agent's start path runs once without effect (ResourceAgent.warmUp). */
    private void warmUpOnce(String word, ResourceAgent agent) {
        if (!warmedUp.add(word)) {
            return;
        }
        long t0 = System.nanoTime();
        try {
            agent.warmUp(WARMUP_TIMEOUT);
        } catch (RuntimeException e) {
            LOG.debug("warm-up of {} failed: {}", word, e.toString());
        }
        LOG.debug("warmed up {} in {} us", word, TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - t0));
    }

    private void reannounce(ManagerAction.Reannounce r) {
        for (ResourceSpec spec : r.resources()) {
            if (agents.get(spec.word()) instanceof Reannouncing ra) {
                agentThreads.execute(() -> {
                    AgentResult res = ra.reannounce(REANNOUNCE_TIMEOUT);
                    if (res.isSuccess()) {
                        LOG.info("re-announced {} ({}): {}", spec.word(), r.reason(), res.message());
                    } else {
                        LOG.warn("re-announcing {} failed: {}", spec.word(), res);
                    }
                });
            }
        }
    }

    private void runFenceHook(ManagerAction.RunFenceHook f) {
        ProcessResult res = runner.run(new ProcessRequest("fence_hook", List.of(f.hook().toString(), f.group(),
                f.resource()), Map.of("LIFELINE_GROUP", f.group(), "LIFELINE_RESOURCE", f.resource(),
                "LIFELINE_REASON", f.reason(), "LIFELINE_NODE", manager.localNode()), FENCE_TIMEOUT,
                org.slf4j.event.Level.INFO));
        if (res.exited() && res.exitCode() == 0) {
            LOG.warn("fence hook {} for {}/{} succeeded", f.hook(), f.group(), f.resource());
        } else {
            LOG.error("fence hook {} for {}/{} failed: {}", f.hook(), f.group(), f.resource(),
                    res.exited() ? "exit status " + res.exitCode() : res.outcome() + " " + res.error());
        }
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

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** Dropped reports per peer, for status. */
    public Map<String, Long> badReports() {
        Map<String, Long> out = new LinkedHashMap<>();
        badReports.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }
}
