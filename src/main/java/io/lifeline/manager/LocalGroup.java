package io.lifeline.manager;

import io.lifeline.agent.OcfStatus;
import io.lifeline.config.ResourceGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * One haresources group as this node runs it: the state of each resource here, the single agent
 * action in flight, and the goal (run it here or not). It decides the next agent action from
 * those alone, which is what enforces the ordering rules: start left to right, stop right to
 * left, and to recover a failed resource stop everything after it (right to left), then the
 * failed one, then start from the failed one onward.
 *
 * <p>Its state changes only through the intent methods below (what happened: a resource
 * started, a stop failed, a claim was confirmed), never by writes from outside, so each rule
 * that ties two fields together (a start clears the refusals, a block drops the claim) lives in
 * one place.
 */
final class LocalGroup {

    /**
     * How long a node in standby keeps a group for the new owner's claim before it stops it anyway
     * (docs/manager.md): a claim comes within a report round trip, a few milliseconds to a few
     * hundred on a loaded host; a node that never claims (its view incomplete, no quorum, an old
     * build) must not hold a standby, or a clean stop, up.
     */
    static final long CLAIM_WAIT_MS = 1_000;

    /**
     * RUN: bring it fully up here; STOP: take it fully down; NONE: no goal of its own, so start and
     * stop nothing (no decision yet, the group is not placed here, or a reload is stopping part of
     * it on its successor's behalf).
     */
    enum Goal { RUN, STOP, NONE }

    /**
     * The agent actions. The two reloads run the same agent action and differ in why, which
     * decides what their failure means: {@code RELOAD_PARAMETERS} applies parameters a
     * configuration reload changed (ConfigDiff.Reload), {@code RELOAD_CONFIGURATION} a resource's
     * own configuration its monitor found changed (AgentResult.configChanged).
     */
    enum OpKind {
        PROBE, START, STOP, MONITOR, REANNOUNCE, RELOAD_PARAMETERS, RELOAD_CONFIGURATION;

        boolean isReload() {
            return this == RELOAD_PARAMETERS || this == RELOAD_CONFIGURATION;
        }
    }

    record Op(long id, OpKind kind, int index, long issuedAtMs, long timeoutMs) {

        /** When the manager stops waiting for the result and counts the action as failed. */
        long resultDeadlineMs() {
            return issuedAtMs + timeoutMs + ResourceManager.RESULT_GRACE_MS;
        }

        /** A monitor or a re-announcement: it observes or repeats, so a start or stop need not wait for it. */
        boolean inBackground() {
            return kind == OpKind.MONITOR || kind == OpKind.REANNOUNCE;
        }
    }

    record Step(OpKind kind, int index) {
    }

    /**
     * One resource of the group as this node knows it: its state here and its monitor's
     * schedule and last result. Read-only outside {@link LocalGroup}, which changes it.
     */
    static final class Resource {
        private ResourceState state = ResourceState.UNKNOWN;
        private long nextMonitorAtMs;
        private OcfStatus lastMonitorStatus;
        private String lastMonitorMessage;
        private long lastMonitorAtMs = -1;

        ResourceState state() {
            return state;
        }

        OcfStatus lastMonitorStatus() {
            return lastMonitorStatus;
        }

        String lastMonitorMessage() {
            return lastMonitorMessage;
        }

        /** Monotonic time of the last monitor result, or -1 for none yet. */
        long lastMonitorAtMs() {
            return lastMonitorAtMs;
        }

        private void copyFrom(Resource old) {
            state = old.state;
            nextMonitorAtMs = old.nextMonitorAtMs;
            lastMonitorStatus = old.lastMonitorStatus;
            lastMonitorMessage = old.lastMonitorMessage;
            lastMonitorAtMs = old.lastMonitorAtMs;
        }
    }

    /** Replaced in place by a reload that keeps the group's resources (new home node, line, policies). */
    private ResourceGroup spec;
    private List<ResourcePolicy> policies;
    private final List<Resource> resources;

