package io.lifeline.manager;

import static io.lifeline.manager.ManagerContext.fmt;

import io.lifeline.agent.OcfStatus;
import io.lifeline.config.ResourceSpec;
import io.lifeline.manager.LocalGroup.Goal;
import io.lifeline.manager.LocalGroup.Op;
import io.lifeline.manager.LocalGroup.OpKind;
import io.lifeline.manager.LocalGroup.Step;
import io.lifeline.manager.ManagerAction.MonitorResource;
import io.lifeline.manager.ManagerAction.Reannounce;
import io.lifeline.manager.ManagerAction.ReloadResource;
import io.lifeline.manager.ManagerAction.RunFenceHook;
import io.lifeline.manager.ManagerAction.RunNotify;
import io.lifeline.manager.ManagerAction.StartResource;
import io.lifeline.manager.ManagerAction.StopResource;
import io.lifeline.manager.ManagerEvent.Level;
import io.lifeline.manager.ManagerInput.ActionCompleted;
import io.lifeline.manager.notify.Notification;
import io.lifeline.manager.notify.Transition;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The hands of the {@link ResourceManager}: turns each group's goal into agent actions, one at a
 * time per group (probe, start left to right, stop right to left, monitor, re-announce), and
 * takes their results: a resource's new state, failures counted against their thresholds
 * ({@link Failcounts}), blocks after a failed stop, and the notify hooks' transitions. What the
 * goal is, the claims decide; this part only carries it out.
 */
final class GroupActions {

    /**
     * How long a start refused because another host still holds the resource (a duplicate-address
     * conflict) waits before it is tried again: short, so the takeover completes about a second
     * after the holder really lets go, yet not a busy loop of probes.
     */
    static final long CONFLICT_RETRY_MS = 1_000;
    /** Timeout of a re-announcement (a burst of gratuitous ARP or unsolicited neighbour advertisements). */
    static final Duration REANNOUNCE_TIMEOUT = Duration.ofSeconds(10);

    private final ManagerContext ctx;
    private final String me;
    private final Map<String, LocalGroup> groups;
    private final Supplier<List<LocalGroup>> allGroups;
    private final Failcounts failcounts;
    private final ClusterView cluster;
    /** Told of each group this node released by a completed stop (the next report says so). */
    private final Consumer<String> released;
    /** Measured starts and stops, for the quorum lease's stop budget. */
    private final StopBudget stopBudget;

    /**
     * @param groups    the configured groups (a reload rebuilds the map in place)
     * @param allGroups the configured groups and those a reload is still stopping: any of them may have an action in flight
     */
    GroupActions(ManagerContext ctx, Map<String, LocalGroup> groups, Supplier<List<LocalGroup>> allGroups,
            Failcounts failcounts, ClusterView cluster, Consumer<String> released, StopBudget stopBudget) {
        this.ctx = ctx;
        this.me = ctx.me;
        this.groups = groups;
        this.allGroups = allGroups;
        this.failcounts = failcounts;
        this.cluster = cluster;
        this.released = released;
        this.stopBudget = stopBudget;
    }

