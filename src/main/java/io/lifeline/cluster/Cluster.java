package io.lifeline.cluster;

import io.lifeline.config.ClusterConfig;
import io.lifeline.config.HaCf;
import io.lifeline.thread.NamedThreads;
import io.lifeline.thread.Repeating;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster layer of one node: one {@link Link} per ha.cf medium, their views combined by a
 * {@link MembershipTracker} into node and link states, and events for the resource manager.
 *
 * <p>Threads: JGroups threads only enqueue onto the single membership thread, which owns the
 * tracker, checks late heartbeats and initdead, logs state changes and hands events to the
 * single dispatcher thread that calls the {@link ClusterListener}s. So listeners see events in
 * order, on one thread, and can never stall heartbeat processing.
 */
public final class Cluster implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Cluster.class);
    private static final NamedThreads LINK_OPENERS = NamedThreads.daemon("link-open");
    private static final NamedThreads MEMBERSHIP = NamedThreads.heartbeat("membership");
    private static final long STATUS_TIMEOUT_MS = 2_000;
    private static final long CLOSE_TIMEOUT_MS = 5_000;
    /** How long a leaving node waits for peers to confirm its shutdown notice. */
    private static final long GOODBYE_ACK_TIMEOUT_MS = 1_000;

    private final ClusterConfig config;
    private final HaCf haCf;
    private final String localNode;
    private final NodeNames names;
    private final Clock clock;
    private final TimerSettings timers;
    private final List<LinkSpec> specs;
    private final List<Link> links = new CopyOnWriteArrayList<>();
    private final List<ClusterListener> listeners = new CopyOnWriteArrayList<>();
    private final List<LongConsumer> stallListeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService membershipThread = Executors.newSingleThreadScheduledExecutor(
            r -> MEMBERSHIP.newThread(() -> {
                HeartbeatPriority.enterCurrentThread();
                r.run();
            }));
    private final ExecutorService dispatcher = Executors.newSingleThreadExecutor(
            NamedThreads.daemon("cluster-events"));
    private final long startedAt;
    /** Drops held until the dropped node's lease has ended (membership thread only). */
    private final DropHold dropHold = new DropHold();
    /** When the scheduled end of a hold is due, or -1 (membership thread only). */
    private long releaseScheduledAt = -1;
    /** Whether the quorum lease binds (the daemon's word, after a reload too): drops may then be held. */
    private volatile BooleanSupplier leaseEnforced = () -> false;
    /** The members of the latest membership snapshot: the peers the links confirm (membership thread only). */
    private Set<String> confirmedMembers = Set.of();
    private MembershipTracker tracker;
    private StallWatchdog watchdog;
    private long lastStall;
    private long lastStallAt;
    /** Epoch of the latest membership snapshot handed to the listeners (written on the membership thread). */
    private volatile long membershipEpoch;
    private volatile boolean closed;
    private final long incarnationStart;

    /**
     * @param localNode this node's name; must be an ha.cf node (any case)
     * @throws IllegalArgumentException when {@code localNode} is not in ha.cf
     */
    public Cluster(ClusterConfig config, String localNode, Clock clock) {
        this(config, localNode, clock, clock.millis());
    }

    /**
     * @param incarnationStart the start time this node's link incarnations are numbered from:
     *                         {@link IncarnationFloor#advance}, so that they grow across restarts
     */
    public Cluster(ClusterConfig config, String localNode, Clock clock, long incarnationStart) {
        this.incarnationStart = incarnationStart;
        this.config = config;
        this.haCf = config.haCf();
        this.names = new NodeNames(haCf.nodes());
        String canonical = names.canonical(localNode);
        if (canonical == null) {
            throw new IllegalArgumentException("this node's name '" + localNode + "' is not a node in " + haCf.file()
                    + " (nodes: " + String.join(", ", names.all()) + ")");
        }
        this.localNode = canonical;
        this.clock = clock;
        this.timers = TimerSettings.from(haCf);
        this.specs = LinkPlanner.plan(haCf.media());
        this.startedAt = clock.millis();
    }

    public void addListener(ClusterListener listener) {
        listeners.add(listener);
    }

    /**
     * Called on the watchdog thread, at once, with the length of every stall (this JVM not
     * running for a while, StallBound), ahead of the events queued meanwhile. Must not block.
     */
    public void addStallListener(LongConsumer listener) {
        stallListeners.add(listener);
    }

    /** Sends {@code payload} to every peer on every link; peers receive it as {@link ClusterEvent.PeerPayload}. */
    public void broadcast(byte[] payload) {
        for (Link l : links) {
            l.broadcast(payload);
        }
    }

    public String localNode() {
        return localNode;
    }

    /**
     * The epoch of the latest membership snapshot sent to the listeners (0 before the first).
     * Read by a stall listener: snapshots up to this one were taken before the stall was seen.
     */
    public long membershipEpoch() {
        return membershipEpoch;
    }

    /**
     * The freeze length from which peers may have declared this node dead, as the stall watchdog
     * measures it: the default stall threshold (docs/manager.md, "Stall").
     */
    public Duration stallBound() {
        return StallBound.of(timers).bound();
    }

    public TimerSettings timers() {
        return timers;
    }

    /**
     * Why switching to {@code next} would cut this node off from a peer it hears now: a peer
     * whose latest datagram (on any link) was signed with a key {@code next} no longer lists
     * would be refused from then on, and each side would declare the other dead. Empty when the
     * switch is safe for every peer heard so far.
     */
    public List<String> authkeysProblems(io.lifeline.config.Authkeys next) {
        Map<String, Integer> used = new java.util.TreeMap<>();
        for (Link l : links) {
            used.putAll(l.peerSigningKeys());
        }
        List<String> problems = new ArrayList<>();
        used.forEach((node, key) -> {
            if (!next.keys().containsKey(key)) {
                problems.add(node + " signs with key " + key + ", which this authkeys no longer lists: " + localNode
                        + " would refuse " + node + " and each would declare the other dead. Rotate in three"
                        + " reloads of every node: add the new key, then switch 'auth' to it, then remove key " + key);
            }
        });
        return problems;
    }

    /** Switches every link to a reloaded authkeys (see DatagramAuthenticator#useKeys). */
    public void useAuthkeys(io.lifeline.config.Authkeys next) {
        for (Link l : links) {
            l.useKeys(next);
        }
    }

    /** Opens every link; on failure closes what was opened and explains which ha.cf line failed. */
    public void start() throws ClusterStartException {
        if (specs.isEmpty()) {
            throw new ClusterStartException(haCf.file() + ": no heartbeat media (bcast, mcast or ucast) configured",
                    null);
        }
        timers.warnings().forEach(w -> LOG.warn("{}: {}", haCf.file(), w));
        LOG.info("timers: keepalive {} ms, deadtime {} ms, warntime {} ms, initdead {} ms -> FD_ALL3 {}/{} ms,"
                        + " VERIFY_SUSPECT2 {} ms (expected detection ~{} ms)",
                timers.keepalive().toMillis(), timers.deadtime().toMillis(), timers.warntime().toMillis(),
                timers.initdead().toMillis(), timers.fdIntervalMs(), timers.fdTimeoutMs(),
                timers.verifySuspectMs(), timers.expectedDetectionMs());
        StackWarmup.awaitReady();
        List<String> linkNames = specs.stream().map(LinkSpec::name).toList();
        tracker = new MembershipTracker(localNode, names.all(), linkNames, startedAt,
                timers.initdead().toMillis(), timers.warntime().toMillis());
        Set<InetAddress> vips = VipAddresses.of(config.haresources());
        Link.Sink sink = new Link.Sink() {
            @Override
            public void view(Link link, Set<String> members, List<Set<String>> subgroups) {
                submit(() -> apply(tracker.viewChanged(link.name(), members, subgroups, clock.millis())));
            }

            @Override
            public void goodbye(Link link, String node) {
                submit(() -> {
                    LOG.info("node {}: announced a clean shutdown (on link {})", node, link.name());
                    tracker.leaveAnnounced(node);
                });
            }

            @Override
            public void payload(Link link, String node, byte[] data) {
                // through the membership thread, so a payload is never delivered before the view
                // change that made its sender a member
                submit(() -> publish(List.of(new ClusterEvent.PeerPayload(node, link.name(), data, clock.millis()))));
            }

            @Override
            public void suspected(Link link, String node) {
                submit(() -> {
                    LOG.debug("node {}: suspected on link {}, verifying", node, link.name());
                    publish(List.of(new ClusterEvent.PeerSuspected(node, link.name(), clock.millis())));
                });
            }
        };
        openLinks(specs, vips, sink);
        long linksOpenedAt = clock.millis();
        submit(() -> {
            tracker.linksOpened(linksOpenedAt);
            // a link's first view arrives while it opens, before it is in the list: confirm its members now
            links.forEach(l -> l.confirmTo(confirmedMembers));
        });
        // Every tick is a wake-up (at keepalive 50 ms ticking every 25-50 ms cost a measurable share of
        // idle CPU). Late heartbeats are caught as packets arrive (PeerActivity), so the tick only
        // reports them, samples silences still going on, and ends initdead: 250-500 ms is enough.
        long period = Math.max(250, Math.min(timers.warntime().toMillis(), 500));
        Repeating.withFixedDelay(membershipThread, "membership tick", period, period, TimeUnit.MILLISECONDS, this::tick);
        StallBound stalls = StallBound.of(timers);
        watchdog = new StallWatchdog(stalls.periodMs(), stalls.reportAboveMs(), timers.deadtime().toMillis() / 2,
                gap -> {
                    // Stall listeners first and directly: the manager must learn of the stall before
                    // anything that queued up behind it (views, reports) reaches it.
                    for (LongConsumer l : stallListeners) {
                        l.accept(gap);
                    }
                    submit(() -> {
                        lastStall = gap;
                        lastStallAt = clock.millis();
                        publish(List.of(new ClusterEvent.LocalStall(gap, lastStallAt)));
                    });
                }).start();
    }

    /**
     * Opens every link at once, each on its own thread: a link that finds no coordinator waits a
     * whole join timeout (3 s, TimerSettings) before it forms its own group, and one link after
     * the other that cost a node starting first with two links 6 s. The links keep ha.cf order;
     * if any fails, all are closed and the first failure in ha.cf order is thrown.
     */
    private void openLinks(List<LinkSpec> specs, Set<InetAddress> vips, Link.Sink sink)
            throws ClusterStartException {
        List<CompletableFuture<Link>> opening = new ArrayList<>();
        for (LinkSpec spec : specs) {
            CompletableFuture<Link> link = new CompletableFuture<>();
            LINK_OPENERS.start(() -> {
                try {
                    link.complete(openLink(spec, vips, sink));
                } catch (Throwable t) {
                    link.completeExceptionally(t);
                }
            }, spec.name());
            opening.add(link);
        }
        ClusterStartException failure = null;
        for (int i = 0; i < opening.size(); i++) {
            try {
                links.add(opening.get(i).join());
            } catch (CompletionException e) {
                if (failure == null) {
                    failure = e.getCause() instanceof ClusterStartException c ? c
                            : new ClusterStartException(haCf.file() + ":" + specs.get(i).line() + ": link "
                                    + specs.get(i).name() + ": " + e.getCause(), e.getCause());
                }
            }
        }
        if (failure != null) {
            closeLinks();
            throw failure;
        }
    }

    private Link openLink(LinkSpec spec, Set<InetAddress> vips, Link.Sink sink) throws ClusterStartException {
        String where = haCf.file() + ":" + spec.line() + ": link " + spec.name();
        Collection<InetAddress> ucastPeers = spec instanceof LinkSpec.Ucast u ? u.peers() : List.of();
        BindAddressRule.Choice choice;
        try {
            choice = BindAddressRule.choose(spec.device(), vips, ucastPeers);
        } catch (BindAddressRule.NoAddressException e) {
            throw new ClusterStartException(where + ": " + e.getMessage(), e);
        }
        InetAddress broadcast = null;
        if (spec instanceof LinkSpec.Bcast) {
            broadcast = choice.broadcast().orElseGet(() -> {
                LOG.warn("{}: {} has no subnet broadcast address, using 255.255.255.255", where,
                        choice.address().getHostAddress());
                return limitedBroadcast();
            });
        }
        if (spec instanceof LinkSpec.Ucast u && u.peers().stream().allMatch(p -> p.equals(choice.address()))) {
            LOG.warn("{}: the ucast lines only name this node's own address {}; no peer can be reached on it",
                    where, choice.address().getHostAddress());
        }
        String clusterName = LinkPlanner.clusterName(haCf.clusterName(), haCf.nodes(), spec);
        Link link = new Link(spec, clusterName, choice.address(), broadcast, localNode, names, sink, clock,
                incarnationStart);
        try {
            link.start(config.authkeys(), haCf.allowCrc(), timers);
        } catch (Exception e) {
            throw new ClusterStartException(where + ": cannot open on " + choice.address().getHostAddress() + ": "
                    + (e.getMessage() != null ? e.getMessage() : e.toString()), e);
        }
        return link;
    }

    private static InetAddress limitedBroadcast() {
        try {
            return InetAddress.getByAddress(new byte[] {-1, -1, -1, -1});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private void tick() {
        long now = clock.millis();
        List<ClusterEvent> events = new ArrayList<>(tracker.tick(now));
        for (Link link : links) {
            link.recheckUnnamedMembers();
            Map<String, Long> heard = link.lastHeardByNode();
            Map<String, Long> lateGaps = link.drainLateGapsByNode();
            for (String peer : tracker.peers()) {
                Long gap = lateGaps.get(peer);
                if (gap != null) {
                    events.addAll(tracker.lateHeartbeatEnded(peer, link.name(), gap, now));
                }
                events.addAll(tracker.heartbeatAge(peer, link.name(), heard.getOrDefault(peer, -1L), now));
            }
        }
        apply(events);
    }

    private void apply(List<ClusterEvent> events) {
        List<ClusterEvent> out = new ArrayList<>(events.size());
        for (ClusterEvent e : events) {
            log(e);
            if (e instanceof ClusterEvent.MembershipSnapshot m) {
                membershipEpoch = m.epoch();
                // confirm exactly the members: a peer declared dead no longer gets its lease renewed here
                confirmedMembers = Set.copyOf(m.alive());
                links.forEach(l -> l.confirmTo(confirmedMembers));
                // ... and only then read what was heard: nothing heard later renews a dropped node's lease
                out.add(hold(m));
            } else {
                out.add(e);
            }
        }
        publish(out);
    }

    /**
     * Whether the manager enforces the quorum lease (ManagerConfig.quorumLeaseEnforced): then a
     * node dropped while still heard here stays in the membership the manager sees until its
     * lease through this node has ended ({@link DropHold}).
     */
    public void enforceQuorumLease(BooleanSupplier enforced) {
        leaseEnforced = enforced;
    }

    /**
     * The snapshot the manager sees: the tracker's, with drops held (membership thread). On the
     * monotonic clock, like the lease: a step of the wall clock must not end a hold early.
     */
    private ClusterEvent.MembershipSnapshot hold(ClusterEvent.MembershipSnapshot real) {
        Map<String, Long> heard = new HashMap<>();
        for (Link l : links) {
            l.lastConfirmableNanos().forEach((node, t) -> heard.merge(node, TimeUnit.NANOSECONDS.toMillis(t), Math::max));
        }
        long now = monotonicMs();
        long leaseMs = leaseEnforced.getAsBoolean() ? timers.leaseMs() : 0; // 3+ nodes: part of the daemon's word
        DropHold.Result r = dropHold.apply(real, names.all(), heard, leaseMs, now);
        r.heldFrom().forEach((node, at) -> LOG.warn("node {}: dropped from the membership while this node still heard"
                + " it {} ms ago (a view change decided elsewhere, not this node's own silence); the manager sees it for"
                + " {} ms more, until its quorum lease through this node has certainly ended (docs/leases.md)",
                node, now - at, at + leaseMs - now));
        r.released().forEach(node -> LOG.info("node {}: its quorum lease through this node has ended; the manager"
                + " sees it dead", node));
        if (r.snapshot() != real) {
            LOG.info("membership for the manager {} (epoch {}; held: {})", r.snapshot().alive(), real.epoch(),
                    r.snapshot().alive().stream().filter(n -> !real.alive().contains(n)).toList());
        }
        scheduleRelease(now);
        return r.snapshot();
    }

    private void scheduleRelease(long now) {
        long next = dropHold.nextReleaseMs();
        if (next >= 0 && next != releaseScheduledAt && !closed) {
            releaseScheduledAt = next;
            try {
                membershipThread.schedule(() -> submit(this::releaseHolds), Math.max(1, next - now), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // shutting down
            }
        }
    }

    private static long monotonicMs() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime());
    }

    /** A hold's end: the same membership under a new epoch, now without the node (membership thread). */
    private void releaseHolds() {
        releaseScheduledAt = -1;
        long now = monotonicMs();
        long next = dropHold.nextReleaseMs();
        if (next >= 0 && next <= now) {
            apply(List.of(tracker.resnapshot(clock.millis())));
        } else {
            scheduleRelease(now); // woken a little early
        }
    }

    private void publish(List<ClusterEvent> events) {
        if (events.isEmpty() || closed) {
            return;
        }
        dispatcher.execute(() -> {
            for (ClusterEvent e : events) {
                for (ClusterListener l : listeners) {
                    try {
                        l.onEvent(e);
                    } catch (RuntimeException ex) {
                        LOG.error("cluster listener failed on {}: {}", e, ex.toString(), ex);
                    }
                }
            }
        });
    }

    private static void log(ClusterEvent e) {
        if (e instanceof ClusterEvent.NodeUp u) {
            LOG.info("node {}: is up (via link {})", u.node(), u.viaLink());
        } else if (e instanceof ClusterEvent.NodeDead d) {
            switch (d.cause()) {
                case LEFT -> LOG.info("node {}: left the cluster (clean shutdown)", d.node());
                case NEVER_SEEN -> LOG.warn("node {}: is dead (not heard from within initdead)", d.node());
                default -> LOG.warn("node {}: is dead (silent on every link)", d.node());
            }
        } else if (e instanceof ClusterEvent.LinkUp u) {
            LOG.info("link {} to {}: up", u.link(), u.node());
        } else if (e instanceof ClusterEvent.LinkDead d) {
            LOG.warn("link {} to {}: dead", d.link(), d.node());
        } else if (e instanceof ClusterEvent.PartitionMerged m) {
            LOG.warn("link {}: partition healed, merged subgroups {}", m.link(), m.subgroups());
        } else if (e instanceof ClusterEvent.MembershipSnapshot m) {
            LOG.info("membership {} (epoch {}{}{})", m.alive(), m.epoch(), m.merge() ? ", partition healed" : "",
                    m.initdeadOver() ? "" : ", initdead not over");
        } else if (e instanceof ClusterEvent.LateHeartbeat l) {
            LOG.warn("late heartbeat from {} on link {}: silent for {} ms (warntime exceeded)",
                    l.node(), l.link(), l.silentMillis());
        }
    }

    private void submit(Runnable r) {
        if (closed) {
            return;
        }
        try {
            membershipThread.execute(() -> {
                try {
                    r.run();
                } catch (RuntimeException e) {
                    LOG.error("membership update failed: {}", e.toString(), e);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // shutting down
        }
    }

    /** A consistent snapshot, taken on the membership thread. */
    public ClusterStatus status() throws TimeoutException {
        try {
            return membershipThread.submit(this::snapshot).get(STATUS_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TimeoutException("interrupted");
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot take a status snapshot: " + e.getCause(), e.getCause());
        }
    }

    private ClusterStatus snapshot() {
        long now = clock.millis();
        List<Map<String, Long>> heard = links.stream().map(Link::lastHeardByNode).toList();
        List<ClusterStatus.Node> nodes = new ArrayList<>();
        for (String n : names.all()) {
            if (n.equals(localNode)) {
                nodes.add(new ClusterStatus.Node(n, true, MembershipTracker.NodeState.UP, null, startedAt, List.of()));
                continue;
            }
            List<ClusterStatus.PeerLink> pl = new ArrayList<>();
            for (int i = 0; i < links.size(); i++) {
                Link l = links.get(i);
                pl.add(new ClusterStatus.PeerLink(l.name(), tracker.linkState(n, l.name()),
                        heard.get(i).getOrDefault(n, -1L)));
            }
            nodes.add(new ClusterStatus.Node(n, false, tracker.nodeState(n), tracker.deathCause(n),
                    tracker.nodeSince(n), pl, dropHold.heldMsLeft(n, monotonicMs())));
        }
        List<ClusterStatus.LinkInfo> infos = new ArrayList<>();
        for (Link l : links) {
            infos.add(new ClusterStatus.LinkInfo(l.name(), kind(l.spec()), l.spec().device(),
                    l.bindAddress().getHostAddress(), l.spec().port(), l.clusterName(), linkSummary(l.name()),
                    l.currentMembers(), l.drops().entries(), l.rejectedMembers()));
        }
        long nowNanos = System.nanoTime();
        return new ClusterStatus(localNode, startedAt, now, timers, nodes, infos, lastStall, lastStallAt,
                lease(nowNanos), nowNanos);
    }

    /**
     * Which sets of nodes (this one included) form a quorum, for the lease: the manager's rule
     * ({@code ManagerConfig.hasQuorum}: a majority, or an even split's half holding the
     * tie-breaker node), handed in by the daemon; a majority of the ha.cf nodes until then.
     */
    private volatile Predicate<Set<String>> quorumRule = nodes -> nodes.size() >= QuorumLease.majorityOf(nodeCount());

    private int nodeCount() {
        return names.all().size();
    }

    /** The quorum rule the lease is computed against from now on (the daemon's, after a reload too). */
    public void useQuorumRule(Predicate<Set<String>> rule) {
        quorumRule = rule;
    }

    /**
     * The quorum lease this node holds now (docs/leases.md): its peers' confirmations, the newest
     * per peer over all links, against the quorum rule; null for a pair, which has no quorum rule.
     * Shown in status and metrics, and enforced by the daemon's {@code QuorumLeaseGuard}.
     */
    public QuorumLease lease(long nowNanos) {
        if (names.all().size() < 3) {
            return null; // a pair has no quorum rule, so no lease (docs/leases.md); with an arbiter it is three
        }
        Map<String, Long> newest = new HashMap<>();
        for (Link l : links) {
            l.confirmedSendTimes().forEach((node, t) -> newest.merge(node, t, (x, y) -> y - x > 0 ? y : x));
        }
        return QuorumLease.of(nowNanos, newest, localNode, quorumRule, TimeUnit.MILLISECONDS.toNanos(timers.leaseMs()));
    }

    /** up: at least one peer reachable on it; init: nothing known yet; dead: no peer reachable. */
    private String linkSummary(String link) {
        boolean anyInit = false;
        for (String p : tracker.peers()) {
            MembershipTracker.LinkState s = tracker.linkState(p, link);
            if (s == MembershipTracker.LinkState.UP) {
                return "up";
            }
            anyInit |= s == MembershipTracker.LinkState.INIT;
        }
        return anyInit ? "init" : tracker.peers().isEmpty() ? "up" : "dead";
    }

    private static String kind(LinkSpec s) {
        return s instanceof LinkSpec.Bcast ? "bcast" : s instanceof LinkSpec.Mcast ? "mcast" : "ucast";
    }

    /** Announces a clean shutdown on every link, then leaves every JGroups cluster. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (!links.isEmpty()) {
            LOG.info("leaving the cluster");
        }
        List<CountDownLatch> acks = new ArrayList<>();
        for (Link l : links) {
            acks.add(l.announceLeave());
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(GOODBYE_ACK_TIMEOUT_MS);
        try {
            for (CountDownLatch a : acks) {
                if (!a.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    LOG.info("not every peer acknowledged the shutdown notice; they may report a failure instead");
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closed = true;
        if (watchdog != null) {
            watchdog.close();
        }
        closeLinks();
        membershipThread.shutdownNow();
        dispatcher.shutdown();
        try {
            dispatcher.awaitTermination(CLOSE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void closeLinks() {
        for (Link l : links) {
            try {
                l.close();
            } catch (RuntimeException e) {
                LOG.warn("link {}: error while closing: {}", l.name(), e.toString());
            }
        }
        links.clear();
    }
}