    private Op inFlight;
    private Goal goal = Goal.NONE;
    /** Seq of the report that first carried this node's claim; 0 when not claiming. */
    private long claimSeq;
    /** Why this node's claim waits for an agreed membership ("n1 still sees n3"), null: it does not; events say it once. */
    private String disagreement;
    /** When the group last became fully started here, or -1. */
    private long runningSinceMs = -1;
    private String blockedReason;
    private Stamp blockedStamp = Stamp.ZERO;
    /** Another node was seen running this group at the same time (split brain). */
    private boolean splitBrainSeen;
    /**
     * Why this node, which keeps the group, must announce it again once no peer holds it (e.g.
     * "the split brain", "node1 joined"); null when nothing is due.
     */
    private String reannounceDue;
    /** Starts refused in a row because another host still holds a resource (see GroupActions.onStartRefused). */
    private int startRefusals;
    /** No start before this monotonic time (a refused start waits before it is tried again); -1 for none. */
    private long retryStartAtMs = -1;
    /** Since when this node, in standby, keeps the group for a new owner's claim (monotonic); -1: it does not. */
    private long awaitingClaimSinceMs = -1;
    /** The phase the transitions were last emitted for (notify hooks see each change once). */
    private GroupPhase lastPhase = GroupPhase.PROBING;
    /**
     * Reloads due, in order: resources whose parameters a reload changed and whose agent reloads
     * them in place (ConfigDiff.Reload), and resources whose monitor found their configuration
     * changed. Each gets its reload action once the group runs here.
     */
    private final java.util.ArrayDeque<Step> reloadPending = new java.util.ArrayDeque<>();
    /** Why the group is where it is: the reason the next action, event or notification carries. */
    private String lastReason = "";

    LocalGroup(ResourceGroup spec, List<ResourcePolicy> policies) {
        this.spec = spec;
        this.policies = List.copyOf(policies);
        List<Resource> rs = new ArrayList<>();
        for (int i = 0; i < spec.resources().size(); i++) {
            rs.add(new Resource());
        }
        this.resources = List.copyOf(rs);
    }

    // ------------------------------------------------------------------ reading

    String name() {
        return spec.name();
    }

    ResourceGroup spec() {
        return spec;
    }

    int size() {
        return resources.size();
    }

    String word(int index) {
        return spec.resources().get(index).word();
    }

    ResourcePolicy policy(int index) {
        return policies.get(index);
    }

    Resource resource(int index) {
        return resources.get(index);
    }

    ResourceState state(int index) {
        return resources.get(index).state;
    }

    List<ResourceState> states() {
        return resources.stream().map(Resource::state).toList();
    }

    Op inFlight() {
        return inFlight;
    }

    /** Whether the action with this id is the one in flight here. */
    boolean awaits(long opId) {
        return inFlight != null && inFlight.id() == opId;
    }

    Goal goal() {
        return goal;
    }

    long claimSeq() {
        return claimSeq;
    }

    String disagreement() {
        return disagreement;
    }

    long runningSinceMs() {
        return runningSinceMs;
    }

    String blockedReason() {
        return blockedReason;
    }

    Stamp blockedStamp() {
        return blockedStamp;
    }

    String reannounceDue() {
        return reannounceDue;
    }

    int startRefusals() {
        return startRefusals;
    }

    long retryStartAtMs() {
        return retryStartAtMs;
    }

    String lastReason() {
        return lastReason;
    }

    boolean blocked() {
        return blockedReason != null;
    }

    /**
     * This node occupies the group: it means to run it (even while every resource is down during
     * an in-place restart), or some resource may be up here.
     */
    boolean occupies() {
        if (goal == Goal.RUN || inFlight != null && inFlight.kind() == OpKind.START) {
            return true;
        }
        for (Resource r : resources) {
            if (r.state == ResourceState.STARTED || r.state == ResourceState.FAILED
                    || r.state == ResourceState.STOP_FAILED) {
                return true;
            }
        }
        return false;
    }

    boolean hasUnknown() {
        return resources.stream().anyMatch(r -> r.state == ResourceState.UNKNOWN);
    }

    boolean allStarted() {
        return resources.stream().allMatch(r -> r.state == ResourceState.STARTED);
    }

    GroupPhase phase() {
        if (blocked()) {
            return GroupPhase.BLOCKED;
        }
        if (hasUnknown()) {
            return GroupPhase.PROBING;
        }
        if (!occupies()) {
            return claimSeq > 0 ? GroupPhase.CLAIMING : GroupPhase.STOPPED;
        }
        if (goal == Goal.STOP) {
            return GroupPhase.STOPPING;
        }
        if (allStarted()) {
            return GroupPhase.RUNNING;
        }
        return runningSinceMs >= 0 ? GroupPhase.RECOVERING : GroupPhase.STARTING;
    }

    /**
     * Whether this node, running the group, holds it back from failing back to its home node
     * (failback_delay): it started less than {@code delayMs} ago. Reported as the group's
     * {@code holdFailback}.
     */
    boolean defersFailback(long nowMs, long delayMs) {
        return delayMs > 0 && runningSinceMs >= 0 && nowMs < runningSinceMs + delayMs;
    }