    /** An agent action's result (or the result given up on): the resource's new state, events, failures. */
    void onActionCompleted(ActionCompleted c) {
        LocalGroup lg = allGroups.get().stream()
                .filter(g -> g.awaits(c.opId())).findFirst().orElse(null);
        if (lg == null) {
            return; // an abandoned monitor, or a result we already gave up waiting for
        }
        Op op = lg.takeInFlight();
        int i = op.index();
        String res = lg.word(i);
        String outcome = c.message().isEmpty() ? c.status().description() : c.status().description() + ": " + c.message();
        switch (op.kind()) {
            case PROBE -> onProbe(lg, i, c.status(), outcome);
            case START -> {
                if (c.status() == OcfStatus.SUCCESS) {
                    lg.markStarted(i, ctx.nowMs());
                    stopBudget.started(res, c.durationMs());
                    ctx.event(Level.INFO, EventKind.RESOURCE, lg.name(), "started " + res + " on " + me + " (" + c.durationMs() + " ms)");
                    if (lg.allStarted()) {
                        lg.markRunning(ctx.nowMs());
                        ctx.event(Level.INFO, EventKind.PLACEMENT, lg.name(), lg.name() + " is running on " + me);
                    }
                } else if (c.conflict()) {
                    onStartRefused(lg, i, outcome);
                } else {
                    lg.markFailed(i);
                    ResourcePolicy p = lg.policy(i);
                    recordFailure(lg, i, p.threshold());
                    String reason = "start of " + res + " failed on " + me + " (" + outcome + "): " + me
                            + " is not eligible for " + lg.name() + " for " + fmt(p.window()) + "; " + lg.name() + " moves";
                    ctx.event(Level.ERROR, EventKind.FAILURE, lg.name(), reason);
                    lg.explain(reason);
                    notify(lg, Transition.FAILED, reason);
                }
            }
            case STOP -> {
                if (c.status() == OcfStatus.SUCCESS || c.status() == OcfStatus.NOT_RUNNING) {
                    boolean down = lg.markStopped(i);
                    if (c.status() == OcfStatus.SUCCESS) {
                        stopBudget.stopped(res, c.durationMs()); // "not running" took no stop: not a measure
                    }
                    ctx.event(Level.INFO, EventKind.RESOURCE, lg.name(), "stopped " + res + " on " + me + " (" + c.durationMs() + " ms)");
                    long leaseEnd = cluster.leaseEndsAtMs();
                    if (leaseEnd >= 0 && ctx.nowMs() > leaseEnd) {
                        ctx.event(Level.WARN, EventKind.RESOURCE, lg.name(), "the stop of " + res + " ended "
                                + (ctx.nowMs() - leaseEnd) + " ms after this node's quorum lease: a peer may have "
                                + "started " + lg.name() + " meanwhile (the stop took longer than the stop budget)");
                    }
                    if (down && lg.goal() == Goal.STOP) {
                        released.accept(lg.name());
                        ctx.event(Level.INFO, EventKind.PLACEMENT, lg.name(), me + " released " + lg.name() + ": " + lg.lastReason());
                    }
                } else {
                    lg.markStopFailed(i);
                    block(lg, res, "stop of " + res + " failed on " + me + " (" + outcome + ")", true);
                }
            }
            case MONITOR -> {
                onMonitor(lg, i, c.status(), c.message(), outcome);
                if (c.configChanged() && c.status() == OcfStatus.SUCCESS && lg.queueConfigurationReload(i)) {
                    ctx.event(Level.INFO, EventKind.RESOURCE, lg.name(), "monitor of " + res + " on " + me
                            + ": its configuration changed since it was loaded (" + outcome + "); reloading it in place");
                }
            }
            case RELOAD_PARAMETERS, RELOAD_CONFIGURATION -> {
                boolean ownConfiguration = op.kind() == OpKind.RELOAD_CONFIGURATION;
                if (c.status() == OcfStatus.SUCCESS) {
                    ctx.event(Level.INFO, EventKind.RESOURCE, lg.name(), "reloaded " + res + " in place on " + me
                            + " (" + c.durationMs() + " ms): " + (ownConfiguration ? "its changed configuration applies"
                            : "its new parameters apply") + " without a restart");
                    lg.scheduleMonitor(i, ctx.nowMs());
                } else if (ownConfiguration && c.status() == OcfStatus.ERR_CONFIGURED) {
                    // the agent refused the new file and, by the reload contract, kept the
                    // running configuration: the service is fine, so nothing is recovered
                    ctx.event(Level.WARN, EventKind.RESOURCE, lg.name(), "reload of " + res + " on " + me
                            + " refused (" + outcome + "): it keeps running its previous configuration");
                    lg.scheduleMonitor(i, ctx.nowMs());
                } else {
                    // as Pacemaker: a failed reload is a failure of the resource, recovered like a failed monitor
                    ctx.event(Level.ERROR, EventKind.FAILURE, lg.name(), "reload of " + res + " failed on " + me
                            + " (" + outcome + ")");
                    onMonitor(lg, i, c.status() == OcfStatus.NOT_RUNNING ? OcfStatus.ERR_GENERIC : c.status(),
                            "reload failed: " + c.message(), outcome);
                }
            }
            case REANNOUNCE -> {
                if (c.status() == OcfStatus.SUCCESS) {
                    ctx.event(Level.INFO, EventKind.RESOURCE, lg.name(), "re-announced " + lg.name() + " on " + me
                            + " (" + c.durationMs() + " ms)");
                } else {
                    ctx.event(Level.WARN, EventKind.RESOURCE, lg.name(), "re-announcing " + lg.name() + " on " + me
                            + " failed (" + outcome + "): neighbours learn the address again from its next "
                            + "announcement; the monitor says whether it still runs");
                }
            }
            default -> throw new IllegalStateException();
        }
    }

