package io.lifeline.manager;

import io.lifeline.agent.OcfStatus;
import io.lifeline.config.ResourceGroup;
import java.util.Arrays;
import java.util.List;

/**
 * One haresources group as this node runs it: the state of each resource here, the single agent
 * action in flight, and the goal (run it here or not). It decides the next agent action from
 * those alone, which is what enforces the ordering rules: start left to right, stop right to
 * left, and to recover a failed resource stop everything after it (right to left), then the
 * failed one, then start from the failed one onward.
 */
final class LocalGroup {

    /** RUN: bring it fully up here; STOP: take it fully down; HOLD: change nothing (no decision yet). */
    enum Goal { RUN, STOP, HOLD }

    enum OpKind { PROBE, START, STOP, MONITOR, REANNOUNCE, RELOAD }

    record Op(long id, OpKind kind, int index, long issuedAtMs, long timeoutMs) {
    }

    record Step(OpKind kind, int index) {
    }

    /** Replaced in place by a reload that keeps the group's resources (new home node, line, policies). */
    ResourceGroup spec;
    List<ResourcePolicy> policies;
    final ResourceState[] states;
    final long[] nextMonitorAtMs;
    final OcfStatus[] lastMonitorStatus;
    final String[] lastMonitorMessage;
    final long[] lastMonitorAtMs;

    Op inFlight;
    Goal goal = Goal.HOLD;
    /** Seq of the report that first carried this node's claim; 0 when not claiming. */
    long claimSeq;
    /** Why this node's claim waits for an agreed membership ("n1 still sees n3"), null: it does not; events say it once. */
    String disagreement;
    /** When the group last became fully started here, or -1. */
    long runningSinceMs = -1;
    String blockedReason;
    Stamp blockedStamp = Stamp.ZERO;
    /** Another node was seen running this group at the same time (split brain). */
    boolean splitBrainSeen;
    /**
     * Why this node, which keeps the group, must announce it again once no peer holds it (e.g.
     * "the split brain", "node1 joined"); null when nothing is due.
     */
    String reannounceDue;
    /** Starts refused in a row because another host still holds a resource (see ResourceManager). */
    int startRefusals;
    /** No start before this monotonic time (a refused start waits before it is tried again); -1 for none. */
    long retryStartAtMs = -1;
    GroupPhase lastPhase = GroupPhase.PROBING;
    String lastReason = "";
    /**
     * Resources (positions) whose parameters a reload changed and whose agent reloads them in
     * place (ConfigDiff.Reload): each gets a reload action once the group runs here, in order.
     */
    final java.util.ArrayDeque<Integer> reloadPending = new java.util.ArrayDeque<>();

    LocalGroup(ResourceGroup spec, List<ResourcePolicy> policies) {
        this.spec = spec;
        this.policies = List.copyOf(policies);
        int n = spec.resources().size();
        states = new ResourceState[n];
        Arrays.fill(states, ResourceState.UNKNOWN);
        nextMonitorAtMs = new long[n];
        lastMonitorStatus = new OcfStatus[n];
        lastMonitorMessage = new String[n];
        lastMonitorAtMs = new long[n];
        Arrays.fill(lastMonitorAtMs, -1);
    }

    String name() {
        return spec.name();
    }

    String word(int index) {
        return spec.resources().get(index).word();
    }

    boolean blocked() {
        return blockedReason != null;
    }

    /**
     * This node occupies the group: it means to run it (even while every resource is down during
     * an in-place restart), or some resource may be up here.
     */
    boolean holds() {
        if (goal == Goal.RUN || inFlight != null && inFlight.kind() == OpKind.START) {
            return true;
        }
        for (ResourceState s : states) {
            if (s == ResourceState.STARTED || s == ResourceState.FAILED || s == ResourceState.STOP_FAILED) {
                return true;
            }
        }
        return false;
    }