    /** The first resource not yet probed, or -1. */
    int nextUnknown() {
        for (int i = 0; i < resources.size(); i++) {
            if (state(i) == ResourceState.UNKNOWN) {
                return i;
            }
        }
        return -1;
    }

    /** The highest resource at or after {@code from} that is not stopped, or -1: the next to stop right to left. */
    int lastNotStopped(int from) {
        for (int i = resources.size() - 1; i >= from; i--) {
            if (state(i) != ResourceState.STOPPED) {
                return i;
            }
        }
        return -1;
    }

    /** The next start or stop the goal needs, or null when the goal is reached (or blocked). */
    Step nextLifecycleStep() {
        if (blocked() || hasUnknown() || goal == Goal.NONE) {
            return null;
        }
        if (goal == Goal.STOP) {
            int i = lastNotStopped(0);
            return i < 0 ? null : new Step(OpKind.STOP, i);
        }
        int firstNotStarted = -1;
        for (int i = 0; i < resources.size(); i++) {
            if (state(i) != ResourceState.STARTED) {
                firstNotStarted = i;
                break;
            }
        }
        if (firstNotStarted < 0) {
            return null;
        }
        // Anything up at or after the first gap must come down first, right to left.
        int stop = lastNotStopped(firstNotStarted);
        return stop >= 0 ? new Step(OpKind.STOP, stop) : new Step(OpKind.START, firstNotStarted);
    }

    /** The monitored resource whose monitor is most overdue, or -1. */
    int dueMonitor(long nowMs) {
        int due = -1;
        for (int i = 0; i < resources.size(); i++) {
            Resource r = resources.get(i);
            if (policies.get(i).monitored() && r.state == ResourceState.STARTED && r.nextMonitorAtMs <= nowMs
                    && (due < 0 || r.nextMonitorAtMs < resources.get(due).nextMonitorAtMs)) {
                due = i;
            }
        }
        return due;
    }

    /**
     * Offers every time at which time alone changes what this group does: its action's result
     * deadline, else its monitors while it runs; a refused start's retry; the end of its
     * failback_delay ({@code failbackDelayMs}, 0 for none).
     */
    void offerDeadlines(LongConsumer at, long failbackDelayMs) {
        if (inFlight != null) {
            at.accept(inFlight.resultDeadlineMs());
        } else if (goal != Goal.STOP && allStarted()) {
            for (int i = 0; i < resources.size(); i++) {
                if (policies.get(i).monitored()) {
                    at.accept(resources.get(i).nextMonitorAtMs);
                }
            }
        }
        at.accept(retryStartAtMs);
        if (awaitingClaimSinceMs >= 0) {
            at.accept(awaitingClaimSinceMs + CLAIM_WAIT_MS);
        }
        if (runningSinceMs >= 0 && failbackDelayMs != 0) {
            at.accept(runningSinceMs + failbackDelayMs);
        }
    }

    // ------------------------------------------------------------------ agent actions and their results

    /** An action was issued for this group: it is the one in flight until its result comes. */
    void track(Op op) {
        inFlight = op;
    }

    /** The result of the action in flight arrived (or is given up on): nothing is in flight any more. */
    Op takeInFlight() {
        Op op = inFlight;
        inFlight = null;
        return op;
    }

    /** Forgets a monitor in flight (its result will be ignored); true if there was one. */
    boolean abandonMonitor() {
        if (inFlight != null && inFlight.kind() == OpKind.MONITOR) {
            inFlight = null;
            return true;
        }
        return false;
    }

    /** Forgets a monitor or announcement in flight (its result will be ignored); true if there was one. */
    boolean abandonBackgroundAction() {
        if (inFlight != null && inFlight.inBackground()) {
            inFlight = null;
            return true;
        }
        return false;
    }

    /** A start succeeded: the refusals streak ends and the resource is monitored from now on. */
    void markStarted(int index, long nowMs) {
        resources.get(index).state = ResourceState.STARTED;
        startRefusals = 0;
        scheduleMonitor(index, nowMs);
    }

    /**
     * Every resource is up: the group runs here (since the first time, across in-place
     * restarts), and the start itself announced it, after anything a joiner did.
     */
    void markRunning(long nowMs) {
        if (runningSinceMs < 0) {
            runningSinceMs = nowMs;
        }
        reannounceDue = null;
    }

    /**
     * A start was refused because another host still holds the resource: nothing was left
     * behind, and the start waits until {@code retryAtMs}. Returns the refusals in a row.
     */
    int startRefused(int index, long retryAtMs) {
        resources.get(index).state = ResourceState.STOPPED;
        startRefusals++;
        retryStartAtMs = retryAtMs;
        return startRefusals;
    }