    /**
     * A start refused because another host still holds the resource (the VIP answered the
     * duplicate-address probe). That host is alive, whatever the membership says (a heartbeat
     * blip, a frozen holder): this node did nothing wrong and left nothing behind, so no failure
     * is counted and nothing moves; the start is tried again every {@link #CONFLICT_RETRY_MS}
     * for as long as this node is the placement's choice, and succeeds once the holder lets go.
     * If the holder comes back instead, placement over the merged membership decides.
     */
    private void onStartRefused(LocalGroup lg, int i, String outcome) {
        int refusals = lg.startRefused(i, ctx.nowMs() + CONFLICT_RETRY_MS);
        if (refusals == 1 || refusals % 30 == 0) {
            ctx.event(Level.WARN, EventKind.RESOURCE, lg.name(), "start of " + lg.word(i) + " on " + me + " refused ("
                    + outcome + "), " + refusals + (refusals == 1 ? " time" : " times")
                    + ": another host still holds it, so its holder is alive; not a failure of " + me
                    + " (nothing counted), retrying every " + fmt(Duration.ofMillis(CONFLICT_RETRY_MS)));
        }
    }

    private void onProbe(LocalGroup lg, int i, OcfStatus status, String outcome) {
        String res = lg.word(i);
        switch (status) {
            case SUCCESS, DEGRADED -> {
                lg.markFoundRunning(i, ctx.nowMs());
                ctx.event(Level.INFO, EventKind.RESOURCE, lg.name(), "probe: " + res + " is already running on " + me);
            }
            case NOT_RUNNING -> lg.markFoundStopped(i);
            case ERR_INSTALLED, ERR_CONFIGURED -> {
                lg.markFoundStopped(i);
                ctx.event(Level.WARN, EventKind.RESOURCE, lg.name(), "probe of " + res + " on " + me + ": "
                        + outcome + "; treated as not running (a start here would fail)");
            }
            default -> {
                lg.markFailed(i);
                ctx.event(Level.WARN, EventKind.RESOURCE, lg.name(), "probe of " + res + " on " + me + " failed ("
                        + outcome + "): it will be stopped before anything else");
            }
        }
    }

    private void onMonitor(LocalGroup lg, int i, OcfStatus status, String message, String outcome) {
        lg.recordMonitor(i, status, message, ctx.nowMs());
        if (status == OcfStatus.SUCCESS || status == OcfStatus.DEGRADED) {
            lg.scheduleMonitor(i, ctx.nowMs());
            return;
        }
        lg.markFailed(i);
        String res = lg.word(i);
        ResourcePolicy p = lg.policy(i);
        String what = "monitor of " + res + " failed on " + me + " (" + outcome + ")";
        switch (p.onFail()) {
            case BLOCK -> block(lg, res, what + "; on_fail=block", false);
            case MOVE -> {
                recordFailure(lg, i, p.threshold());
                String reason = what + "; on_fail=move: " + lg.name() + " leaves " + me;
                ctx.event(Level.ERROR, EventKind.FAILURE, lg.name(), reason);
                lg.explain(reason);
                notify(lg, Transition.FAILED, reason);
            }
            case RESTART -> {
                recordFailure(lg, i, 1);
                int count = failcounts.count(new Failcounts.Key(lg.name(), res));
                String reason;
                if (count >= p.threshold()) {
                    reason = "monitor of " + res + " failed " + count + " times within " + fmt(p.window()) + " on "
                            + me + " (" + outcome + "): " + lg.name() + " leaves " + me;
                    ctx.event(Level.ERROR, EventKind.FAILURE, lg.name(), reason);
                } else {
                    reason = what + ", failure " + count + " of " + p.threshold() + " within " + fmt(p.window())
                            + ": restarting " + res + afterIt(lg, i) + " on " + me;
                    ctx.event(Level.WARN, EventKind.FAILURE, lg.name(), reason);
                }
                lg.explain(reason);
                notify(lg, Transition.FAILED, reason);
            }
            default -> throw new IllegalStateException();
        }
    }