    boolean hasUnknown() {
        for (ResourceState s : states) {
            if (s == ResourceState.UNKNOWN) {
                return true;
            }
        }
        return false;
    }

    boolean allStarted() {
        for (ResourceState s : states) {
            if (s != ResourceState.STARTED) {
                return false;
            }
        }
        return true;
    }

    GroupPhase phase() {
        if (blocked()) {
            return GroupPhase.BLOCKED;
        }
        if (hasUnknown()) {
            return GroupPhase.PROBING;
        }
        if (!holds()) {
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

    /** The first resource not yet probed, or -1. */
    int nextUnknown() {
        for (int i = 0; i < states.length; i++) {
            if (states[i] == ResourceState.UNKNOWN) {
                return i;
            }
        }
        return -1;
    }

    /** The next start or stop the goal needs, or null when the goal is reached (or blocked). */
    Step nextLifecycleStep() {
        if (blocked() || hasUnknown() || goal == Goal.HOLD) {
            return null;
        }
        if (goal == Goal.STOP) {
            for (int i = states.length - 1; i >= 0; i--) {
                if (states[i] != ResourceState.STOPPED) {
                    return new Step(OpKind.STOP, i);
                }
            }
            return null;
        }
        int firstNotStarted = -1;
        for (int i = 0; i < states.length; i++) {
            if (states[i] != ResourceState.STARTED) {
                firstNotStarted = i;
                break;
            }
        }
        if (firstNotStarted < 0) {
            return null;
        }
        // Anything up at or after the first gap must come down first, right to left.
        for (int i = states.length - 1; i >= firstNotStarted; i--) {
            if (states[i] != ResourceState.STOPPED) {
                return new Step(OpKind.STOP, i);
            }
        }
        return new Step(OpKind.START, firstNotStarted);
    }

    /** The monitored resource whose monitor is most overdue, or -1. */
    int dueMonitor(long nowMs) {
        int due = -1;
        for (int i = 0; i < states.length; i++) {
            if (policies.get(i).monitored() && states[i] == ResourceState.STARTED && nextMonitorAtMs[i] <= nowMs
                    && (due < 0 || nextMonitorAtMs[i] < nextMonitorAtMs[due])) {
                due = i;
            }
        }
        return due;
    }

    void scheduleMonitor(int index, long nowMs) {
        nextMonitorAtMs[index] = nowMs + policies.get(index).monitorInterval().toMillis();
    }

    void reannounceAfter(String why) {
        reannounceDue = why;
    }

    /**
     * The successor of {@code old} after a reload changed its resources from index {@code keep}
     * on: the first {@code keep} resources are the same and carry their state over (they are not
     * touched); the new ones after them are stopped here if this node holds the group (the old
     * ones are being stopped; the new ones then start in order), else probed like at boot.
     */
    static LocalGroup succeeding(LocalGroup old, ResourceGroup spec, List<ResourcePolicy> policies, int keep) {
        LocalGroup g = new LocalGroup(spec, policies);
        boolean held = old.holds();
        for (int i = 0; i < g.states.length; i++) {
            if (i < keep) {
                g.states[i] = old.states[i];
                g.nextMonitorAtMs[i] = old.nextMonitorAtMs[i];
                g.lastMonitorStatus[i] = old.lastMonitorStatus[i];
                g.lastMonitorMessage[i] = old.lastMonitorMessage[i];
                g.lastMonitorAtMs[i] = old.lastMonitorAtMs[i];
            } else {
                g.states[i] = held ? ResourceState.STOPPED : ResourceState.UNKNOWN;
            }
        }
        g.goal = old.goal;
        g.runningSinceMs = old.runningSinceMs;
        g.lastPhase = old.lastPhase;
        g.blockedReason = old.blockedReason;
        g.blockedStamp = old.blockedStamp;
        return g;
    }

    /** Forget what is known about the resources so that they are probed again. */
    void forgetStates() {
        Arrays.fill(states, ResourceState.UNKNOWN);
    }
}