    /** No start is waiting out a refusal any more (the goal is no longer to run it here). */
    void forgetRefusals() {
        startRefusals = 0;
        retryStartAtMs = -1;
    }

    /** A start, monitor or probe found the resource failed: it must be stopped before anything else. */
    void markFailed(int index) {
        resources.get(index).state = ResourceState.FAILED;
    }

    /** A stop succeeded. Returns whether the group is now entirely down here (it then no longer runs since anything). */
    boolean markStopped(int index) {
        resources.get(index).state = ResourceState.STOPPED;
        if (occupies()) {
            return false;
        }
        runningSinceMs = -1;
        return true;
    }

    /** A stop failed: the resource may still be up, and nothing more is tried on it. */
    void markStopFailed(int index) {
        resources.get(index).state = ResourceState.STOP_FAILED;
    }

    /** A probe found the resource running here (before this node decided anything): it is monitored. */
    void markFoundRunning(int index, long nowMs) {
        resources.get(index).state = ResourceState.STARTED;
        scheduleMonitor(index, nowMs);
    }

    /** A probe found the resource not running here (or not runnable: a start would fail). */
    void markFoundStopped(int index) {
        resources.get(index).state = ResourceState.STOPPED;
    }

    /** A monitor answered: kept for the status, whatever it says. */
    void recordMonitor(int index, OcfStatus status, String message, long nowMs) {
        Resource r = resources.get(index);
        r.lastMonitorStatus = status;
        r.lastMonitorMessage = message;
        r.lastMonitorAtMs = nowMs;
    }

    void scheduleMonitor(int index, long nowMs) {
        resources.get(index).nextMonitorAtMs = nowMs + policies.get(index).monitorInterval().toMillis();
    }

    /** Forget what is known about the resources, except the one an action is running on, so that they are probed again. */
    void reprobe() {
        for (int i = 0; i < resources.size(); i++) {
            if (inFlight == null || inFlight.index() != i) {
                resources.get(i).state = ResourceState.UNKNOWN;
            }
        }
    }

    // ------------------------------------------------------------------ goal, claim, block

    /** Sets the goal and its reason; returns whether the goal changed (the reason is kept otherwise). */
    boolean aim(Goal next, String reason) {
        if (goal == next) {
            return false;
        }
        goal = next;
        lastReason = reason;
        return true;
    }

    /**
     * This node, in standby, keeps the group until the new owner claims it: when it began waiting
     * (the first call of a wait sets it, later ones keep it).
     */
    long awaitClaimSince(long nowMs) {
        if (awaitingClaimSinceMs < 0) {
            awaitingClaimSinceMs = nowMs;
        }
        return awaitingClaimSinceMs;
    }

    /** No wait for a claim (any more). */
    void endClaimWait() {
        awaitingClaimSinceMs = -1;
    }

    /** The group is not this node's to start or stop (not placed here, or not occupied): no goal. */
    void clearGoal() {
        goal = Goal.NONE;
    }

    /** Records why the group is where it is, for the next action, event or notification. */
    void explain(String reason) {
        lastReason = reason;
    }

    /** This node claims the group with the report numbered {@code reportSeq}, for {@code reason}. */
    void claim(long reportSeq, String reason) {
        claimSeq = reportSeq;
        lastReason = reason;
    }

    /** No claim (any more): a rival came first, the group is blocked, or this node is not the choice. */
    void dropClaim() {
        claimSeq = 0;
    }

    /** Every peer confirmed the claim: the group starts here. */
    void claimConfirmed(String reason) {
        claimSeq = 0;
        goal = Goal.RUN;
        lastReason = reason;
    }

    /** Why the claim waits for an agreed membership, or null when nothing stands in its way. */
    void noteDisagreement(String why) {
        disagreement = why;
    }

    /** A failure that needs the operator: no start here until cleanup (and no claim meanwhile). */
    void block(String reason, Stamp stamp) {
        blockedReason = reason;
        blockedStamp = stamp;
        claimSeq = 0;
    }

    /** Cleanup lifted the block: the resources are probed again before anything else. */
    void unblock(String reason) {
        blockedReason = null;
        reprobe();
        lastReason = reason;
    }

    /** The successor of a group a reload changed takes over the block of the old resources still stopping. */
    void inheritBlock(LocalGroup old) {
        blockedReason = old.blockedReason;
        blockedStamp = old.blockedStamp;
    }

    // ------------------------------------------------------------------ announcements

    void reannounceAfter(String why) {
        reannounceDue = why;
    }