    private static String afterIt(LocalGroup lg, int i) {
        int after = lg.size() - i - 1;
        return after == 0 ? "" : " and the " + after + " resource" + (after == 1 ? "" : "s") + " after it";
    }

    private void recordFailure(LocalGroup lg, int i, int weight) {
        failcounts.record(new Failcounts.Key(lg.name(), lg.word(i)), ctx.nowMs(), ctx.nextStamp(), weight);
    }

    private void block(LocalGroup lg, String resource, String what, boolean fence) {
        lg.block(what, ctx.nextStamp());
        String reason = what + ": " + lg.name() + " is blocked and will not start anywhere until `hactl cleanup "
                + lg.name() + "`";
        ctx.event(Level.ERROR, EventKind.FAILURE, lg.name(), reason);
        lg.explain(reason);
        if (fence) {
            Optional<java.nio.file.Path> hook = ctx.cfg().settings().fenceHook();
            if (hook.isPresent()) {
                ctx.emit(new RunFenceHook(hook.get(), lg.name(), resource, what));
            } else {
                ctx.event(Level.ERROR, EventKind.FAILURE, lg.name(), "no fence_hook configured: " + resource
                        + " may still run on " + me + "; check it by hand before cleanup");
            }
        }
    }

    /** An action whose result is overdue counts as failed (its group may then move or block). */
    void checkOverdueActions() {
        for (LocalGroup lg : allGroups.get()) {
            Op op = lg.inFlight();
            if (op != null && ctx.nowMs() >= op.resultDeadlineMs()) {
                onActionCompleted(new ActionCompleted(op.id(), OcfStatus.ERR_GENERIC,
                        "no result within " + fmt(Duration.ofMillis(op.timeoutMs() + ResourceManager.RESULT_GRACE_MS)),
                        ctx.nowMs() - op.issuedAtMs()));
            }
        }
    }

    /** Failures older than their window are forgotten: this node may be eligible again. */
    void expireFailures() {
        for (Failcounts.Key k : failcounts.expire(ctx.nowMs(), this::policyOf)) {
            ctx.event(Level.INFO, EventKind.FAILCOUNT, k.group(), "failures of " + k.resource() + " on " + me
                    + " expired: " + me + " is eligible for " + k.group() + " again");
        }
    }

    ResourcePolicy policyOf(Failcounts.Key k) {
        return ctx.cfg().settings().policyFor(k.resource());
    }

