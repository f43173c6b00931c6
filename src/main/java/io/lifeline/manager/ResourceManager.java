package io.lifeline.manager;

import io.lifeline.config.ResourceGroup;
import io.lifeline.manager.ManagerEvent.Level;
import io.lifeline.manager.ManagerInput.ActionCompleted;
import io.lifeline.manager.ManagerInput.Command;
import io.lifeline.manager.ManagerInput.FenceCompleted;
import io.lifeline.manager.ManagerInput.ConfigReloaded;
import io.lifeline.manager.ManagerInput.ConnectivityChanged;
import io.lifeline.manager.ManagerInput.InitdeadElapsed;
import io.lifeline.manager.ManagerInput.MembershipChanged;
import io.lifeline.manager.ManagerInput.PeerReport;
import io.lifeline.manager.ManagerInput.StallDetected;
import io.lifeline.manager.ManagerInput.Tick;
import io.lifeline.manager.LocalGroup.OpKind;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The decision core: a deterministic, single-threaded state machine. Feed it one
 * {@link ManagerInput} at a time with the current time; it returns the {@link ManagerAction}s to
 * carry out, in order. It reads no clock, does no I/O and starts no thread, so it is tested by
 * scenarios (state in, inputs in, actions out) and by simulating whole clusters in memory.
 *
 * <p>Every node runs one. All of them see the same membership and exchange {@link StateReport}s,
 * and each computes the same {@link Placement} for every group, then acts only on its own part:
 * the chosen node claims the group; every other node stops it if it holds it; the claimant starts
 * only when every alive peer has confirmed, in a report sent after seeing the claim, that it
 * neither holds nor claims the group. That confirmation is what makes planned moves free of
 * overlap (the old owner's "released") and breaks ties between concurrent claims (the claimant
 * first in ha.cf order keeps its claim). See docs/manager.md.
 *
 * <p>This class is the manager's front: it owns the input loop and the order of the decision
 * round that follows every input ({@link #handle}), and the view placement decides on. The
 * rules live in package-private parts, one concept each, sharing a {@link ManagerContext}:
 * {@link ClusterView} (membership, peers' reports, start-up, quorum), {@link StallRecovery},
 * {@link PeerFencing}, {@link OperatorRegisters} (hactl's commands and registers),
 * {@link Claims} (keep, stop, claim or start each group here), {@link GroupActions} (agent
 * actions and their results, on {@link LocalGroup}s), {@link Reconfiguration} (reload),
 * {@link OwnReports} (this node's reports) and {@link StatusView} (hactl status).
 */
public final class ResourceManager {

    /** Extra time past an action's own timeout before the manager gives up waiting for its result. */
    static final long RESULT_GRACE_MS = 10_000;
    /** This node's identity, the configuration in force, the clocks, the current input's output: shared by the parts. */
    private final ManagerContext ctx;
    private final ManagerConfig bootCfg;
    private final String me;
    private final String incarnation;
    /** The configured groups as this node runs them, in haresources order (a reload rebuilds it). */
    private final Map<String, LocalGroup> groups = new LinkedHashMap<>();
    private final Failcounts failcounts = new Failcounts();
    /** What stopping everything here takes, from measured stops: the quorum lease's stop budget. */
    private final StopBudget stopBudget = new StopBudget();

    // The parts, one concept each; this class feeds them each input and runs the decision round
    // (finish) in a fixed order, which is what keeps the actions and events deterministic.
    /** The membership, the peers' latest reports, start-up and quorum. */
    private final ClusterView cluster;
    /** Which departed peers must be fenced before which groups start here (fence_peers on), and the fences. */
    private final PeerFencing fencing;
    /** Recovery from a stall: releases everything, then rejoins. */
    private final StallRecovery stall;
    /** Agent actions, one at a time per group, and their results. */
    private final GroupActions actions;
    /** Reloads: the new configuration applied group by group, the old resources of changed or removed groups stopped. */
    private final Reconfiguration reconfiguration;
    /** Standby, pins, cleanups, maintenance mode: the operator's commands and the registers they write. */
    private final OperatorRegisters operators;
    /** This node's state reports: what they say and when they go out. */
    private final OwnReports reports;
    /** Per group: keep, stop, claim or start here. */
    private final Claims claims;
    /** The hactl status snapshot. */
    private final StatusView statusView;
    /** The view placement decides on: the alive nodes' reports once complete, else why not. */
    private final PlacementView placementView = new PlacementView() {
        @Override
        public List<StateReport> viewOrNull() {
            return ResourceManager.this.viewOrNull();
        }

        @Override
        public String whyNoView() {
            return ResourceManager.this.whyNoView();
        }
    };
    private boolean booted;

    public ResourceManager(ManagerConfig cfg, String incarnation) {
        this.ctx = new ManagerContext(cfg, incarnation);
        this.bootCfg = cfg;
        this.me = cfg.localNode();
        this.incarnation = incarnation;
        this.cluster = new ClusterView(ctx, groups);
        this.fencing = new PeerFencing(ctx);
        this.stall = new StallRecovery(ctx, groups, cluster);
        this.actions = new GroupActions(ctx, groups, this::allGroups, failcounts, cluster, this::released, stopBudget);
        this.reconfiguration = new Reconfiguration(ctx, groups, failcounts,
                (lg, index, reason) -> actions.issue(lg, OpKind.STOP, index, reason), this::maintenanceOn);
        this.operators = new OperatorRegisters(ctx, groups, reconfiguration::allGroups, failcounts, placementView);
        this.reports = new OwnReports(ctx, groups, reconfiguration::removedGroupsStopping, failcounts, cluster, stall,
                operators);
        this.claims = new Claims(ctx, cluster, stall, operators, failcounts, fencing, actions);
        this.statusView = new StatusView(ctx, groups, cluster, operators, fencing, stall, placementView);
        for (ResourceGroup g : ctx.cfg().groups()) {
            List<ResourcePolicy> policies = g.resources().stream()
                    .map(r -> ctx.cfg().settings().policyFor(r.word())).toList();
            groups.put(g.name(), new LocalGroup(g, policies));
        }
    }

    /** A completed stop released the group here: the next report says so. */
    private void released(String group) {
        reports.released(group);
    }

    /** The configured groups and those a reload is still stopping. */
    private List<LocalGroup> allGroups() {
        return reconfiguration.allGroups();
    }

    /** Maintenance mode is on here: nothing is started, stopped or monitored. */
    private boolean maintenanceOn() {
        return operators.maintenance();
    }

    public String localNode() {
        return me;
    }

    /**
     * Sends every wanted report at once instead of pacing them (docs/protocol.md): for scenario
     * tests, whose clock does not move between inputs. Call before {@link #boot}.
     */
    void sendReportsUnpaced() {
        reports.sendUnpaced();
    }

    public String incarnation() {
        return incarnation;
    }

    public ManagerConfig config() {
        return ctx.cfg();
    }

    /** The configuration the manager booted with (a reload replaces {@link #config()}): a journal replay starts from it. */
    public ManagerConfig bootConfig() {
        return bootCfg;
    }

    /**
     * Every group whose resources may be up here, for an emergency stop right to left: the
     * configured groups, plus those a reload removed and is still stopping, and for a group a
     * reload changed and is still restarting, one list with the old resources after the kept
     * ones before the new ones (so right to left stops the new, then the old, then the kept).
     */
    public List<ResourceGroup> groupsThatMayRunHere() {
        return reconfiguration.groupsThatMayRunHere();
    }

    /** First call: probes every resource (is it already running here?) and announces this node. */
    public List<ManagerAction> boot(Now time) {
        if (booted) {
            throw new IllegalStateException("already booted");
        }
        booted = true;
        begin(time);
        event(Level.INFO, EventKind.MEMBERSHIP, null, "manager started on " + me + " (incarnation "
                + incarnation + "); probing resources, waiting for the other nodes or initdead");
        return finish();
    }

    /** Handles one input and returns the actions it leads to, in the order they must run. */
    public List<ManagerAction> handle(Now time, ManagerInput input) {
        if (!booted) {
            throw new IllegalStateException("boot() first");
        }
        begin(time);
        if (input instanceof MembershipChanged m) {
            onMembership(m);
        } else if (input instanceof PeerReport r) {
            onReport(r.report());
        } else if (input instanceof ActionCompleted c) {
            actions.onActionCompleted(c);
        } else if (input instanceof Tick) {
            // nothing of its own: every input runs the timers that are due (finish)
        } else if (input instanceof ConnectivityChanged c) {
            reports.onConnectivity(c.score());
        } else if (input instanceof Command c) {
            operators.onCommand(c.requestId(), c.command());
        } else if (input instanceof StallDetected s) {
            if (stall.onStall(s.frozenMs(), s.membershipEpoch())) {
                reports.force();
            }
        } else if (input instanceof FenceCompleted f) {
            fencing.onFenceCompleted(f);
        } else if (input instanceof ManagerInput.QuorumLeaseChanged l) {
            cluster.onLease(l);
        } else if (input instanceof InitdeadElapsed) {
            cluster.initdeadElapsed();
        } else if (input instanceof ConfigReloaded r) {
            if (reconfiguration.onConfigReloaded(r)) {
                reports.force();
            }
        } else if (input instanceof ManagerInput.ConfigRejected r) {
            event(Level.ERROR, EventKind.CONFIG, null, r.trigger() + ": the configuration was not reloaded ("
                    + r.problems().size() + (r.problems().size() == 1 ? " problem" : " problems")
                    + "); the running one stays: " + String.join("; ", r.problems()));
        } else if (input instanceof ManagerInput.ConfigNotice c) {
            event(c.warning() ? Level.WARN : Level.INFO, EventKind.CONFIG, null, c.message());
        } else {
            throw new IllegalArgumentException("unknown input " + input);
        }
        return finish();
    }

    /**
     * How long before its quorum lease ends this node must begin stopping, to have every group
     * down by then (docs/leases.md): the longest group's measured stop, right to left, plus the
     * manager's reaction time; 0 when nothing runs here. The daemon's lease timer reads it after
     * every input.
     */
    public long stopBudgetMs() {
        return stopBudget.budgetMs(allGroups());
    }

    /** The newest events, oldest first (bounded; see event_log_size). */
    public List<ManagerEvent> events() {
        return ctx.events();
    }

    /**
     * The timer contract: the earliest monotonic time, strictly after the last input, at which
     * time alone changes what this manager does (a monitor falls due, an action's result is
     * overdue, a failure expires, a report is due, ...); {@link Long#MAX_VALUE} for none. The caller
     * delivers a {@link Tick} then. Every input, a Tick or any other, runs every timer that is due
     * at its time, so after {@code handle(now, input)} this is always later than {@code now}: a
     * deadline at or before the last input was already weighed against the state that still holds
     * (a monitor held back by maintenance mode, the end of a stall while a blocked stop still holds
     * the group), and only a new input can change that state. A Tick therefore never leaves a
     * deadline it cannot consume, and the caller never spins (docs/manager.md, "Timers").
     */
    public long nextTimerAtMs() {
        Deadlines next = new Deadlines(ctx.nowMs());
        next.at(reports.nextDueAtMs());
        for (LocalGroup old : reconfiguration.retiringGroups()) {
            if (old.inFlight() != null) {
                next.at(old.inFlight().resultDeadlineMs());
            }
        }
        for (LocalGroup lg : groups.values()) {
            lg.offerDeadlines(next::at, ctx.cfg().settings().failbackDelay().toMillis());
        }
        next.at(failcounts.nextExpiry(actions::policyOf));
        stall.offerDeadlines(next::at);
        fencing.offerDeadlines(next::at);
        return next.earliest();
    }

    /** The earliest of the deadlines offered that lie strictly after {@code afterMs}. */
    private static final class Deadlines {
        private final long afterMs;
        private long earliest = Long.MAX_VALUE;

        Deadlines(long afterMs) {
            this.afterMs = afterMs;
        }

        void at(long deadlineMs) {
            if (deadlineMs > afterMs && deadlineMs < earliest) {
                earliest = deadlineMs;
            }
        }

        long earliest() {
            return earliest;
        }
    }

    // ------------------------------------------------------------------ inputs

    private void begin(Now time) {
        ctx.begin(time);
    }

    /**
     * The decision round after every input, in a fixed order: results given up on and failures
     * expired first (they change what the groups may do), then the end of a stall and the
     * reload's stops, then quorum and each group's decision, then the notify transitions of what
     * changed, and last the report that tells the peers.
     */
    private List<ManagerAction> finish() {
        fencing.checkOverdue();
        actions.checkOverdueActions();
        actions.expireFailures();
        if (stall.endIfQuiet()) {
            reports.force();
        }
        reconfiguration.retire();
        decide();
        actions.emitTransitions();
        reports.maybeBroadcast();
        return ctx.drain();
    }

    /**
     * A new membership, applied part by part in the order the events read best: each departure
     * and its cleared pins, each arrival and its cleared pins, the merge, then what fencing owes
     * or forgives, and the end of a stall.
     */
    private void onMembership(MembershipChanged m) {
        ClusterView.Change change = cluster.compare(m);
        List<String> next = change.members();
        List<String> left = change.left();
        List<String> joined = change.joined();
        for (String n : left) {
            cluster.nodeLeft(n, m.causes().get(n));
            operators.onNodeLeft(n);
        }
        for (String n : joined) {
            cluster.nodeJoined(n, m.merge());
            operators.onNodeJoined(n);
        }
        if (m.merge()) {
            event(Level.INFO, EventKind.MEMBERSHIP, null, "membership merged after a partition: " + next);
        }
        cluster.markAbsent(left, m.causes());
        for (String n : left) {
            fencing.onNodeLeft(n);
        }
        for (String n : joined) {
            fencing.onNodeJoined(n);
            cluster.markReturned(n);
        }
        cluster.install(next);
        stall.onMembership(m.epoch(), next);
        reports.force();
    }

    /** A peer's report: the view takes it in (or drops it), then fencing and the registers learn from it. */
    private void onReport(StateReport r) {
        String from = cluster.onReport(r);
        if (from == null) {
            return;
        }
        fencing.onReport(from, groups.keySet(), r);
        operators.merge(r.registers());
    }

    // ------------------------------------------------------------------ decisions

    private String whyNoView() {
        if (!cluster.membershipKnown()) {
            return "no membership yet";
        }
        if (stall.stalled()) {
            return "recovering from a stall";
        }
        if (maintenanceOn()) {
            return "maintenance mode is on";
        }
        if (!cluster.startupComplete()) {
            return "waiting for all nodes or initdead";
        }
        if (!reports.ready()) {
            return "still probing resources";
        }
        return cluster.peersNotReady();
    }

    /** The alive nodes' reports (this node's own current state included), or null while incomplete. */
    private List<StateReport> viewOrNull() {
        if (!whyNoView().isEmpty()) {
            return null;
        }
        return cluster.view(reports.build(ctx.seq()));
    }

    private void decide() {
        cluster.checkStartup();
        boolean q = cluster.decideQuorum();
        List<StateReport> view = viewOrNull();
        if (view != null) {
            operators.clearPinsToIneligibleNodes(view);
        }
        for (LocalGroup lg : groups.values()) {
            if (reconfiguration.isRetiring(lg.name())) {
                lg.dropClaim(); // a reload is still stopping its old resources here (retire)
                continue;
            }
            claims.decide(lg, view, q);
        }
    }

    // ------------------------------------------------------------------ events and status

    private void event(Level level, EventKind kind, String group, String message) {
        ctx.event(level, kind, group, message);
    }

    /**
     * Whether a daemon that is shutting down (after {@code standby all}) may leave now: no
     * action is in flight and no group holds anything here, except groups that are blocked
     * (their stop failed; nothing more will be tried) or everything when maintenance mode says
     * resources are not to be touched; and the last report sent says so.
     */
    public boolean settledForShutdown() {
        if (maintenanceOn()) {
            return true;
        }
        for (LocalGroup lg : reconfiguration.allGroups()) {
            if (lg.inFlight() != null || lg.occupies() && !lg.blocked()) {
                return false;
            }
        }
        // the peers have been told: a release the pacing still holds back goes out first
        // (docs/protocol.md), so the new owners start by the handover, not after the leave
        return reports.peersAreUpToDate();
    }

    /** A snapshot for {@code hactl status}, as this node sees the cluster. */
    public ManagerStatus status(Now time) {
        return statusView.status(time, reports.build(ctx.seq()));
    }
}