    /**
     * Another node was seen running this group too: the first time, the group is to be announced
     * again once no peer holds it. Returns whether this is news.
     */
    boolean noteSplitBrain() {
        if (splitBrainSeen) {
            return false;
        }
        splitBrainSeen = true;
        reannounceAfter("the split brain");
        return true;
    }

    /** Nothing is to be announced again: this node does not keep the group, or it has just been announced. */
    void forgetAnnouncements() {
        reannounceDue = null;
        splitBrainSeen = false;
    }

    /**
     * A reload changed resource {@code index}'s parameters and its agent reloads them in place: a
     * running resource gets the agent's reload (GroupActions.drive); a stopped one starts with the
     * new parameters when it next starts, so nothing is queued for it.
     */
    void queueReload(int index) {
        // A start (or probe, or reload) in flight runs the old word's agent with the old
        // parameters: queue it too, and nextReload reloads it once it is up.
        boolean acting = inFlight != null && inFlight.index() == index && (inFlight.kind() == OpKind.START
                || inFlight.kind() == OpKind.PROBE || inFlight.kind().isReload());
        if (resources.get(index).state == ResourceState.STARTED || acting) {
            queue(new Step(OpKind.RELOAD_PARAMETERS, index));
        }
    }

    /**
     * The monitor of running resource {@code index} found its configuration changed since it was
     * loaded: it gets its agent's reload next (GroupActions.drive). Returns whether this is news
     * (not already queued), so that the event says it once.
     */
    boolean queueConfigurationReload(int index) {
        return resources.get(index).state == ResourceState.STARTED
                && queue(new Step(OpKind.RELOAD_CONFIGURATION, index));
    }

    private boolean queue(Step reload) {
        if (reloadPending.stream().anyMatch(r -> r.index() == reload.index())) {
            return false; // one reload applies whatever changed
        }
        reloadPending.add(reload);
        return true;
    }

    /**
     * The next reload due, or null when none is. A queued resource that is not running (its
     * start failed, or a recovery restart already started the new word) needs no reload: it is
     * dropped.
     */
    Step nextReload() {
        while (!reloadPending.isEmpty()) {
            Step reload = reloadPending.poll();
            if (resources.get(reload.index()).state == ResourceState.STARTED) {
                return reload;
            }
        }
        return null;
    }

    /** Not running here: queued reloads are moot, the new parameters apply at the next start. */
    void forgetReloads() {
        reloadPending.clear();
    }

    /** Records the phase transitions were emitted for; returns the one before. */
    GroupPhase notePhase(GroupPhase now) {
        GroupPhase before = lastPhase;
        lastPhase = now;
        return before;
    }

    GroupPhase lastPhase() {
        return lastPhase;
    }

    // ------------------------------------------------------------------ reload

    /** A reload kept the group's resources and changed the rest (home node, line, policies): applied in place. */
    void redefine(ResourceGroup newSpec, List<ResourcePolicy> newPolicies) {
        spec = newSpec;
        policies = List.copyOf(newPolicies);
    }

    /**
     * A reload removed the group: stop it here right to left (a release, with this reason) and
     * no claim; a monitor in flight is forgotten.
     */
    void retireRemoved(String reason) {
        abandonBackgroundAction();
        goal = Goal.STOP;
        claimSeq = 0;
        lastReason = reason;
    }

    /**
     * A reload changed the group's resources: the old ones after the kept ones are stopped on the
     * successor's behalf, which is not a release (the successor keeps the group), so no goal of
     * its own; a monitor in flight is forgotten.
     */
    void retireReplaced() {
        abandonBackgroundAction();
        goal = Goal.NONE;
    }

    /**
     * The successor of {@code old} after a reload changed its resources from index {@code keep}
     * on: the first {@code keep} resources are the same and carry their state over (they are not
     * touched); the new ones after them are stopped here if this node occupies the group (the old
     * ones are being stopped; the new ones then start in order), else probed like at boot.
     */
    static LocalGroup succeeding(LocalGroup old, ResourceGroup spec, List<ResourcePolicy> policies, int keep) {
        LocalGroup g = new LocalGroup(spec, policies);
        boolean occupied = old.occupies();
        for (int i = 0; i < g.resources.size(); i++) {
            if (i < keep) {
                g.resources.get(i).copyFrom(old.resources.get(i));
            } else {
                g.resources.get(i).state = occupied ? ResourceState.STOPPED : ResourceState.UNKNOWN;
            }
        }
        g.goal = old.goal;
        g.runningSinceMs = old.runningSinceMs;
        g.lastPhase = old.lastPhase;
        g.blockedReason = old.blockedReason;
        g.blockedStamp = old.blockedStamp;
        return g;
    }
}