    /**
     * Issues the next agent action of a group, if it has none in flight. {@code placedHere}: the
     * placement over a complete view chooses this node; a refused start is retried only then (not
     * while a holder that just came back has not reported yet).
     */
    void drive(LocalGroup lg, boolean placedHere) {
        if (lg.goal() != Goal.RUN) {
            lg.forgetRefusals();
        }
        if (!lg.phase().isActive()) {
            lg.forgetAnnouncements(); // this node does not keep the group: nothing to announce
            lg.forgetReloads(); // not running here: the new parameters apply at its next start
        }
        Step step = lg.nextLifecycleStep();
        if (lg.inFlight() != null) {
            // a start or stop must not wait for a monitor or an announcement; its result is ignored
            if (step == null || !lg.abandonBackgroundAction()) {
                return;
            }
        }
        if (step != null) {
            boolean retryDue = lg.startRefusals() == 0 || placedHere && ctx.nowMs() >= lg.retryStartAtMs();
            if (step.kind() != OpKind.START || retryDue) {
                issue(lg, step.kind(), step.index());
            }
        } else if (lg.goal() != Goal.STOP && lg.allStarted()) {
            if (lg.reannounceDue() != null && cluster.noPeerHolds(lg.name())) {
                String reason = me + " keeps " + lg.name() + " after " + lg.reannounceDue() + " (" + lg.lastReason() + ")";
                lg.forgetAnnouncements();
                ctx.event(Level.INFO, EventKind.SPLIT_BRAIN, lg.name(), reason + "; re-announcing it");
                issue(lg, OpKind.REANNOUNCE, 0, reason);
                notify(lg, Transition.REANNOUNCED, reason);
                return;
            }
            Step reload = lg.nextReload();
            if (reload != null) {
                issue(lg, reload.kind(), reload.index());
                return;
            }
            int due = lg.dueMonitor(ctx.nowMs());
            if (due >= 0) {
                issue(lg, OpKind.MONITOR, due);
            }
        }
    }

    void issue(LocalGroup lg, OpKind kind, int index) {
        issue(lg, kind, index, lg.lastReason());
    }

    /** {@code reason}: why, for the actions that carry one (a re-announcement). */
    void issue(LocalGroup lg, OpKind kind, int index, String reason) {
        long id = ctx.nextOpId();
        ResourcePolicy p = lg.policy(index);
        ResourceSpec res = lg.spec().resources().get(index);
        Duration timeout = switch (kind) {
            case START -> p.startTimeout();
            case STOP -> p.stopTimeout();
            case PROBE, MONITOR -> p.monitorTimeout();
            case REANNOUNCE -> REANNOUNCE_TIMEOUT;
            case RELOAD_PARAMETERS, RELOAD_CONFIGURATION -> p.startTimeout(); // a reload does a start's work at most
        };
        lg.track(new Op(id, kind, index, ctx.nowMs(), timeout.toMillis()));
        ctx.emit(switch (kind) {
            case START -> {
                boolean handover = cluster.isHandover(lg.name());
                yield new StartResource(id, lg.name(), res, timeout, handover,
                        !handover && cluster.takenOverFromSteadyHolders(lg.name()));
            }
            case STOP -> new StopResource(id, lg.name(), res, timeout);
            case PROBE -> new MonitorResource(id, lg.name(), res, timeout, true);
            case MONITOR -> new MonitorResource(id, lg.name(), res, timeout, false);
            case REANNOUNCE -> new Reannounce(id, lg.name(), lg.spec().resources(), timeout, reason);
            case RELOAD_PARAMETERS, RELOAD_CONFIGURATION -> new ReloadResource(id, lg.name(), res, timeout);
        });
    }

    /** The notify hooks hear each phase change of a group here once (starting, started, stopped, ...). */
    void emitTransitions() {
        for (LocalGroup lg : groups.values()) {
            GroupPhase after = lg.phase();
            GroupPhase before = lg.notePhase(after);
            if (before == after) {
                continue;
            }
            Transition t = switch (after) {
                case STARTING -> Transition.STARTING;
                case RUNNING -> before == GroupPhase.RECOVERING ? Transition.RECOVERED : Transition.STARTED;
                case RECOVERING -> Transition.RECOVERING;
                case STOPPING -> Transition.STOPPING;
                case STOPPED -> before == GroupPhase.CLAIMING || before == GroupPhase.PROBING ? null : Transition.STOPPED;
                case BLOCKED -> Transition.BLOCKED;
                case PROBING -> before == GroupPhase.BLOCKED ? Transition.UNBLOCKED : null;
                case CLAIMING -> null;
            };
            if (t != null) {
                notify(lg, t, lg.lastReason());
            }
        }
    }

    void notify(LocalGroup lg, Transition t, String reason) {
        if (!ctx.cfg().settings().notifyHooks().isEmpty()) {
            ctx.emit(new RunNotify(new Notification(ctx.now().wall(), me, lg.name(), t, reason)));
        }
    }
}
